import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Foundation
import Testing

/// A visibility restore while other deliveries are being acked (found by the 100,000-task chaos
/// run: the restore `WATCH`ed the whole `unacked` hash, every ack aborted its transaction, and a
/// round gave up with "kept conflicting with other writers" after many seconds, holding
/// `unacked_mutex` all the while).
@Suite("restore while acks go on")
struct RestoreUnderAcksTests {
    @Test func restoresEveryDueMessageWhileOtherDeliveriesAreAckedWithoutPause() async throws {
        try await withApp { app, server in
            let tags = (0..<20).map { "tag-due\($0)" }
            for index in 0..<20 {
                let entry = try UnackedEntry(envelope: KombuEnvelope.decode(taskEnvelope("due\(index)")), exchange: "", routingKey: "celery")
                _ = try await app.transport.client.send(RedisCommand([Array("HSET".utf8), Array("unacked".utf8), Array(tags[index].utf8), entry.encoded()]))
                _ = try await app.transport.client.send(RedisCommand(["ZADD", "unacked_index", "1000", tags[index]]))
            }
            // Other workers record and ack their own deliveries, back to back, each on its own connection.
            var ackers: [RedisConnection] = []
            for _ in 0..<4 { ackers.append(try await RedisConnection.connect(to: try RedisURL(parsing: server.url()))) }
            let acking = Task { [ackers] in
                await withTaskGroup(of: Void.self) { group in
                    for (index, acker) in ackers.enumerated() {
                        group.addTask {
                            var round = 0
                            while !Task.isCancelled {
                                let field = "other-\(index)-\(round % 50)"
                                _ = await acker.pipeline((0..<100).flatMap { _ in
                                    [RedisCommand(["HSET", "unacked", field, "x"]), RedisCommand(["HDEL", "unacked", field])]
                                })
                                round += 1
                            }
                        }
                    }
                }
            }
            defer { acking.cancel() }
            try await Task.sleep(for: .milliseconds(50))

            // A round restores at most kombu's 10; rounds go on until nothing is due.
            var restored: [String] = []
            for _ in 0..<4 { restored += try await app.transport.restoreVisible(now: 100_000) }
            acking.cancel()
            _ = await acking.result
            for acker in ackers { await acker.close() }
            #expect(Set(restored) == Set(tags))
            #expect(try await app.transport.size(of: "celery") == 20)
            #expect(try await app.transport.client.send(RedisCommand(["ZCARD", "unacked_index"])) == .integer(0))
            #expect(try await app.transport.client.get(KombuTransport.unackedMutexKey) == nil)
        }
    }

    @Test func aDeliveryAckedBeforeItsRestoreIsNotPutBack() async throws {
        try await withApp { app, _ in
            let entry = try UnackedEntry(envelope: KombuEnvelope.decode(taskEnvelope("gone")), exchange: "", routingKey: "celery")
            _ = try await app.transport.client.send(RedisCommand([Array("HSET".utf8), Array("unacked".utf8), Array("tag-gone".utf8), entry.encoded()]))
            _ = try await app.transport.client.send(RedisCommand(["ZADD", "unacked_index", "1000", "tag-gone"]))
            try await app.transport.ack(tag: "tag-gone")
            #expect(try await app.transport.restore(tag: "tag-gone") == false)
            #expect(try await app.transport.size(of: "celery") == 0)
        }
    }

    @Test func aRestoredMessageIsMarkedRedeliveredAndKeepsItsPriorityQueue() async throws {
        try await withApp { app, _ in
            let entry = try UnackedEntry(envelope: KombuEnvelope.decode(taskEnvelope("urgent", priority: 6)), exchange: "", routingKey: "celery")
            _ = try await app.transport.client.send(RedisCommand([Array("HSET".utf8), Array("unacked".utf8), Array("tag-urgent".utf8), entry.encoded()]))
            _ = try await app.transport.client.send(RedisCommand(["ZADD", "unacked_index", "1000", "tag-urgent"]))
            #expect(try await app.transport.restore(tag: "tag-urgent"))
            let key = Priority.queueKey("celery", priority: Priority.of(entry.envelope.properties))
            let raw = try #require(try await app.transport.client.send(RedisCommand(["LPOP", key])).bytes)
            let envelope = try KombuEnvelope.decode(raw)
            #expect(envelope.properties.deliveryInfo.redelivered == true)
            #expect(envelope.headers["redelivered"] == .bool(true))
            #expect(try await app.transport.client.send(RedisCommand(["HLEN", "unacked"])) == .integer(0))
        }
    }

    /// Acks are pipelined `HDEL; ZREM` without MULTI/EXEC: many acks at once (batched together
    /// while one is in flight) leave neither the message nor its index entry behind.
    @Test func concurrentAcksRemoveEveryEntryFromBothKeys() async throws {
        try await withApp { app, _ in
            let tags = (0..<200).map { "tag-ack\($0)" }
            for tag in tags {
                let entry = try UnackedEntry(envelope: KombuEnvelope.decode(taskEnvelope(tag)), exchange: "", routingKey: "celery")
                _ = try await app.transport.client.send(RedisCommand([Array("HSET".utf8), Array("unacked".utf8), Array(tag.utf8), entry.encoded()]))
                _ = try await app.transport.client.send(RedisCommand(["ZADD", "unacked_index", "1000", tag]))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for tag in tags { group.addTask { try await app.transport.ack(tag: tag) } }
                try await group.waitForAll()
            }
            #expect(try await app.transport.client.send(RedisCommand(["HLEN", "unacked"])) == .integer(0))
            #expect(try await app.transport.client.send(RedisCommand(["ZCARD", "unacked_index"])) == .integer(0))
        }
    }

    /// Between an ack's HDEL and its ZREM (or when only the HDEL got through), the message is
    /// acked as far as a restore can tell: never put back, and the stale index entry is dropped.
    @Test func aHalfDoneAckIsNeverRequeuedAndItsIndexEntryIsDropped() async throws {
        try await withApp { app, _ in
            let entry = try UnackedEntry(envelope: KombuEnvelope.decode(taskEnvelope("half")), exchange: "", routingKey: "celery")
            _ = try await app.transport.client.send(RedisCommand([Array("HSET".utf8), Array("unacked".utf8), Array("tag-half".utf8), entry.encoded()]))
            _ = try await app.transport.client.send(RedisCommand(["ZADD", "unacked_index", "1000", "tag-half"]))
            _ = try await app.transport.client.send(RedisCommand(["HDEL", "unacked", "tag-half"]))
            let restored = try await app.transport.restoreVisible(now: 100_000)
            #expect(restored.isEmpty)
            #expect(try await app.transport.size(of: "celery") == 0)
            #expect(try await app.transport.client.send(RedisCommand(["ZCARD", "unacked_index"])) == .integer(0))
        }
    }
}
