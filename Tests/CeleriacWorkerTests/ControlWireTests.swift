import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// The control server on the wire: who answers, what it skips, and the reply envelope byte
/// layout next to a Python worker's.
@Suite("the control server on the wire")
struct ControlWireTests {
    static let w1 = "w1@control.test"
    static let w2 = "w2@control.test"

    @Test func destinationAndPatternChooseWhoAnswers() async throws {
        try await withControlCluster([Self.w1, Self.w2]) { (cluster: ControlCluster) async throws in
            let control = cluster.control
            let everyone = try await control.broadcast(.ping, timeout: 5, limit: 2)
            #expect(Set(everyone.map(\.nodename)) == [Self.w1, Self.w2])
            #expect(everyone.allSatisfy { $0.result == ["ok": "pong"] })
            #expect(try await control.broadcast(.ping, destination: [Self.w2], timeout: 5).map(\.nodename) == [Self.w2])
            #expect(try await control.broadcast(.ping, pattern: "w1@*", matcher: "glob", timeout: 5, limit: 1).map(\.nodename) == [Self.w1])
            #expect(try await control.broadcast(.ping, pattern: "w2@.*", matcher: "pcre", timeout: 5, limit: 1).map(\.nodename) == [Self.w2])

            // Who acted, counted with heartbeat casts. Each server handles requests in order,
            // so once both answered a later ping, both had dealt with the cast before it.
            func heartbeats(after cast: () async throws -> Void) async throws -> [Int] {
                try await cast()
                let barrier = try await control.broadcast(.ping, destination: [Self.w1, Self.w2], timeout: 5)
                #expect(barrier.count == 2)
                return [await cluster.targets[0].heartbeats, await cluster.targets[1].heartbeats]
            }
            #expect(try await heartbeats { try await control.cast(.heartbeat, destination: [Self.w2]) } == [0, 1])
            #expect(try await heartbeats { try await control.cast(.heartbeat, pattern: "w1@*", matcher: "glob") } == [1, 1])
            #expect(try await heartbeats { try await control.cast(.heartbeat, pattern: "w2@.*", matcher: "pcre") } == [1, 2])
            #expect(try await heartbeats { try await control.cast(.heartbeat, pattern: "x@*", matcher: "glob") } == [1, 2])
            #expect(try await heartbeats { try await control.cast(.heartbeat, pattern: "w[12]@control.test", matcher: "glob") } == [2, 3])
            // kombu reads a pattern only with a matcher: a pattern alone reaches everyone.
            #expect(try await heartbeats { try await control.cast(.heartbeat, pattern: "x@*") } == [3, 4])
            // A matcher kombu does not have: nobody acts, and it is logged.
            #expect(try await heartbeats { try await control.cast(.heartbeat, pattern: "w1@*", matcher: "regex9") } == [3, 4])
            #expect(cluster.log.all.contains { $0.contains("control request heartbeat skipped") && $0.contains("regex9") })
            // An empty destination list is a broadcast, as in kombu.
            #expect(try await heartbeats { try await control.cast(.heartbeat, destination: []) } == [4, 5])
        }
    }

    /// kombu's mailbox clock: each request carries the next value (1); the server adjusts to
    /// max(its own, the request's) + 1 (2) and forwards once more for its reply (3); the
    /// client adjusts past that (4). The next request carries 5, the reply 7, the client 8.
    @Test func requestsCarryAMailboxClockThatRepliesAdvance() async throws {
        try await withControlCluster([Self.w1]) { (cluster: ControlCluster) async throws in
            let clock = MailboxClock()
            let control = ControlClient(transport: cluster.app.transport, clock: clock)
            _ = try await control.broadcast(.ping, destination: [Self.w1], timeout: 5)
            #expect(clock.current == 4)
            _ = try await control.broadcast(.ping, destination: [Self.w1], timeout: 5)
            #expect(clock.current == 8)
            // The app shares one clock between the clients it hands out.
            _ = try await cluster.app.control().broadcast(.ping, destination: [Self.w1], timeout: 5)
            _ = try await cluster.app.control().broadcast(.ping, destination: [Self.w1], timeout: 5)
            #expect(cluster.app.mailboxClock.current > 8)
        }
    }

