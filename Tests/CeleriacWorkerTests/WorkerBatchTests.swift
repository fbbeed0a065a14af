@testable import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
@testable import CeleriacWorker
import Foundation
import Logging
import Synchronization
import Testing

/// Tasks with synchronous bodies that arrive together run in batches (one task, one ack round,
/// one result script per batch), and each still gets what Celery gives a task of its own: its
/// ack before it runs, its result, `task-started` then `task-succeeded` or `task-failed`, and a
/// revoke that reaches it before its body starts.
@Suite("worker batches", .serialized)
struct WorkerBatchTests {
    @Test func registeringASynchronousBodyKeepsAnAsyncHandlerBesideIt() async throws {
        var registry = TaskRegistry()
        registry.register("t.sync", synchronous: { task in .int(Int64(task.args.count)) })
        // A closure without `await` cannot suspend, and Swift picks the synchronous overload
        // for it even as a trailing closure; one that awaits is registered as async.
        registry.register("t.trailing") { _ in .null }
        registry.register("t.async") { _ in
            await Task.yield()
            return .null
        }
        let sync = try #require(registry["t.sync"])
        let context = TaskContext(id: "1", name: "t.sync", args: [1, 2], kwargs: JSONObject(), retries: 0, rootID: nil,
                                  parentID: nil, groupID: nil, hostname: "h")
        #expect(try sync.synchronousHandler?(context) == .int(2))
        #expect(try await sync.handler(context) == .int(2))
        #expect(registry["t.trailing"]?.synchronousHandler != nil)
        #expect(registry["t.async"]?.synchronousHandler == nil)
    }

    @Test func onlySynchronousEarlyAckTasksWithoutTimeLimitsAreBatched() async throws {
        var registry = DemoTasks.registry
        registry.register("t.late", options: TaskOptions(acksLate: true), synchronous: { _ in .null })
        registry.register("t.limited", options: TaskOptions(timeLimit: 5), synchronous: { _ in .null })
        try await WorkerHarness.with(registry: registry) { harness in
            func batched(_ name: String) async throws -> Bool {
                let message = try harness.producer.message(name)
                let delivery = Delivery(raw: message.envelope.encoded(), queue: "celery", key: "celery",
                                        envelope: message.envelope, deliveryTag: "tag")
                let task = try #require(registry[name])
                let request = TaskRequest(delivery: delivery, message: message, task: task, receivedAt: 0)
                return await harness.worker.runsInBatch(request)
            }
            var decisions: [String: Bool] = [:]
            for name in ["demo.noop", "demo.add", "demo.sleep", "t.late", "t.limited"] { decisions[name] = try await batched(name) }
            #expect(decisions == ["demo.noop": true, "demo.add": true, "demo.sleep": false, "t.late": false, "t.limited": false])
        }
    }

    @Test func tasksQueuedTogetherRunInBatchesWithTheirResultsEventsAndAcks() async throws {
        try await WorkerHarness.with(configure: { $0.queues = ["idle"] }) { harness in
            let log = EventLog(transport: harness.app.transport)
            try await log.start()
            // Queued while no worker reads the queue, then taken in whole batches.
            let sent = try await MixedBatchLoad.run(on: harness)
            let totals = await harness.worker.batchTotals
            #expect(totals.requests == 120)
            #expect(totals.batches < 120, "queued together, the tasks ran in batches")
            // Each task announced its start before its end, once each.
            try await MixedBatchLoad.expectEvents(log, for: sent)
            // The failures went to the failure store, as a lone task's would.
            let failures = try await harness.worker.failures.list()
            #expect(failures.count == 12)
            await log.stop()
        }
    }

    @Test func aPlainRevokeReachesATaskWaitingInItsBatch() async throws {
        let ran = Mutex<[String]>([])
        // The first body of the batch holds it until the revoke is done (at most 20 s): a fixed
        // sleep was not enough where other suites kept the cooperative pool busy.
        let gate = Mutex(false)
        var registry = DemoTasks.registry
        registry.register("t.slow", synchronous: { task in
            let deadline = Date().addingTimeInterval(20)
            while !gate.withLock({ $0 }), Date() < deadline { usleep(1_000) }
            ran.withLock { $0.append(task.id) }
            return .null
        })
        registry.register("t.mark", synchronous: { task in
            ran.withLock { $0.append(task.id) }
            return .null
        })
        try await WorkerHarness.with(registry: registry, configure: { $0.queues = ["idle"] }) { harness in
            let options = SendOptions(queue: "batched")
            let slow = try await harness.producer.send("t.slow", options: options)
            let victim = try await harness.producer.send("t.mark", options: options)
            let after = try await harness.producer.send("t.mark", options: options)
            #expect(await harness.worker.addConsumer(QueueInfo(name: "batched")))
            // The three start together; the slow one holds the batch until the revoke is done.
            try await eventually("the batch started") { await harness.worker.activeRequests().count == 3 }
            _ = await harness.worker.revoke([victim.id], terminate: false, signal: "TERM")
            gate.withLock { $0 = true }
            let meta = try await victim.wait(timeout: 20)
            #expect(meta.status == .revoked)
            #expect(try await slow.wait(timeout: 20).status == .success)
            #expect(try await after.wait(timeout: 20).status == .success)
            #expect(ran.withLock { $0 } == [slow.id, after.id])
        }
    }

