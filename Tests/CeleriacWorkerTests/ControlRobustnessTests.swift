import Celeriac
import CeleriacProtocol
import CeleriacWorker
import Foundation
import Testing

/// Hostile input on the pidbox channel: the server must skip or answer it and go on.
@Suite("the control server survives hostile requests")
struct ControlRobustnessTests {
    /// A deterministic generator (SplitMix64), so a failure replays.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func envelope(_ body: JSONValue, headers: JSONObject = ["clock": 1]) -> [UInt8] {
        KombuEnvelope(payload: body, headers: headers,
                      properties: MessageProperties(deliveryMode: 2, deliveryInfo: DeliveryInfo(exchange: "celery.pidbox", routingKey: ""),
                                                    deliveryTag: "tag"))
            .encoded()
    }

    @Test func wrongTypesAndMutatedBytesNeverStopIt() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            let transport = cluster.app.transport
            let channel = transport.fanoutChannel(exchange: ControlMessage.exchange, routingKey: "")
            let replyTo: JSONValue = ["exchange": "reply.celery.pidbox", "routing_key": "nobody-listens"]
            // Every field with the wrong kind of value, and arguments of the wrong kinds.
            var payloads: [[UInt8]] = [
                Self.envelope(["method": "ping", "arguments": [1, 2]]),
                Self.envelope(["method": "ping", "destination": "w1@control.test"]),
                Self.envelope(["method": "ping", "destination": [1]]),
                Self.envelope(["method": "ping", "pattern": 5, "matcher": "glob"]),
                Self.envelope(["method": "ping", "pattern": "(", "matcher": "pcre"]),
                Self.envelope(["method": "ping", "ticket": 7, "reply_to": replyTo]),
                Self.envelope(["method": "ping", "ticket": "t", "reply_to": "somewhere"]),
                Self.envelope(["method": "ping", "ticket": "t", "reply_to": ["exchange": 1]]),
                Self.envelope(["method": "ping"], headers: ["clock": "late", "expires": "soon"]),
                Self.envelope(["method": "revoke", "arguments": ["task_id": [1, 2]], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "rate_limit", "arguments": ["task_name": 3], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "time_limit", "arguments": ["task_name": "demo.add", "hard": "long"], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "pool_grow", "arguments": ["n": "many"], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "query_task", "arguments": ["ids": ["a": 1]], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "hello", "arguments": ["from_node": 1], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "terminate", "arguments": ["task_id": "x"], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "registered", "arguments": ["taskinfoitems": "rate_limit"], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "active", "arguments": ["safe": "yes"], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "rate_limit", "arguments": ["task_name": "demo.add", "rate_limit": ["10/s"]], "ticket": "t", "reply_to": replyTo]),
                Self.envelope(["method": "rate_limit", "arguments": ["task_name": "demo.add", "rate_limit": "1e400/s"], "ticket": "t", "reply_to": replyTo]),
                [], Array(repeating: UInt8(ascii: "{"), count: 10_000),
            ]
            // Byte-level damage to a valid request: flips, cuts, and inserted bytes.
            let valid = Self.envelope(["method": "ping", "arguments": [:], "destination": nil, "pattern": nil, "matcher": nil,
                                       "ticket": "t", "reply_to": replyTo])
            var random = SplitMix(state: 0xC0FFEE)
            for _ in 0..<300 {
                var bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                    case 1: bytes.removeSubrange(index...)
                    default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
                    }
                    if bytes.isEmpty { break }
                }
                payloads.append(bytes)
            }
            for payload in payloads { _ = try await transport.client.publish(channel, payload) }
            // Requests are handled in order: the answer to this one means all were handled.
            #expect(try await cluster.ask(.ping) == ["ok": "pong"])
            #expect(await cluster.target.shutdownRequests == 0)
            #expect(cluster.log.all.contains { $0.contains("malformed control request skipped") })
            #expect(cluster.log.all.contains { $0.contains("has bad arguments") })
        }
    }
}
