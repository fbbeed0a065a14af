import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// The worker runtime in this process against a real server, driven by the Celeriac client.
@Suite("worker runtime", .serialized)
struct WorkerRuntimeTests {
    @Test func demoTasksRunAndResultsAreStoredAsCeleryStoresThem() async throws {
        try await WorkerHarness.with { harness in
            #expect(try await harness.producer.send("demo.add", args: [2, 3]).get(timeout: 20) == 5)
            let echoed = try await harness.producer.send("demo.echo", args: ["héllo ✓", [1, ["deep": [true, nil]]]],
                                                         kwargs: ["clé": ["x": 2.5]]).get(timeout: 20)
            #expect(echoed == ["args": ["héllo ✓", [1, ["deep": [true, nil]]]], "kwargs": ["clé": ["x": 2.5]]])
            let sent = try await harness.producer.send("demo.mul", args: [6, 7])
            #expect(try await sent.get(timeout: 20) == 42)
            // The stored value has Celery's layout and expiry.
            let key = ResultMeta.key(forTaskID: sent.id)
            let stored = try #require(try await harness.client.getString(key))
            #expect(stored.hasPrefix("{\"status\": \"SUCCESS\", \"result\": 42, \"traceback\": null, \"children\": [], \"date_done\": \""))
            #expect(stored.hasSuffix("\"task_id\": \"\(sent.id)\"}"))
            let ttl = try await harness.client.pttl(key)
            #expect(ttl > 86_000_000 && ttl <= 86_400_000)
        }
    }

    @Test func failuresCarryTheExceptionAndTraceback() async throws {
        try await WorkerHarness.with { harness in
            do {
                _ = try await harness.producer.send("demo.fail", args: ["boom"]).get(timeout: 20)
                Issue.record("demo.fail succeeded")
            } catch let failure as TaskFailure {
                #expect(failure.state == .failure)
                #expect(failure.excType == "DemoError")
                #expect(failure.excMessage == ["boom"])
                #expect(failure.excModule == "celeriac.demo")
                #expect(failure.traceback?.contains("DemoError: boom") == true)
            }
            // The exact message is kept in the failure store.
            let message = try harness.producer.message("demo.fail", args: ["kept"])
            try await harness.producer.publish(message)
            _ = try? await harness.app.result(message.id).get(timeout: 20)
            let store = FailureStore(client: harness.client)
            try await eventually("the failure is recorded") { try await store.count() == 2 }
            let record = try #require(try await store.list().first { $0.taskID == message.id })
            #expect(record.reason == .failed)
            #expect(record.exception == "DemoError('kept')")
            #expect(record.queue == "celery")
            #expect(record.envelope == message.encoded())
        }
    }

    @Test func flakyRetriesWithTheSameIDUntilItSucceeds() async throws {
        try await WorkerHarness.with { harness in
            let flaky = try await harness.producer.send("demo.flaky", args: [2])
            #expect(try await flaky.get(timeout: 20) == 2)
            // The result is stored before the worker counts the run: wait for the count.
            try await eventually("three runs of demo.flaky counted") {
                await harness.worker.statistics().total.first { $0.name == "demo.flaky" }?.count == 3
            }
        }
    }

    @Test func retriesStopAtMaxRetries() async throws {
        var registry = DemoTasks.registry
        registry.register("test.always", options: TaskOptions(maxRetries: 1)) { task in throw task.retry(countdown: 0.05) }
        registry.register("test.auto", options: TaskOptions(maxRetries: 2, autoretryFor: ["DemoError"], retryBackoff: 0.01,
                                                            retryJitter: false)) { task in
            throw DemoError(message: "try \(task.retries)")
        }
        try await WorkerHarness.with(registry: registry) { harness in
            do {
                _ = try await harness.producer.send("test.always").get(timeout: 20)
                Issue.record("test.always succeeded")
            } catch let failure as TaskFailure {
                #expect(failure.excType == "MaxRetriesExceededError")
            }
            do {
                _ = try await harness.producer.send("test.auto").get(timeout: 20)
                Issue.record("test.auto succeeded")
            } catch let failure as TaskFailure {
                // autoretry_for re-raises the task's own error once the retries are spent.
                #expect(failure.excType == "DemoError")
                #expect(failure.excMessage == ["try 2"])
            }
        }
    }