    @Test func malformedRequestsAreLoggedAndSkipped() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            let transport = cluster.app.transport
            let channel = transport.fanoutChannel(exchange: ControlMessage.exchange, routingKey: "")
            // Not JSON; an envelope with a body that is not base64; a body without a method;
            // a body that is a list; a method that is a number.
            let bodies: [[UInt8]] = [
                Array("{{ not json".utf8),
                Array(#"{"body": "%%%", "content-encoding": "utf-8", "content-type": "application/json", "headers": {}, "properties": {"body_encoding": "base64"}}"#.utf8),
                envelope(["arguments": [:], "ticket": "t"]),
                envelope(["ping"]),
                envelope(["method": 5]),
            ]
            for body in bodies { _ = try await transport.client.publish(channel, body) }
            #expect(try await cluster.ask(.ping) == ["ok": "pong"])
            let skipped = cluster.log.all.filter { $0.contains("malformed control request skipped") }
            #expect(skipped.count == bodies.count)
        }
    }

    @Test func repliesAreEnvelopedAsAPythonWorkerSendsThem() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            let fixture = try Self.fixtureReply("pidbox-ping.json")
            let (raw, ticket, oid) = try await Self.rawReply(cluster, expires: Date().timeIntervalSince1970 + 5)
            let reply = try JSONParser.parse(raw)
            // Same members in the same order as kombu's, down to the properties.
            #expect(reply.objectValue?.keys == fixture.objectValue?.keys)
            #expect(reply["properties"]?.objectValue?.keys == fixture["properties"]?.objectValue?.keys)
            #expect(reply["headers"]?.objectValue?.keys == ["ticket", "clock"])
            #expect(reply["headers"]?["ticket"] == .string(ticket))
            #expect(reply["headers"]?["clock"]?.intValue != nil)
            #expect(reply["content-type"] == "application/json")
            #expect(reply["properties"]?["delivery_mode"] == 1)
            #expect(reply["properties"]?["delivery_info"] == ["exchange": "reply.celery.pidbox", "routing_key": .string(oid)])
            #expect(reply["properties"]?["body_encoding"] == "base64")
            let decoded = try ControlMessage.decodeReply(raw)
            #expect(decoded.nodename == cluster.node)
            #expect(decoded.result == ["ok": "pong"])
        }
    }

    /// Captured requests replayed byte for byte (those whose answer does not depend on the
    /// worker's state): the reply is the Python worker's, byte for byte, mailbox clock
    /// included, but for its random delivery tag.
    @Test(arguments: [
        "pidbox-ping.json", "pidbox-ping-destination.json", "pidbox-ping-pattern.json", "pidbox-unknown-command.json",
        "pidbox-revoke.json", "pidbox-revoke-multi.json", "pidbox-revoke-terminate-unknown.json", "pidbox-rate-limit.json",
        "pidbox-rate-limit-invalid.json", "pidbox-time-limit.json", "pidbox-add-consumer.json", "pidbox-cancel-consumer.json",
        "pidbox-pool-grow.json", "pidbox-pool-shrink.json", "pidbox-disable-events.json", "pidbox-reserved-empty.json",
    ])
    func capturedRequestsGetThePythonWorkersReplyBytes(_ name: String) async throws {
        let data = try Data(contentsOf: ProjectPaths.celeryFixtures.appendingPathComponent(name))
        let fixture = try JSONParser.parse(Array(data))
        let request = try #require(fixture["request"]?["command"]?.arrayValue?.last?.stringValue)
        let expected = try #require(fixture["replies"]?.arrayValue?.first?["command"]?.arrayValue)
        let oid = try #require(fixture["request"]?["decoded"]?["body"]?["reply_to"]?["routing_key"]?.stringValue)
        // The capture is old: its `expires` header has long passed.
        try await withControlCluster(["w1@host1"], options: ControlServer.Options(expiryGrace: 1e10)) { (cluster: ControlCluster) async throws in
            let raw = try #require(try await cluster.replyToRawRequest(request, oid: oid))
            #expect(expected.first == "LPUSH")
            #expect(expected.dropFirst().first?.stringValue == ControlMessage.replyQueue(oid: oid))
            let pythonBytes = try #require(expected.last?.stringValue)
            let python = try JSONParser.parse(pythonBytes)
            let tag = try #require(python["properties"]?["delivery_tag"]?.stringValue)
            var ours = try JSONParser.parse(raw)
            var properties = try #require(ours["properties"]?.objectValue)
            properties["delivery_tag"] = .string(tag)
            var object = try #require(ours.objectValue)
            object["properties"] = .object(properties)
            ours = .object(object)
            #expect(JSONWriter.string(ours) == pythonBytes)
        }
    }

    @Test func expiredRequestsAreDropped() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            // An hour-old request gets nothing; a fresh one after it is answered.
            let stale = try await Self.rawReply(cluster, expires: Date().timeIntervalSince1970 - 3_600, wait: 1)
            #expect(stale.raw.isEmpty)
            #expect(cluster.log.all.contains { $0.contains("expired control request ping dropped") })
            let fresh = try await Self.rawReply(cluster, expires: Date().timeIntervalSince1970 + 5)
            #expect(!fresh.raw.isEmpty)
            // `expires: 0` (kombu's "no timeout") never expires.
            let forever = try await Self.rawReply(cluster, expires: 0)
            #expect(!forever.raw.isEmpty)
        }
    }

    @Test func aStoppedServerNoLongerAnswersAndRemovesItsQueue() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            let members = try await cluster.app.transport.client.smembers("_kombu.binding.celery.pidbox")
            #expect(members.contains { $0.hasSuffix(cluster.node + ".celery.pidbox") })
            await cluster.servers[0].stop()
            #expect(try await cluster.control.broadcast(.ping, timeout: 1).isEmpty)
            let after = try await cluster.app.transport.client.smembers("_kombu.binding.celery.pidbox")
            #expect(after.isEmpty)
            // It can start again; a second start is refused.
            try await cluster.servers[0].start()
            await #expect(throws: ControlServer.StartError.self) { try await cluster.servers[0].start() }
            #expect(try await cluster.ask(.ping) == ["ok": "pong"])
        }
    }

    // MARK: Helpers

    /// A request envelope around any body.
    func envelope(_ body: JSONValue) -> [UInt8] {
        KombuEnvelope(payload: body, headers: ["clock": 1],
                      properties: MessageProperties(deliveryMode: 2, deliveryInfo: DeliveryInfo(exchange: "celery.pidbox", routingKey: ""),
                                                    deliveryTag: UUID().uuidString.lowercased()))
            .encoded()
    }

    /// The first reply a Python worker LPUSHed in a captured scenario, as JSON.
    static func fixtureReply(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: ProjectPaths.celeryFixtures.appendingPathComponent(name))
        let fixture = try JSONParser.parse(Array(data))
        let command = try #require(fixture["replies"]?.arrayValue?.first?["command"]?.arrayValue)
        let text = try #require(command.last?.stringValue)
        return try JSONParser.parse(text)
    }

    /// Sends a ping with its own reply queue and `expires` header, as kombu's mailbox does,
    /// and returns the raw reply popped from that queue (empty when none came in `wait` s).
    static func rawReply(_ cluster: ControlCluster, expires: Double, wait: Double = 5) async throws
        -> (raw: [UInt8], ticket: String, oid: String)
    {
        let transport = cluster.app.transport
        let oid = UUID().uuidString.lowercased()
        let ticket = UUID().uuidString.lowercased()
        let queue = ControlMessage.replyQueue(oid: oid)
        try await transport.bindExpiring(queue: queue, exchange: ControlMessage.replyExchange, routingKey: oid,
                                         expiresMilliseconds: 10_000)
        let request = ControlRequest(command: .ping, destination: [cluster.node], ticket: ticket,
                                     replyTo: ControlRequest.ReplyTo(routingKey: oid))
        let envelope = ControlMessage.requestEnvelope(request, clock: 7, expires: expires, deliveryTag: UUID().uuidString.lowercased())
        try await transport.publishFanout(envelope.encoded(), exchange: ControlMessage.exchange, routingKey: "")
        let blocking = transport.client.blockingClient()
        let popped = try await blocking.brpop(keys: Priority.brpopKeys([queue]), timeout: wait)
        await blocking.close()
        try await transport.deleteQueue(queue, exchange: ControlMessage.replyExchange, routingKey: oid)
        return (popped?.value ?? [], ticket, oid)
    }
}
