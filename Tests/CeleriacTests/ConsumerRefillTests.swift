import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Foundation
import Testing

/// A consumer that still holds work takes more from a deep queue a batch at a time
/// (`refillRoom`), never past its prefetch; an empty-handed consumer takes whatever room there is.
@Suite("consumer: refill in batches")
struct ConsumerRefillTests {
    @Test func aConsumerHoldingWorkWaitsForTheRefillRoomThenTakesABatch() async throws {
        try await withApp { app, _ in
            for index in 0..<20 { try await app.transport.publish(try taskEnvelope("r\(index)"), toQueue: "celery", priority: 0) }
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 8)
            await consumer.setPrefetch(8, refillRoom: 4)
            var held = try await consumer.pollBatch().map { try $0.get() }
            #expect(held.count == 8)
            #expect(await consumer.unackedCount == 8)
            // Three acked: room for three, below the refill room of four, so the poll waits.
            for delivery in held.prefix(3) { try await consumer.ack(delivery) }
            held.removeFirst(3)
            let poll = Task { try await consumer.pollBatch().map { try $0.get() } }
            try await eventually("the poll waits for room") { await consumer.isWaitingForRoom }
            #expect(try await app.transport.size(of: "celery") == 12)
            try await consumer.ack(held.removeFirst())
            let batch = try await poll.value
            #expect(batch.map(\.deliveryTag) == (8..<12).map { "tag-r\($0)" })
            #expect(await consumer.unackedCount == 8)
            #expect(try await app.transport.size(of: "celery") == 8)
            await consumer.close()
        }
    }

    @Test func anEmptyHandedConsumerTakesWhateverRoomThereIs() async throws {
        try await withApp { app, _ in
            for index in 0..<3 { try await app.transport.publish(try taskEnvelope("e\(index)"), toQueue: "celery", priority: 0) }
            // A refill room above the prefetch is capped at it: nothing held, nothing to wait for.
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 2)
            await consumer.setPrefetch(2, refillRoom: 10)
            let first = try await consumer.pollBatch().map { try $0.get() }
            #expect(first.map(\.deliveryTag) == ["tag-e0", "tag-e1"])
            for delivery in first { try await consumer.ack(delivery) }
            let rest = try await consumer.pollBatch().map { try $0.get() }
            #expect(rest.map(\.deliveryTag) == ["tag-e2"])
            await consumer.close()
        }
    }
}
