import Celeriac
import Foundation
import CeleriacProtocol
import CeleriacRedis
import Testing

/// An envelope as a producer would LPUSH it, with a fixed delivery tag.
func taskEnvelope(_ id: String, queue: String = "celery", priority: Int = 0) throws -> [UInt8] {
    var builder = TaskMessageBuilder(id: id, name: "demo.add", origin: "gen1@test", replyTo: "r", deliveryTag: "tag-" + id)
    builder.args = [2, 3]
    builder.queue = queue
    builder.priority = priority
    return try builder.build().encoded()
}

@Suite("kombu transport")
struct TransportTests {
    @Test func declareWritesBothBindingSets() async throws {
        try await withApp { app, _ in
            try await app.transport.declareQueue("jobs")
            let member = "jobs\u{06}\u{16}\u{06}\u{16}jobs"
            #expect(try await app.transport.client.smembers("_kombu.binding.jobs") == [member])
            #expect(try await app.transport.client.smembers("_kombu.binding_permanent.jobs") == [member])
        }
    }

    @Test func publishGoesToThePriorityKeyAndBytesAreKept() async throws {
        try await withApp { app, _ in
            let low = try taskEnvelope("a", priority: 0)
            let high = try taskEnvelope("b", priority: 7)
            try await app.transport.publish(low, toQueue: "celery", priority: 0)
            try await app.transport.publish(high, toQueue: "celery", priority: 7)
            #expect(try await app.transport.lengths(of: "celery") == [1, 0, 1, 0])
            #expect(try await app.transport.client.get("x") == nil)
            let stored = try await app.transport.client.rpop("celery\u{06}\u{16}6")
            #expect(stored == high)
        }
    }

