import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Foundation
import Testing

/// The worker's consumer (`defersBlockingRecords`) hands out a message BRPOP took before
/// recording it unacked. Settled on arrival (a task starting at once with an early ack), it is
/// never recorded: it left the queue and is not unacked, which is what an ack leaves. Any other
/// delivery is recorded by the next poll, or at once by `ensureRecorded`, and acks, rejects and
/// restores of it behave as for a recorded one.
@Suite("consumer: deferred records of blocking pops")
struct DeferredRecordTests {
    /// Starts a poll on the empty queue, waits until its BRPOP blocks on the server, then
    /// publishes `id`: the delivery comes through BRPOP, not the reserve script.
    func blockingDelivery(_ consumer: Consumer, app: App, id: String) async throws -> Delivery {
        let next = Task { try await consumer.next() }
        try await eventually("the consumer's BRPOP blocks") {
            let info = try await app.transport.client.send(["INFO", "clients"]).string ?? ""
            return info.contains("blocked_clients:1")
        }
        try await app.transport.publish(try taskEnvelope(id), toQueue: "celery", priority: 0)
        return try await next.value
    }

    /// A consumer of `celery` that defers the records of blocking pops, as the worker's does.
    func deferringConsumer(_ app: App) -> Consumer {
        Consumer(transport: app.transport, queues: ["celery"], prefetch: 4, pollTimeout: 1, defersBlockingRecords: true)
    }

    func unackedCount(_ app: App) async throws -> Int64 {
        try await app.transport.client.send(["HLEN", KombuTransport.unackedKey]).int ?? -1
    }

    func indexCount(_ app: App) async throws -> Int64 {
        try await app.transport.client.send(["ZCARD", KombuTransport.unackedIndexKey]).int ?? -1
    }

    @Test func aDeliverySettledOnArrivalIsNeverRecorded() async throws {
        try await withApp { app, _ in
            let consumer = deferringConsumer(app)
            let delivery = try await blockingDelivery(consumer, app: app, id: "s")
            #expect(consumer.settleOnArrival(delivery))
            // Settling twice is refused: the first holder decided.
            #expect(!consumer.settleOnArrival(delivery))
            await consumer.settled(delivery)
            #expect(await consumer.unackedCount == 0)
            // Later polls record nothing for it.
            #expect(try await consumer.poll() == nil)
            #expect(try await unackedCount(app) == 0)
            #expect(try await indexCount(app) == 0)
            #expect(try await app.transport.size(of: "celery") == 0)
            await consumer.close()
        }
    }

    /// `settled` hands the slot over without entering the actor; a poll parked for want of
    /// prefetch room must still wake up and take what waits (it would stay parked forever if
    /// the handed-over slot were only seen at the next poll).
    @Test func aSettledDeliveryWakesAPollWaitingForRoom() async throws {
        try await withApp { app, _ in
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1, pollTimeout: 1,
                                    defersBlockingRecords: true)
            let first = try await blockingDelivery(consumer, app: app, id: "w1")
            #expect(consumer.settleOnArrival(first))
            try await app.transport.publish(try taskEnvelope("w2"), toQueue: "celery", priority: 0)
            let next = Task { try await consumer.next() }
            try await eventually("the poll waits for prefetch room") { await consumer.isWaitingForRoom }
            await consumer.settled(first)
            let second = try await next.value
            #expect(second.deliveryTag == "tag-w2")
            #expect(await consumer.unackedCount == 1)
            #expect(!(await consumer.isWaitingForRoom))
            // The first is never recorded, not even when the second (by BRPOP too, unrecorded)
            // is recorded before a restore.
            #expect(try await consumer.restoreUnacked() == 1)
            #expect(try await app.transport.client.send(["HEXISTS", KombuTransport.unackedKey, first.deliveryTag]).int == 0)
            #expect(try await app.transport.client.send(["LRANGE", "celery", "0", "-1"]).array?.count == 1)
            await consumer.close()
        }
    }

    @Test func theNextPollRecordsADeliveryNobodySettled() async throws {
        try await withApp { app, _ in
            let consumer = deferringConsumer(app)
            let delivery = try await blockingDelivery(consumer, app: app, id: "n")
            #expect(try await unackedCount(app) == 0)
            #expect(try await consumer.poll() == nil)
            let stored = try #require(try await app.transport.client.hget(KombuTransport.unackedKey, delivery.deliveryTag))
            let entry = try UnackedEntry.decode(stored)
            #expect(entry.envelope.encoded() == (try taskEnvelope("n")))
            #expect(entry.routingKey == "celery")
            #expect(try await indexCount(app) == 1)
            // Recorded now: too late to settle, and the ack removes the record.
            #expect(!consumer.settleOnArrival(delivery))
            try await consumer.ack(delivery)
            #expect(try await unackedCount(app) == 0)
            #expect(try await indexCount(app) == 0)
            await consumer.close()
        }
    }

    @Test func ensureRecordedRecordsAtOnceAndOnlyOnce() async throws {
        try await withApp { app, _ in
            let consumer = deferringConsumer(app)
            let delivery = try await blockingDelivery(consumer, app: app, id: "e")
            try await consumer.ensureRecorded(delivery)
            #expect(try await unackedCount(app) == 1)
            #expect(try await indexCount(app) == 1)
            #expect(!consumer.settleOnArrival(delivery))
            // The poll finds nothing left to record; a second call is a no-op.
            #expect(try await consumer.poll() == nil)
            try await consumer.ensureRecorded(delivery)
            #expect(try await unackedCount(app) == 1)
            #expect(await consumer.unackedCount == 1)
            await consumer.close()
        }
    }

    @Test func anAckBeforeTheRecordLeavesNothingBehind() async throws {
        try await withApp { app, _ in
            let consumer = deferringConsumer(app)
            let delivery = try await blockingDelivery(consumer, app: app, id: "a")
            try await consumer.ack(delivery)
            #expect(await consumer.unackedCount == 0)
            #expect(try await consumer.poll() == nil)
            #expect(try await unackedCount(app) == 0)
            #expect(try await indexCount(app) == 0)
            #expect(!consumer.settleOnArrival(delivery))
            await consumer.close()
        }
    }

    @Test func unrecordedDeliveriesComeBackAtShutdownAndOnRequeue() async throws {
        try await withApp { app, _ in
            let consumer = deferringConsumer(app)
            let kept = try await blockingDelivery(consumer, app: app, id: "k")
            #expect(try await consumer.restoreUnacked() == 1)
            #expect(try await unackedCount(app) == 0)
            let again = try #require(try await app.transport.client.rpop("celery"))
            let restored = try KombuEnvelope.decode(again)
            #expect(restored.properties.deliveryTag == kept.deliveryTag)
            #expect(restored.properties.deliveryInfo.redelivered == true)

            let rejected = try await blockingDelivery(consumer, app: app, id: "r")
            try await consumer.reject(rejected, requeue: true)
            #expect(try await unackedCount(app) == 0)
            #expect(try await app.transport.size(of: "celery") == 1)
            #expect(await consumer.unackedCount == 0)
            await consumer.close()
        }
    }

    @Test func aPlainConsumerStillRecordsBeforeHandingOut() async throws {
        try await withApp { app, _ in
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 4, pollTimeout: 1)
            let delivery = try await blockingDelivery(consumer, app: app, id: "p")
            #expect(try await unackedCount(app) == 1)
            #expect(!consumer.settleOnArrival(delivery))
            await consumer.close()
        }
    }
}

