import CeleriacRESP
@testable import CeleriacRedis
import CeleriacTestSupport
import NIOConcurrencyHelpers
import Testing

/// A SUBSCRIBE the server refuses (an ACL user without access to the channel) answers with
/// one error reply in band. On the subscriber's connection that error must stay the
/// SUBSCRIBE's: taken as the reply of the command written behind it, it would shift every
/// later reply to the wrong caller. Needs ACLs, so it runs on redis-server.
@Suite("Refused subscriptions")
struct RedisSubscriberRefusalTests {
    /// A redis-server with a user `waiter` that may use every key but only `allowed:*` channels.
    func withRestrictedUser(_ body: (RedisClient, String) async throws -> Void) async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let admin = try RedisClient(url: server.url(), options: testOptions(.v3))
        do {
            _ = try await admin.send(RedisCommand(["ACL", "SETUSER", "waiter", "on", ">secret", "~*", "resetchannels", "&allowed:*", "+@all"]))
            try await body(admin, "redis://waiter:secret@127.0.0.1:\(server.port)/0")
            await admin.close()
        } catch {
            await admin.close()
            throw error
        }
    }

    @Test func aRefusedSubscribeThrowsAndLeavesTheRepliesPaired() async throws {
        try await withRestrictedUser { admin, url in
            let received = NIOLockedValueBox<[RedisPubSubMessage]>([])
            let subscriber = RedisSubscriber(endpoints: RedisEndpoints(try RedisURL(parsing: url)), options: testOptions(.v3)) { event in
                if case .message(let message) = event { received.withLockedValue { $0.append(message) } }
            }
            try await subscriber.subscribe(["allowed:warm-up"])
            try await admin.set("denied:1", Array("stored-1".utf8))
            try await admin.set("allowed:2", Array("stored-2".utf8))

            var refusal: RedisError?
            do throws(RedisError) {
                let reply = try await subscriber.subscribe(["denied:1"], thenSend: RedisCommand(["GET", "denied:1"]))
                Issue.record("a refused SUBSCRIBE must throw, got \(String(describing: reply))")
            } catch {
                refusal = error
            }
            guard case .server(let message)? = refusal else {
                Issue.record("expected the server's refusal, got \(String(describing: refusal))")
                await subscriber.close()
                return
            }
            #expect(message.hasPrefix("NOPERM"))
            #expect(!subscriber.subscriptions.channels.contains("denied:1"))

            // The GET's reply to the refused call was not left for the next caller: this one
            // gets its own value, and its subscription works.
            let reply = try await subscriber.subscribe(["allowed:2"], thenSend: RedisCommand(["GET", "allowed:2"]))
            #expect(reply?.bytes == Array("stored-2".utf8))
            #expect(try await admin.publish("allowed:2", "after") == 1)
            var messages: [RedisPubSubMessage] = []
            for _ in 0..<400 {
                messages = received.withLockedValue { $0 }
                if !messages.isEmpty { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(messages == [RedisPubSubMessage(channel: "allowed:2", payload: Array("after".utf8))])
            await subscriber.close()
        }
    }

    @Test func aRefusedConfirmedSubscribeDoesNotShiftLaterReplies() async throws {
        try await withRestrictedUser { admin, url in
            // A long command timeout: the refusal must end the wait, not the timeout.
            let subscriber = RedisSubscriber(url: try RedisURL(parsing: url), options: testOptions(.v3, commandTimeout: .seconds(60)))
            try await subscriber.subscribe(["allowed:warm-up"])
            try await admin.set("allowed:3", Array("stored-3".utf8))
            let refusal = await refusalOf { () async throws(RedisError) in try await subscriber.subscribe(["denied:2", "allowed:4"]) }
            #expect(refusal?.hasPrefix("NOPERM") == true, "got \(String(describing: refusal))")
            // Neither name of the refused command stays in the set a reconnect would replay.
            #expect(subscriber.subscriptions.channels == ["allowed:warm-up"])
            // The refusal was the SUBSCRIBE's; this GET gets its own reply.
            let reply = try await subscriber.subscribe(["allowed:3"], thenSend: RedisCommand(["GET", "allowed:3"]))
            #expect(reply?.bytes == Array("stored-3".utf8))
            await subscriber.close()
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func aRefusedPatternSubscriptionThrowsTheServersWords(version: RESPVersion) async throws {
        try await withRestrictedUser { admin, url in
            let subscriber = RedisSubscriber(url: try RedisURL(parsing: url), options: testOptions(version, commandTimeout: .seconds(60)))
            try await subscriber.psubscribe(["allowed:*"])
            let refusal = await refusalOf { () async throws(RedisError) in try await subscriber.psubscribe(["denied:*"]) }
            #expect(refusal?.hasPrefix("NOPERM") == true, "got \(String(describing: refusal))")
            #expect(subscriber.subscriptions.patterns == ["allowed:*"])
            // The subscriber goes on: a permitted channel still subscribes and is confirmed.
            try await subscriber.subscribe(["allowed:5"])
            #expect(subscriber.subscriptions.channels == ["allowed:5"])
            await subscriber.close()
        }
    }

    /// The server's words when `body` is refused; nil when it succeeds or fails otherwise.
    func refusalOf(_ body: () async throws(RedisError) -> Void) async -> String? {
        do throws(RedisError) {
            try await body()
            return nil
        } catch {
            if case .server(let message) = error { return message }
            Issue.record("expected the server's refusal, got \(error)")
            return nil
        }
    }
}