    @Test func rejectRequeuesOrDropsTheMessage() async throws {
        let attempts = Counter()
        var registry = DemoTasks.registry
        registry.register("test.requeue", options: TaskOptions(acksLate: true)) { _ in
            if await attempts.next() == 1 { throw TaskReject(reason: "not yet", requeue: true) }
            return "second time"
        }
        registry.register("test.drop", options: TaskOptions(acksLate: true)) { _ in throw TaskReject(reason: "bad input") }
        try await WorkerHarness.with(registry: registry) { harness in
            #expect(try await harness.producer.send("test.requeue").get(timeout: 20) == "second time")
            #expect(await attempts.value == 2)
            do {
                _ = try await harness.producer.send("test.drop").get(timeout: 20)
                Issue.record("test.drop succeeded")
            } catch let failure as TaskFailure {
                #expect(failure.excType == "Reject")
                #expect(failure.excMessage == ["bad input", false])
            }
            try await eventually("nothing is unacked or queued") {
                let unacked = try await harness.client.hgetall("unacked")
                let waiting = try await harness.client.llen("celery")
                return unacked.isEmpty && waiting == 0
            }
        }
    }

    @Test func countdownAndExpiry() async throws {
        try await WorkerHarness.with { harness in
            let delayed = try await harness.producer.send("demo.add", args: [1, 1], options: SendOptions(countdown: 0.5))
            #expect(try await delayed.get(timeout: 20) == 2)
            let expired = try await harness.producer.send("demo.add", args: [1, 2],
                                                          options: SendOptions(expires: .date(Date().addingTimeInterval(-10))))
            let meta = try await expired.wait(timeout: 20)
            #expect(meta.status == .revoked)
            #expect(meta.exception == .taskRevoked("expired"))
            // Nothing is left unacked.
            try await eventually("no unacked messages") { try await harness.client.hgetall("unacked").isEmpty }
        }
    }

    @Test func trackStartedStoresTheStartedState() async throws {
        try await WorkerHarness.with(configure: { $0.trackStarted = true }) { harness in
            let sleeper = try await harness.producer.send("demo.sleep", args: [0.5])
            try await eventually("STARTED is stored") { try await sleeper.state() == .started }
            let meta = try #require(try await sleeper.meta())
            #expect(meta.result == ["pid": .integer(Int(ProcessInfo.processInfo.processIdentifier)), "hostname": .string(harness.worker.nodename)])
            #expect(meta.dateDone == nil)
            #expect(try await sleeper.get(timeout: 20) == 0.5)
        }
    }

    @Test func ignoreResultStoresNothing() async throws {
        try await WorkerHarness.with { harness in
            var options = SendOptions()
            options.ignoreResult = true
            let ignored = try await harness.producer.send("demo.add", args: [1, 1], options: options)
            let marker = try await harness.producer.send("demo.add", args: [2, 2])
            #expect(try await marker.get(timeout: 20) == 4)
            try await eventually("the ignored task ran") {
                await harness.worker.statistics().total.first { $0.name == "demo.add" }?.count == 2
            }
            #expect(try await harness.client.get(ResultMeta.key(forTaskID: ignored.id)) == nil)
        }
    }

    @Test func chainStepsAndCallbacksArePublishedFromTheEmbed() async throws {
        try await WorkerHarness.with { harness in
            let last = Signature(task: "demo.mul", args: [10], options: ["task_id": "chain-last"])
            let middle = Signature(task: "demo.add", args: [1], options: ["task_id": "chain-middle"])
            var options = SendOptions()
            options.chain = [last, middle]
            let first = try await harness.producer.send("demo.add", args: [2, 3], options: options)
            #expect(try await first.get(timeout: 20) == 5)
            #expect(try await harness.app.result("chain-last").get(timeout: 20) == 60)
            let middleMeta = try #require(try await harness.app.result("chain-middle").meta())
            #expect(middleMeta.result == 6)
            #expect(middleMeta.parentID == first.id)
            let firstMeta = try #require(try await first.meta())
            #expect(firstMeta.children?.map(\.id) == ["chain-middle"])
            // A success callback gets the result prepended.
            var linked = SendOptions()
            linked.link = [Signature(task: "demo.echo", args: ["tail"], options: ["task_id": "callback-1"])]
            #expect(try await harness.producer.send("demo.add", args: [20, 22], options: linked).get(timeout: 20) == 42)
            #expect(try await harness.app.result("callback-1").get(timeout: 20) == ["args": [42, "tail"], "kwargs": [:]])
        }
    }