/// A reserve taking a batch leaves unrecorded as many deliveries as the caller starts at once
/// (`pollBatch(startingNow:)`): those settled on arrival never reach `unacked`, the rest are
/// recorded by the reserve itself, and one left unrecorded but not settled is recorded by the
/// next poll.
@Suite("consumer: reserved batches leave the tasks starting now unrecorded")
struct ReservedDeferralTests {
    func unacked(_ app: App) async throws -> Set<String> {
        let members = try await app.transport.client.send(["HKEYS", KombuTransport.unackedKey]).array ?? []
        return Set(members.compactMap(\.string))
    }

    @Test func tasksStartingNowAreSettledAndTheRestRecorded() async throws {
        try await withApp { app, _ in
            for id in ["a", "b", "c", "d", "e"] {
                try await app.transport.publish(try taskEnvelope(id), toQueue: "celery", priority: 0)
            }
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 8, pollTimeout: 1,
                                    defersBlockingRecords: true)
            let batch = try await consumer.pollBatch(startingNow: 3).map { try $0.get() }
            #expect(batch.count == 5)
            // The script recorded only the last two.
            #expect(try await unacked(app) == Set(batch.suffix(2).map(\.deliveryTag)))
            // Two of the three left unrecorded start now; the third waits (as a rate-limited
            // task would) and is recorded by the next poll.
            for delivery in batch.prefix(2) { #expect(consumer.settleOnArrival(delivery)) }
            await consumer.settled(Array(batch.prefix(2)))
            #expect(await consumer.unackedCount == 3)
            #expect(try await consumer.poll() == nil)
            #expect(try await unacked(app) == Set(batch.suffix(3).map(\.deliveryTag)))
            #expect(!consumer.settleOnArrival(batch[2]))
            // Acked together in one write, they leave nothing behind.
            try await consumer.ack(Array(batch.suffix(3)))
            #expect(try await unacked(app).isEmpty)
            #expect(try await app.transport.client.send(["ZCARD", KombuTransport.unackedIndexKey]).int == 0)
            #expect(await consumer.unackedCount == 0)
            await consumer.close()
        }
    }

    @Test func aPlainConsumerRecordsEveryReservedDelivery() async throws {
        try await withApp { app, _ in
            for id in ["a", "b"] { try await app.transport.publish(try taskEnvelope(id), toQueue: "celery", priority: 0) }
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 8, pollTimeout: 1)
            let batch = try await consumer.pollBatch(startingNow: 2).map { try $0.get() }
            #expect(try await unacked(app) == Set(batch.map(\.deliveryTag)))
            #expect(!consumer.settleOnArrival(batch[0]))
            await consumer.close()
        }
    }
}