    @Test func consumerServesLowerPriorityNumbersFirstAndRecordsUnacked() async throws {
        try await withApp { app, _ in
            try await app.transport.publish(try taskEnvelope("p9", priority: 9), toQueue: "celery", priority: 9)
            try await app.transport.publish(try taskEnvelope("p0", priority: 0), toQueue: "celery", priority: 0)
            try await app.transport.publish(try taskEnvelope("p4", priority: 4), toQueue: "celery", priority: 4)
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 10)
            var order: [String] = []
            for _ in 0..<3 { order.append(try await consumer.next().deliveryTag) }
            #expect(order == ["tag-p0", "tag-p4", "tag-p9"])
            let stored = try #require(try await app.transport.client.hget("unacked", "tag-p4"))
            let entry = try UnackedEntry.decode(stored)
            #expect(entry.exchange == "" && entry.routingKey == "celery")
            #expect(entry.envelope.encoded() == (try taskEnvelope("p4", priority: 4)))
            let index = try await app.transport.client.zrangeWithScores("unacked_index", 0, -1)
            #expect(Set(index.map(\.member)) == ["tag-p0", "tag-p4", "tag-p9"])
            await consumer.close()
        }
    }

    @Test func ackRemovesTheUnackedRecord() async throws {
        try await withApp { app, _ in
            try await app.transport.publish(try taskEnvelope("x"), toQueue: "celery", priority: 0)
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            let delivery = try await consumer.next()
            try await consumer.ack(delivery)
            #expect(try await app.transport.client.hget("unacked", delivery.deliveryTag) == nil)
            #expect(try await app.transport.client.zrangeWithScores("unacked_index", 0, -1).isEmpty)
            #expect(await consumer.unackedCount == 0)
            await consumer.close()
        }
    }

    @Test func rejectWithRequeueLPushesRedelivered() async throws {
        try await withApp { app, _ in
            try await app.transport.publish(try taskEnvelope("x"), toQueue: "celery", priority: 0)
            try await app.transport.publish(try taskEnvelope("y"), toQueue: "celery", priority: 0)
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 4)
            let first = try await consumer.next()
            #expect(first.deliveryTag == "tag-x")
            try await consumer.reject(first, requeue: true)
            // LPUSH puts it at the back: y comes first, then x again, marked redelivered.
            #expect(try await consumer.next().deliveryTag == "tag-y")
            let again = try await consumer.next()
            #expect(again.deliveryTag == "tag-x")
            #expect(again.redelivered)
            #expect(again.envelope.headers["redelivered"] == .bool(true))
            await consumer.close()
        }
    }

    @Test func rejectWithoutRequeueDropsTheMessage() async throws {
        try await withApp { app, _ in
            try await app.transport.publish(try taskEnvelope("x"), toQueue: "celery", priority: 0)
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 4)
            let delivery = try await consumer.next()
            try await consumer.reject(delivery, requeue: false)
            #expect(try await app.transport.size(of: "celery") == 0)
            #expect(try await app.transport.client.hget("unacked", "tag-x") == nil)
            await consumer.close()
        }
    }

    @Test func restoreAtShutdownRPushesSoTheMessageComesNext() async throws {
        try await withApp { app, _ in
            for id in ["a", "b", "c"] { try await app.transport.publish(try taskEnvelope(id), toQueue: "celery", priority: 0) }
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            #expect(try await consumer.next().deliveryTag == "tag-a")
            #expect(try await consumer.restoreUnacked() == 1)
            let other = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            let next = try await other.next()
            #expect(next.deliveryTag == "tag-a")
            #expect(next.redelivered)
            await consumer.close()
            await other.close()
        }
    }

    @Test func visibilityRestoreBringsBackAnOldUnackedMessage() async throws {
        try await withApp(configure: { $0.visibilityTimeout = 60 }) { app, _ in
            try await app.transport.publish(try taskEnvelope("v"), toQueue: "celery", priority: 0)
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            _ = try await consumer.next()
            // Younger than the timeout: nothing to restore yet. The clock is passed in, so a
            // loaded machine cannot age the message past the timeout behind the test's back.
            let now = Date().timeIntervalSince1970
            #expect(try await app.transport.restoreVisible(now: now).isEmpty)
            let restored = try await app.transport.restoreVisible(now: now + 61)
            #expect(restored == ["tag-v"])
            #expect(try await app.transport.size(of: "celery") == 1)
            #expect(try await app.transport.client.get("unacked_mutex") == nil)
            await consumer.close()
        }
    }

    @Test func visibilityRestoreSkipsWhileAnotherHoldsTheMutex() async throws {
        try await withApp(configure: { $0.visibilityTimeout = 0 }) { app, _ in
            try await app.transport.publish(try taskEnvelope("v"), toQueue: "celery", priority: 0)
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            _ = try await consumer.next()
            _ = try await app.transport.client.set("unacked_mutex", "someone-else")
            #expect(try await app.transport.restoreVisible(now: 4_000_000_000).isEmpty)
            #expect(try await app.transport.size(of: "celery") == 0)
            await consumer.close()
        }
    }

    @Test func twoConsumersSharingAQueueSeeEachMessageOnce() async throws {
        try await withApp { app, _ in
            let ids = (0..<40).map { "m\($0)" }
            for id in ids { try await app.transport.publish(try taskEnvelope(id), toQueue: "celery", priority: 0) }
            let a = Consumer(transport: app.transport, queues: ["celery"], prefetch: 0, pollTimeout: 0.2)
            let b = Consumer(transport: app.transport, queues: ["celery"], prefetch: 0, pollTimeout: 0.2)
            func drain(_ consumer: Consumer) async throws -> [String] {
                var seen: [String] = []
                while let delivery = try await consumer.poll() {
                    seen.append(delivery.deliveryTag)
                    try await consumer.ack(delivery)
                }
                return seen
            }
            async let fromA = drain(a)
            async let fromB = drain(b)
            let all = try await fromA + fromB
            #expect(all.count == ids.count)
            #expect(Set(all) == Set(ids.map { "tag-" + $0 }))
            await a.close()
            await b.close()
        }
    }

    @Test func roundRobinMovesTheServedQueueToTheEnd() async throws {
        try await withApp { app, _ in
            try await app.transport.publish(try taskEnvelope("a1", queue: "a"), toQueue: "a", priority: 0)
            try await app.transport.publish(try taskEnvelope("a2", queue: "a"), toQueue: "a", priority: 0)
            try await app.transport.publish(try taskEnvelope("b1", queue: "b"), toQueue: "b", priority: 0)
            // One message per BRPOP, as kombu: strict alternation.
            let consumer = Consumer(transport: app.transport, queues: ["a", "b"], prefetch: 0, batchLimit: 1)
            #expect(await consumer.brpopKeys.prefix(2) == ["a", "b"])
            #expect(try await consumer.next().queue == "a")
            #expect(await consumer.currentQueues == ["b", "a"])
            #expect(try await consumer.next().queue == "b")
            #expect(try await consumer.next().queue == "a")
            await consumer.close()
            // Batched (the default), the rotation is per batch: all of a's waiting messages,
            // then b's.
            for name in ["a3", "a4"] { try await app.transport.publish(try taskEnvelope(name, queue: "a"), toQueue: "a", priority: 0) }
            try await app.transport.publish(try taskEnvelope("b2", queue: "b"), toQueue: "b", priority: 0)
            let batched = Consumer(transport: app.transport, queues: ["a", "b"], prefetch: 0)
            #expect(try await batched.next().queue == "a")
            #expect(await batched.currentQueues == ["b", "a"])
            #expect(try await batched.next().queue == "a")
            #expect(try await batched.next().queue == "b")
            await batched.close()
        }
    }

    @Test func prefetchHoldsBackThePopUntilAnAck() async throws {
        try await withApp { app, _ in
            for id in ["a", "b"] { try await app.transport.publish(try taskEnvelope(id), toQueue: "celery", priority: 0) }
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            let first = try await consumer.next()
            let second = Task { try await consumer.next() }
            try await Task.sleep(for: .milliseconds(300))
            // The second message is still in Redis: no BRPOP while the prefetch is full.
            #expect(try await app.transport.size(of: "celery") == 1)
            try await consumer.ack(first)
            #expect(try await second.value.deliveryTag == "tag-b")
            await consumer.close()
        }
    }

    @Test func undecodableElementIsReportedNotDropped() async throws {
        try await withApp { app, _ in
            _ = try await app.transport.client.lpush("celery", [Array("not json".utf8)])
            let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            await #expect(throws: ConsumerError.self) { try await consumer.next() }
            await consumer.close()
        }
    }

    @Test func purgeReportsWhatItRemoved() async throws {
        try await withApp { app, _ in
            for (index, priority) in [0, 0, 5, 9].enumerated() {
                try await app.transport.publish(try taskEnvelope("m\(index)"), toQueue: "celery", priority: priority)
            }
            #expect(try await app.transport.purge("celery") == 4)
            #expect(try await app.transport.size(of: "celery") == 0)
        }
    }

    @Test func directExchangeRoutesByBinding() async throws {
        try await withApp { app, _ in
            try await app.transport.bind(queue: "q1", exchange: "ex", routingKey: "rk")
            try await app.transport.bind(queue: "q2", exchange: "ex", routingKey: "other")
            let queues = try await app.transport.publishDirect(Array("{}".utf8), exchange: "ex", routingKey: "rk")
            #expect(queues == ["q1"])
            #expect(try await app.transport.size(of: "q1") == 1)
            #expect(try await app.transport.size(of: "q2") == 0)
        }
    }

    @Test func anIdleConsumerRestoresMessagesPastTheVisibilityTimeout() async throws {
        try await withApp(configure: { $0.visibilityTimeout = 0.5 }) { app, _ in
            try await app.transport.publish(try taskEnvelope("lost"), toQueue: "celery", priority: 0)
            // A consumer takes the message and never acks it, as a crashed worker would.
            let crashed = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            _ = try await crashed.next()
            await crashed.close()
            let survivor = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1, pollTimeout: 0.1,
                                    restoreEveryEmptyPolls: 2)
            let delivery = try await survivor.next()
            #expect(delivery.deliveryTag == "tag-lost")
            #expect(delivery.redelivered)
            await survivor.close()
        }
    }
}

