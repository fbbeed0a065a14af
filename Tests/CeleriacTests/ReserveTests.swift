import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Foundation
import Testing

/// Taking messages and recording them unacked is one atomic step (found by the chaos run:
/// a worker killed between its `RPOP` and its `MULTI ZADD HSET` lost the whole batch).
@Suite("reserve: pop and record unacked atomically")
struct ReserveTests {
    @Test func reservedMessagesAreRecordedExactlyAsKombuRecordsThem() async throws {
        try await withApp { app, _ in
            for id in ["a", "b", "c"] { try await app.transport.publish(try taskEnvelope(id), toQueue: "celery", priority: 0) }
            let keys = Priority.brpopKeys(["celery"])
            let reserved = try #require(try await app.transport.reserve(keys: keys, count: 2, at: 1_700_000_000.25))
            #expect(reserved.key == "celery")
            #expect(reserved.messages.map(\.recordedTag) == ["tag-a", "tag-b"])
            #expect(try await app.transport.size(of: "celery") == 1)
            for message in reserved.messages {
                let envelope = try KombuEnvelope.decode(message.raw)
                let tag = try #require(message.recordedTag)
                let stored = try #require(try await app.transport.client.hget("unacked", tag))
                // Byte for byte what the Swift path (and kombu) writes for this delivery.
                #expect(stored == UnackedEntry(envelope: envelope, exchange: "", routingKey: "celery").encoded())
                let score = try await app.transport.client.send(RedisCommand(["ZSCORE", "unacked_index", tag]))
                // The time rounded up to a whole second (KombuTransport.unackedScore).
                #expect(score.string == "1700000001")
            }
        }
    }

    /// Whole seconds rounded up: a message is never restored before its visibility timeout.
    @Test func unackedScoresAreWholeSecondsRoundedUp() {
        #expect(KombuTransport.unackedScore(at: 1_700_000_000.25) == "1700000001")
        #expect(KombuTransport.unackedScore(at: 1_700_000_000.999_999) == "1700000001")
        #expect(KombuTransport.unackedScore(at: 1_700_000_000) == "1700000000")
    }

    @Test func aConsumerThatDiesAfterTakingABatchLosesNothing() async throws {
        try await withApp(configure: { $0.visibilityTimeout = 1 }) { app, _ in
            for index in 0..<5 { try await app.transport.publish(try taskEnvelope("m\(index)"), toQueue: "celery", priority: 0) }
            // A consumer takes all five in one round and is never heard of again (kill -9).
            let doomed = Consumer(transport: app.transport, queues: ["celery"], prefetch: 8)
            let first = try await doomed.next()
            #expect(first.deliveryTag == "tag-m0")
            #expect(try await app.transport.size(of: "celery") == 0)
            #expect(try await app.transport.client.send(RedisCommand(["HLEN", "unacked"])) == .integer(5))
            // Scores are rounded up to whole seconds, so they come back between 1 and 2 s from now.
            var restored: Set<String> = []
            try await eventually("all five are restored") {
                restored.formUnion(try await app.transport.restoreVisible())
                return restored.count == 5
            }
            #expect(restored == Set((0..<5).map { "tag-m\($0)" }))
            #expect(try await app.transport.size(of: "celery") == 5)
            await doomed.close()
        }
    }

    @Test func aMessageWithoutATagIsTakenButNotRecorded() async throws {
        try await withApp { app, _ in
            _ = try await app.transport.client.send(RedisCommand(["LPUSH", "celery", "not an envelope"]))
            let reserved = try #require(try await app.transport.reserve(keys: ["celery"], count: 4))
            #expect(reserved.messages.count == 1)
            #expect(reserved.messages.first?.recordedTag == nil)
            #expect(try await app.transport.client.send(RedisCommand(["HLEN", "unacked"])) == .integer(0))
            #expect(try await app.transport.reserve(keys: ["celery"], count: 4) == nil)
        }
    }
}