    @Test func unregisteredAndMalformedMessagesAreRejectedAndTheWorkerGoesOn() async throws {
        try await WorkerHarness.with { harness in
            let unknown = try await harness.producer.send("demo.unknown", args: [1])
            do {
                _ = try await unknown.get(timeout: 20)
                Issue.record("an unregistered task succeeded")
            } catch let failure as TaskFailure {
                #expect(failure.excType == "NotRegistered")
                #expect(failure.excMessage == ["demo.unknown"])
            }
            // Not JSON at all, and a kombu envelope whose body is not a task body.
            _ = try await harness.client.lpush("celery", [Array("not json {".utf8)])
            var bad = try harness.producer.message("demo.add", args: [1, 2])
            bad.headers = try TaskHeaders(raw: ["id": "malformed-1", "task": "demo.add"])
            var envelope = bad.envelope
            envelope.body = Array("[1, 2]".utf8)
            _ = try await harness.client.lpush("celery", [envelope.encoded()])
            #expect(try await harness.producer.send("demo.add", args: [5, 5]).get(timeout: 20) == 10)
            try await eventually("the queue is drained and nothing is unacked") {
                let waiting = try await harness.client.llen("celery")
                let unacked = try await harness.client.hgetall("unacked")
                return waiting == 0 && unacked.isEmpty
            }
            #expect(await harness.worker.isRunning)
            // All three are kept in the failure store, with the bytes exactly as popped.
            let store = FailureStore(client: harness.client)
            try await eventually("three failure records") { try await store.count() == 3 }
            let records = try await store.list()
            #expect(Set(records.map(\.reason)) == [.unregistered, .malformed])
            let unregistered = try #require(records.first { $0.reason == .unregistered })
            #expect(unregistered.taskID == unknown.id)
            #expect(unregistered.exception == "NotRegistered('demo.unknown')")
            #expect(unregistered.worker == harness.worker.nodename)
            #expect(records.contains { $0.envelope == Array("not json {".utf8) })
            #expect(records.contains { $0.taskID == "malformed-1" && $0.envelope == envelope.encoded() })
        }
    }

    @Test func rateLimitedTasksWaitInTheWorkerAndTheLimitChangesAtRunTime() async throws {
        try await WorkerHarness.with { harness in
            // One per minute: the first runs, the next two wait in the worker (reserved).
            #expect(await harness.worker.setRateLimit(task: "demo.noop", tasksPerSecond: 1.0 / 60, text: "1/m"))
            let results = try await harness.producer.sendMany((0..<3).map { _ in ("demo.noop", [], JSONObject(), SendOptions()) })
            _ = try await results[0].get(timeout: 20)
            try await eventually("two requests wait for a token") { await harness.worker.reservedRequests().count == 2 }
            #expect(try await results[1].state() == .pending)
            #expect(await harness.worker.registeredTasks().first { $0.name == "demo.noop" }?.options.rateLimit == "1/m")
            // Removing the limit releases them.
            #expect(await harness.worker.setRateLimit(task: "demo.noop", tasksPerSecond: 0, text: "0"))
            for result in results { _ = try await result.get(timeout: 20) }
            #expect(await harness.worker.setRateLimit(task: "demo.nothing", tasksPerSecond: 1, text: "1/s") == false)
        }
    }