    /// A runner goes from batch to batch, writing the next batch's acks while the results of the
    /// one before are stored. A warm shutdown in the middle of that must still store the result
    /// of every task it took, count each task once, and leave every other message on the broker.
    @Test func aWarmShutdownBetweenChainedBatchesStoresEveryTakenTaskAndLosesNone() async throws {
        let total = 3_000
        let server = try TestBackend.start()
        defer { server.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        var ids: [String] = []
        for start in stride(from: 0, to: total, by: 500) {
            let calls = (start..<min(total, start + 500)).map { _ in
                (name: "demo.noop", args: [JSONValue](), kwargs: JSONObject(), options: SendOptions(queue: "chained"))
            }
            ids += try await app.producer.sendMany(calls).map(\.id)
        }
        var configuration = try WorkerConfiguration(broker: server.url())
        configuration.nodename = "celeriac-chain-\(Int.random(in: 1000...9999))@localhost"
        configuration.concurrency = 16
        configuration.withoutMingle = true
        configuration.queues = ["chained"]
        var logger = Logger(label: "celeriac.worker.test")
        logger.logLevel = .warning
        let worker = Worker(configuration: configuration, registry: DemoTasks.registry, logger: logger)
        try await worker.start()
        let runner = Task { try await worker.run() }
        let client = app.transport.client
        // One round trip, read the moment `run()` returns: a result still in flight then would
        // be lost with the process.
        func stored() async throws -> Int {
            let script = "return #redis.call('KEYS', ARGV[1])"
            return Int(try await client.send(RedisCommand(["EVAL", script, "0", "celery-task-meta-*"])).int ?? -1)
        }
        try await eventually("the drain is under way") {
            Int(try await client.send(RedisCommand(["LLEN", "chained"])).int ?? 0) < total - 200
        }
        await worker.requestShutdown()
        _ = try? await runner.value
        let results = try await stored()
        let queued = Int(try await client.send(RedisCommand(["LLEN", "chained"])).int ?? 0)
        let unacked = Int(try await client.send(RedisCommand(["HLEN", KombuTransport.unackedKey])).int ?? 0)
        let processed = await worker.processed
        // Stopped part way: some ran, and the rest went back to the queue (or wait unacked).
        #expect(results > 0)
        #expect(results < total, "the shutdown came before the end of the drain")
        #expect(processed == results, "each task that ran counted once, after its result was stored")
        #expect(results + queued + unacked == total, "none lost: \(results) stored, \(queued) queued, \(unacked) unacked")
        await app.close()
    }

    /// A runner with nothing reserved takes its next batch straight from the queue, settled on
    /// arrival. The consumer must let go of each such delivery as a poll waiting for room would:
    /// through a long drain it never holds more than its prefetch.
    @Test func aRunnerTakingStraightFromTheQueueLeavesTheConsumerHoldingNoMoreThanItsPrefetch() async throws {
        try await WorkerHarness.with(configure: { $0.queues = ["idle"]; $0.concurrency = 16 }) { harness in
            let calls = (0..<3_000).map { _ in
                (name: "demo.noop", args: [JSONValue](), kwargs: JSONObject(), options: SendOptions(queue: "straight"))
            }
            let sent = try await harness.producer.sendMany(calls)
            #expect(await harness.worker.addConsumer(QueueInfo(name: "straight")))
            let consumer = harness.worker.consumer
            var most = 0
            while try await harness.client.send(RedisCommand(["LLEN", "straight"])).int ?? 0 > 0 {
                most = max(most, await consumer.heldCount)
                try await Task.sleep(for: .milliseconds(2))
            }
            for result in sent.suffix(50) { #expect(try await result.wait(timeout: 20).status == .success) }
            most = max(most, await consumer.heldCount)
            #expect(most <= harness.worker.configuration.prefetchCount, "held at most \(most)")
            // Taken straight from the queue, the messages were neither recorded nor acked.
            #expect(try await harness.client.send(RedisCommand(["HLEN", KombuTransport.unackedKey])).int == 0)
        }
    }

    /// While a runner's long body holds one slot, the worker goes on consuming into the others:
    /// the consume loop waits for runners only while they hold every slot.
    @Test func aLongSynchronousBodyLeavesTheOtherSlotsConsuming() async throws {
        let gate = Mutex(false)
        var registry = DemoTasks.registry
        registry.register("t.hold", synchronous: { _ in
            let deadline = Date().addingTimeInterval(20)
            while !gate.withLock({ $0 }), Date() < deadline { usleep(1_000) }
            return .null
        })
        try await WorkerHarness.with(registry: registry) { harness in
            let held = try await harness.producer.send("t.hold")
            try await eventually("the long body started") { await harness.worker.activeRequests().count == 1 }
            // Sent after the runner started: only a consume loop still polling takes them.
            var others: [AsyncResult] = []
            for index in 0..<3 { others.append(try await harness.producer.send("demo.add", args: [.int(Int64(index)), 1])) }
            for (index, result) in others.enumerated() {
                let meta = try await result.wait(timeout: 10)
                #expect(meta.result == .int(Int64(index + 1)))
            }
            #expect(gate.withLock { $0 } == false, "the others ran while the long body held its slot")
            gate.withLock { $0 = true }
            #expect(try await held.wait(timeout: 20).status == .success)
        }
    }
}
