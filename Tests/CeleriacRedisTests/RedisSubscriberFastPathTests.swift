@testable import CeleriacRedis
import CeleriacTestSupport
import NIOConcurrencyHelpers
import Testing

/// The subscriber's paths for callers that wait on one result: events handed to a callback,
/// SUBSCRIBE and a command in one write, and an UNSUBSCRIBE nobody waits for.
@Suite("Pub/sub fast paths")
struct RedisSubscriberFastPathTests {
    /// Waits (boundedly) until `PUBSUB NUMSUB channel` is `count`.
    func waitForSubscribers(_ channel: String, _ count: Int, client: RedisClient) async throws {
        var seen = -1
        for _ in 0..<400 {
            let reply = try await client.send(["PUBSUB", "NUMSUB", channel])
            seen = Int(reply.array?.last?.int ?? -1)
            if seen == count { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("\(channel) has \(seen) subscribers, expected \(count)")
    }

    @Test func subscribeThenSendRunsTheCommandBehindTheSubscriptionOnRESP3() async throws {
        try await withClient(.v3) { client, server async throws in
            let received = NIOLockedValueBox<[RedisPubSubMessage]>([])
            let subscriber = RedisSubscriber(endpoints: RedisEndpoints(try RedisURL(parsing: server.url())), options: testOptions(.v3)) { event in
                if case .message(let message) = event { received.withLockedValue { $0.append(message) } }
            }
            // A confirmed subscription first, so that the connection is up.
            try await subscriber.subscribe(["warm-up"])
            try await client.set("stored", Array("before".utf8))
            let reply = try await subscriber.subscribe(["fast"], thenSend: RedisCommand(["GET", "stored"]))
            #expect(reply?.bytes == Array("before".utf8))
            // The GET ran after the SUBSCRIBE, so the subscription is in place already.
            #expect(subscriber.subscriptions.channels.contains("fast"))
            #expect(try await client.publish("fast", "after") == 1)
            var messages: [RedisPubSubMessage] = []
            for _ in 0..<400 {
                messages = received.withLockedValue { $0 }
                if !messages.isEmpty { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(messages == [RedisPubSubMessage(channel: "fast", payload: Array("after".utf8))])
            // A missing key answers null through the same path.
            let missing = try await subscriber.subscribe(["fast-2"], thenSend: RedisCommand(["GET", "absent"]))
            #expect(missing?.isNull == true)
            await subscriber.close()
        }
    }

    @Test func subscribeThenSendDeclinesOnRESP2() async throws {
        try await withClient(.v2) { client, server async throws in
            let subscriber = RedisSubscriber(url: try RedisURL(parsing: server.url()), options: testOptions(.v2))
            try await subscriber.subscribe(["warm-up"])
            let reply = try await subscriber.subscribe(["fast"], thenSend: RedisCommand(["GET", "stored"]))
            // RESP2 runs no GET on a subscribed connection: nothing sent, nothing subscribed.
            #expect(reply == nil)
            #expect(!subscriber.subscriptions.channels.contains("fast"))
            try await waitForSubscribers("warm-up", 1, client: client)
            await subscriber.close()
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func unsubscribeWithoutWaitingStopsDelivery(version: RESPVersion) async throws {
        try await withClient(version) { client, server async throws in
            let subscriber = RedisSubscriber(url: try RedisURL(parsing: server.url()), options: testOptions(version))
            try await subscriber.subscribe(["a", "b"])
            try await waitForSubscribers("a", 1, client: client)
            subscriber.unsubscribeWithoutWaiting(["a"])
            #expect(subscriber.subscriptions.channels == ["b"])
            try await waitForSubscribers("a", 0, client: client)
            try await waitForSubscribers("b", 1, client: client)
            await subscriber.close()
        }
    }

    @Test func eventsGoToTheCallbackAndTheStreamStaysEmpty() async throws {
        try await withClient(.v3) { client, server async throws in
            let received = NIOLockedValueBox<[RedisPubSubEvent]>([])
            let subscriber = RedisSubscriber(endpoints: RedisEndpoints(try RedisURL(parsing: server.url())), options: testOptions(.v3)) { event in
                received.withLockedValue { $0.append(event) }
            }
            try await subscriber.subscribe(["news"])
            #expect(try await client.publish("news", "one") == 1)
            var events: [RedisPubSubEvent] = []
            for _ in 0..<400 {
                events = received.withLockedValue { $0 }
                if !events.isEmpty { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(events == [.message(RedisPubSubMessage(channel: "news", payload: Array("one".utf8)))])
            var streamed = 0
            for await _ in subscriber.events { streamed += 1 }
            #expect(streamed == 0)
            await subscriber.close()
        }
    }
}