/// A consumer that never polls empty still gives a dead consumer's messages back, on a timer.
@Suite("consumer restore timer")
struct ConsumerRestoreTimerTests {
    @Test func aBusyConsumerRestoresMessagesPastTheVisibilityTimeout() async throws {
        try await withApp(configure: { $0.visibilityTimeout = 0.5 }) { app, _ in
            try await app.transport.publish(try taskEnvelope("lost"), toQueue: "celery", priority: 0)
            let crashed = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
            _ = try await crashed.next()
            await crashed.close()
            try await Task.sleep(for: .milliseconds(600))
            // A steady stream: every poll of the survivor finds a message, none is ever empty.
            let survivor = Consumer(transport: app.transport, queues: ["celery"], prefetch: 0, pollTimeout: 0.1,
                                    restoreEveryEmptyPolls: 0, batchLimit: 1, restoreInterval: 0.2)
            var seen: [String] = []
            // The lost message is due between 0.5 and 1.5 s after it was taken (its score is
            // rounded up to a whole second): poll for up to about 5 s.
            for index in 0..<200 where !seen.contains("tag-lost") {
                try await app.transport.publish(try taskEnvelope("busy\(index)"), toQueue: "celery", priority: 0)
                let delivery = try await survivor.next()
                seen.append(delivery.deliveryTag)
                try await survivor.ack(delivery)
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(seen.contains("tag-lost"))
            await survivor.close()
        }
    }
}

/// The consumer takes what waits in batches, within its prefetch room, recording each batch
/// as unacked in one go — and hands the messages out one by one in queue order.
@Suite("consumer batches")
struct ConsumerBatchTests {
    @Test func aBatchStaysWithinThePrefetchAndKeepsOrder() async throws {
        try await withApp { app, _ in
            var sent: [String] = []
            for index in 0..<12 {
                let result = try await app.producer.send("demo.add", args: [.int(Int64(index)), 1], options: SendOptions(queue: "batch"))
                sent.append(result.id)
            }
            let consumer = Consumer(transport: app.transport, queues: ["batch"], prefetch: 5)
            var got: [String] = []
            for _ in 0..<5 {
                let delivery = try #require(try await consumer.poll())
                got.append(delivery.envelope.headers["id"]?.stringValue ?? "")
            }
            #expect(got == Array(sent.prefix(5)))
            #expect(await consumer.unackedCount == 5)
            // Exactly the prefetch left the queue, and all of it is recorded unacked.
            #expect(try await app.transport.client.llen("batch") == 7)
            #expect(try await app.transport.client.send(["HLEN", KombuTransport.unackedKey]).int == 5)
            #expect(try await app.transport.client.send(["ZCARD", KombuTransport.unackedIndexKey]).int == 5)
            // Restored (as at a warm shutdown), they are first in line again; acking each one
            // makes room for the next batch, which keeps the order.
            #expect(try await consumer.restoreUnacked() == 5)
            #expect(try await app.transport.client.llen("batch") == 12)
            var again: [String] = []
            for _ in 0..<12 {
                let delivery = try #require(try await consumer.poll())
                again.append(delivery.envelope.headers["id"]?.stringValue ?? "")
                try await consumer.ack(delivery)
            }
            #expect(Set(again.prefix(5)) == Set(sent.prefix(5)))
            #expect(Array(again.suffix(7)) == Array(sent.suffix(7)))
            #expect(try await app.transport.client.send(["HLEN", KombuTransport.unackedKey]).int == 0)
            await consumer.close()
        }
    }

    @Test func anUndecodableElementInABatchIsReportedInItsTurn() async throws {
        try await withApp { app, _ in
            let good = try await app.producer.send("demo.add", args: [1, 1], options: SendOptions(queue: "mixed"))
            _ = try await app.transport.client.lpush("mixed", [Array("not an envelope".utf8)])
            let last = try await app.producer.send("demo.add", args: [2, 2], options: SendOptions(queue: "mixed"))
            let consumer = Consumer(transport: app.transport, queues: ["mixed"], prefetch: 10)
            #expect(try await consumer.poll()?.envelope.headers["id"]?.stringValue == good.id)
            do {
                _ = try await consumer.poll()
                Issue.record("the bad element was not reported")
            } catch ConsumerError.undecodable(let queue, let raw, _) {
                #expect(queue == "mixed")
                #expect(raw == Array("not an envelope".utf8))
            }
            #expect(try await consumer.poll()?.envelope.headers["id"]?.stringValue == last.id)
            #expect(await consumer.unackedCount == 2)
            await consumer.close()
        }
    }
}