    @Test func revokeDiscardsHeldTasksAndTerminateCancelsRunningOnes() async throws {
        try await WorkerHarness.with { harness in
            let held = try await harness.producer.send("demo.add", args: [1, 1], options: SendOptions(countdown: 60))
            try await eventually("the ETA task is held") { await harness.worker.scheduledRequests().count == 1 }
            let scheduled = await harness.worker.scheduledRequests()
            #expect(scheduled.first?.request.id == held.id)
            #expect(scheduled.first?.priority == 6)
            #expect(await harness.worker.revoke([held.id], terminate: false, signal: "SIGTERM") == [])
            let heldMeta = try await held.wait(timeout: 20)
            #expect(heldMeta.exception == .taskRevoked("revoked"))
            #expect(heldMeta.children == nil)

            let sleeper = try await harness.producer.send("demo.sleep", args: [30])
            try await eventually("demo.sleep runs") { await harness.worker.activeRequests().map(\.id) == [sleeper.id] }
            let active = await harness.worker.activeRequests()
            #expect(active.first?.acknowledged == true)
            #expect(active.first?.timeStart != nil)
            #expect(await harness.worker.revoke([sleeper.id], terminate: true, signal: "SIGKILL") == [sleeper.id])
            let meta = try await sleeper.wait(timeout: 20)
            #expect(meta.status == .revoked)
            #expect(meta.exception == .taskRevoked("terminated"))
            #expect(await harness.worker.revokedIDs().suffix(2) == [held.id, sleeper.id])
            // A revoked id that arrives later is discarded on arrival.
            var options = SendOptions()
            options.taskID = "revoked-before-arrival"
            _ = await harness.worker.revoke(["revoked-before-arrival"], terminate: false, signal: "TERM")
            let late = try await harness.producer.send("demo.add", args: [1, 1], options: options)
            #expect(try await late.wait(timeout: 20).exception == .taskRevoked("revoked"))
            // The revoke itself already stored REVOKED (the worker did not hold the id, as in
            // Celery 5.7), so the result can be there before the message reaches the worker.
            try await eventually("the late message is discarded on arrival") {
                await harness.worker.readyRequest(id: "revoked-before-arrival")?.name == "demo.add"
            }
        }
    }

    /// Celery 5.7's `revoke` stores REVOKED for ids the worker does not hold, unless a
    /// ready state is stored or another worker has started the task.
    @Test func revokeMarksTasksHeldNowhereAsCeleryDoes() async throws {
        try await WorkerHarness.with { harness in
            let done = try await harness.producer.send("demo.add", args: [2, 2])
            #expect(try await done.get(timeout: 20) == 4)
            let startedKey = ResultMeta.key(forTaskID: "started-elsewhere")
            let started = ResultMeta(taskID: "started-elsewhere", status: .started, result: ["pid": 1], dateDone: nil)
            _ = try await harness.client.send(["SET", startedKey, String(decoding: started.encoded(), as: UTF8.self)])
            // Marked in order: once the last id is marked, the others were looked at.
            _ = await harness.worker.revoke([done.id, "started-elsewhere", "queued-elsewhere"], terminate: false, signal: "TERM")
            let meta = try await harness.app.result("queued-elsewhere").wait(timeout: 20)
            #expect(meta.status == .revoked)
            #expect(meta.exception == .taskRevoked("revoked"))
            #expect(meta.raw.members.map(\.key) == ["status", "result", "traceback", "children", "date_done", "task_id"])
            #expect(meta.raw["children"] == .null)
            #expect(try await done.get(timeout: 5) == 4)
            let stillStarted = try await harness.client.get(startedKey).map { try ResultMeta.decode($0) }
            #expect(stillStarted?.status == .started)
        }
    }

    @Test func timeLimitsFailTheTask() async throws {
        try await WorkerHarness.with { harness in
            #expect(await harness.worker.setTimeLimits(task: "demo.sleep", soft: 0.2, hard: nil))
            do {
                _ = try await harness.producer.send("demo.sleep", args: [30]).get(timeout: 20)
                Issue.record("demo.sleep finished despite its soft limit")
            } catch let failure as TaskFailure {
                #expect(failure.excType == "SoftTimeLimitExceeded")
            }
            #expect(await harness.worker.setTimeLimits(task: "demo.sleep", soft: nil, hard: 0.2))
            do {
                _ = try await harness.producer.send("demo.sleep", args: [30]).get(timeout: 20)
                Issue.record("demo.sleep finished despite its hard limit")
            } catch let failure as TaskFailure {
                #expect(failure.excType == "TimeLimitExceeded")
                #expect(failure.excMessage == [0.2])
                #expect(failure.traceback == nil)
            }
        }
    }

    @Test func heldETATasksAreKeptAliveAgainstTheVisibilityTimeout() async throws {
        try await WorkerHarness.with(configure: { $0.visibilityTimeout = 2 }) { harness in
            let held = try await harness.producer.send("demo.add", args: [4, 4], options: SendOptions(countdown: 5))
            try await eventually("the ETA task is held") { await harness.worker.scheduledRequests().count == 1 }
            // Past the visibility timeout a restore round finds nothing to give back: the
            // worker keeps refreshing the entry of the message it holds.
            try await Task.sleep(for: .seconds(3))
            #expect(try await harness.app.transport.restoreVisible().isEmpty)
            #expect(try await harness.client.llen("celery") == 0)
            #expect(try await held.get(timeout: 20) == 8)
            try await eventually("the run is counted") {
                await harness.worker.statistics().total.first { $0.name == "demo.add" }?.count == 1
            }
            // Run once, not redelivered meanwhile.
            #expect(await harness.worker.statistics().total.first { $0.name == "demo.add" }?.count == 1)
        }
    }

    @Test func warmShutdownFinishesRunningTasksAndRestoresPrefetchedOnes() async throws {
        try await WorkerHarness.with(configure: { $0.concurrency = 1 }) { harness in
            let sleeper = try await harness.producer.send("demo.sleep", args: [3])
            try await eventually("demo.sleep runs") { await harness.worker.activeRequests().count == 1 }
            // A held ETA task raises the prefetch by one: 4 + 1 messages are held, 2 stay queued.
            let eta = try await harness.producer.send("demo.noop", options: SendOptions(countdown: 600))
            try await eventually("the ETA task is held") { await harness.worker.scheduledRequests().count == 1 }
            _ = try await harness.producer.sendMany((0..<6).map { _ in ("demo.noop", [], JSONObject(), SendOptions()) })
            try await eventually("prefetch is full") {
                let counts = await harness.worker.counts
                return counts.reserved + counts.scheduled == 5
            }
            await harness.worker.requestShutdown()
            try await harness.runner.value
            #expect(try await sleeper.get(timeout: 1) == 3)
            #expect(try await harness.client.hgetall("unacked").isEmpty)
            #expect(try await harness.client.llen("celery") == 7)
            // The held ETA task is back in its queue, untouched, with its ETA.
            let queued = try await harness.client.lrange("celery", 0, -1)
            #expect(queued.contains { $0.contains(eta.id) })
        }
    }

    @Test func controlAnswersComeFromTheRunningWorker() async throws {
        try await WorkerHarness.with { harness in
            _ = try await harness.producer.send("demo.add", args: [1, 2]).get(timeout: 20)
            let stats = await harness.worker.statistics()
            #expect(stats.pid == Int(ProcessInfo.processInfo.processIdentifier))
            #expect(stats.prefetchCount == 16)
            #expect(stats.pool["max-concurrency"] == 4)
            #expect(stats.broker["port"] == .integer(harness.server.port))
            #expect(stats.rusage["maxrss"]?.intValue ?? 0 > 0)
            #expect(await harness.worker.resizePool(by: 2))
            #expect(await harness.worker.statistics().prefetchCount == 24)
            #expect(await harness.worker.resizePool(by: -10) == false)
            #expect(await harness.worker.addConsumer(QueueInfo(name: "extra")))
            #expect(await harness.worker.addConsumer(QueueInfo(name: "extra")) == false)
            #expect(try await harness.producer.send("demo.add", args: [3, 4], options: SendOptions(queue: "extra")).get(timeout: 20) == 7)
            await harness.worker.cancelConsumer("extra")
            #expect(await harness.worker.activeQueues().map(\.name) == ["celery"])
            #expect(await harness.worker.registeredTasks().map(\.name).contains("demo.flaky"))
            let conf = await harness.worker.configuration(withDefaults: false)
            #expect(conf["worker_concurrency"] == 6)
            #expect(await harness.worker.setTaskEvents(false))
            #expect(await harness.worker.setTaskEvents(false) == false)
            let before = await harness.worker.clockValue()
            await harness.worker.observeClock(before + 100)
            #expect(await harness.worker.clockValue() > before + 100)
        }
    }
}

/// Counts calls across task runs.
actor Counter {
    private(set) var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
