import CeleriacConsole
import CeleriacProtocol
import Testing

@Suite("ClusterState")
struct ClusterStateTests {
    @Test("Captured Celery 5.7 events of every type fold into tasks and workers")
    func capturedFixtures() throws {
        var state = ClusterState()
        let files = ["event-worker-online.json", "event-task-sent.json", "event-task-received.json",
                     "event-task-started.json", "event-task-succeeded.json", "event-task-failed.json",
                     "event-task-retried.json", "event-task-revoked.json", "event-task-rejected.json",
                     "event-task-multi-batch.json", "event-worker-heartbeat.json", "event-worker-offline.json"]
        var now = 1000.0
        for file in files {
            now += 1
            state.apply(.events(try ConsoleTestData.capturedEvents(file)), now: now)
        }
        // The sent → received → started → succeeded sequence of one task.
        let task = try #require(state.tasks.values.first { $0.id.hasPrefix("58a1e9db") })
        #expect(task.phase == .success)
        #expect(state.name(task.name) == "demo.add")
        #expect(task.transitions.map(\.phase) == [.pending, .received, .started, .success])
        #expect(state.name(task.worker) == "w1@host1")
        #expect(task.result != nil)
        #expect(task.runtime != nil)
        #expect(state.name(task.queue) != nil)
        let failed = try #require(state.tasks.values.first { $0.id.hasPrefix("3e17acff") })
        #expect(failed.phase == .failure)
        #expect(failed.exception == "DemoError('boom')")
        #expect(failed.traceback?.contains("demo.DemoError: boom") == true)
        #expect(state.tasks.values.contains { $0.phase == .retry })
        #expect(state.tasks.values.contains { $0.phase == .revoked })
        // task-failed then task-rejected in one batch: rejected ranks after failure, so FAILURE stays.
        let rejected = try #require(state.tasks.values.first { $0.id.hasPrefix("af5c2856") })
        #expect(rejected.phase == .failure)
        #expect(rejected.transitions.map(\.phase) == [.failure, .rejected])
        // The batch held two task-started events.
        #expect(state.tasks.values.filter { $0.phase == .started }.count == 2)
        #expect(state.workers["w1@host1"] != nil)
        #expect(state.workers["w2@host1"]?.wentOffline == true)
        #expect(state.taskTypes["demo.add"]?.count(.success) == 1)
        #expect(state.totalEvents == state.eventLog.count)
        #expect(state.malformedCount == 0)
    }

    @Test("Every captured event fixture decodes and applies without a malformed count")
    func everyCapturedFixture() throws {
        var state = ClusterState()
        let names = ["event-task-failed-time-limit.json", "event-task-failed-unregistered.json", "event-task-received-eta.json",
                     "event-task-rejected-requeue.json", "event-task-revoked-expired.json", "event-task-revoked-killed.json",
                     "event-task-revoked-terminated.json", "event-worker-heartbeat-requested.json"]
            + (0...5).map { "event-task.multi-\($0).json" } + (0...5).map { "event-task.sent-\($0).json" }
            + (0...5).map { "event-worker.heartbeat-\($0).json" } + ["event-worker.online-0.json", "event-worker.offline-0.json"]
        for (i, name) in names.enumerated() { state.apply(.events(try ConsoleTestData.capturedEvents(name)), now: Double(i)) }
        #expect(state.malformedCount == 0)
        #expect(state.tasks.values.first { $0.id.hasPrefix("c695035f") }?.phase == .success)
        #expect(state.workers["w1@cap"]?.wentOffline == true)
        #expect(state.unknownEventCount == 0)
    }

    @Test("A task-received after task-succeeded fills in fields but does not move the task back")
    func outOfOrder() {
        var state = ClusterState()
        state.apply(.event(ConsoleTestData.taskEvent(.taskSucceeded, id: "t1", at: 10.2, clock: 3,
                                                     fields: ["result": "3", "runtime": .double(0.1)])), now: 20)
        state.apply(.event(ConsoleTestData.taskEvent(.taskStarted, id: "t1", at: 10.1, clock: 2)), now: 21)
        state.apply(.event(ConsoleTestData.taskEvent(.taskReceived, id: "t1", at: 10.0, clock: 1,
                                                     fields: ["name": "demo.add", "args": "(1, 2)"])), now: 22)
        let task = state.tasks["t1"]
        #expect(task?.phase == .success)
        #expect(state.name(task?.name ?? -1) == "demo.add")
        #expect(task?.args == "(1, 2)")
        #expect(task?.transitions.map(\.phase) == [.received, .started, .success])
        #expect(task?.waitTime != nil)
    }

    @Test("RETRY always moves, as in Celery: a retried task is received again")
    func retryMoves() {
        var state = ClusterState()
        state.apply(.event(ConsoleTestData.taskEvent(.taskStarted, id: "r", at: 1, clock: 1)), now: 1)
        state.apply(.event(ConsoleTestData.taskEvent(.taskRetried, id: "r", at: 2, clock: 2, fields: ["exception": "Retry"])), now: 2)
        #expect(state.tasks["r"]?.phase == .retry)
        state.apply(.event(ConsoleTestData.taskEvent(.taskReceived, id: "r", at: 3, clock: 3)), now: 3)
        #expect(state.tasks["r"]?.phase == .received)
    }

    @Test("A worker that stops sending heartbeats goes offline after twice its frequency")
    func heartbeatWindow() {
        var state = ClusterState()
        state.apply(.event(ConsoleTestData.workerEvent(.workerHeartbeat, host: "w1", at: 100, freq: 2)), now: 100)
        let worker = state.workers["w1"]
        #expect(worker?.isOnline(now: 103.9) == true)
        #expect(worker?.isOnline(now: 104.0) == false)
        #expect(state.onlineCount(now: 105) == 0)
        state.apply(.event(ConsoleTestData.workerEvent(.workerHeartbeat, host: "w1", at: 106, freq: 5)), now: 106)
        #expect(state.workers["w1"]?.isOnline(now: 115.9) == true)
    }

    @Test("worker-offline marks the worker dead at once")
    func workerOffline() {
        var state = ClusterState()
        state.apply(.event(ConsoleTestData.workerEvent(.workerOnline, host: "w1", at: 100)), now: 100)
        state.apply(.event(ConsoleTestData.workerEvent(.workerOffline, host: "w1", at: 100.5)), now: 100.5)
        #expect(state.workers["w1"]?.isOnline(now: 100.5) == false)
    }

    @Test("The task bound holds and finished tasks are evicted before running ones")
    func eviction() {
        var state = ClusterState(maxTasks: 10)
        // Five running tasks arrive first, then finished ones.
        for i in 0..<5 { state.apply(.event(ConsoleTestData.taskEvent(.taskStarted, id: "run\(i)", at: Double(i), clock: i)), now: Double(i)) }
        for i in 0..<20 {
            state.apply(.event(ConsoleTestData.taskEvent(.taskSucceeded, id: "done\(i)", at: Double(10 + i), clock: 10 + i)),
                        now: Double(10 + i))
        }
        #expect(state.tasks.count == 10)
        for i in 0..<5 { #expect(state.tasks["run\(i)"] != nil) }
        #expect(state.tasks["done19"] != nil)
        #expect(state.tasks["done0"] == nil)
        #expect(state.evictedCount == 15)
        // With only running tasks, the oldest goes.
        var busy = ClusterState(maxTasks: 3)
        for i in 0..<5 { busy.apply(.event(ConsoleTestData.taskEvent(.taskStarted, id: "b\(i)", at: Double(i), clock: i)), now: Double(i)) }
        #expect(Set(busy.tasks.keys) == ["b2", "b3", "b4"])
    }

    @Test("Malformed input is counted, never fatal")
    func malformed() throws {
        var state = ClusterState()
        state.apply(.malformedEvent("not JSON"), now: 1)
        state.apply(.event(try CeleryEvent(raw: ["type": "task-started"])), now: 2)
        state.apply(.event(try CeleryEvent(raw: ["type": "custom-thing"])), now: 3)
        #expect(state.malformedCount == 2)
        #expect(state.malformedReasons["task event without uuid"] == 1)
        #expect(state.unknownEventCount == 1)
    }

    @Test("Queue polls keep a bounded history and compute drain time")
    func queuePolls() {
        var state = ClusterState()
        for i in 0..<200 {
            state.apply(.queueDepths(QueueDepthPoll(depths: ["celery": [max(0, 400 - 2 * i), 1]])), now: Double(i))
        }
        let queue = state.queues["celery"]
        #expect(queue?.history.count == QueueRecord.historyLimit)
        #expect(queue?.depth == 2 + 1)
        #expect(queue?.depths == [2, 1])
        // Draining 2 per second with 3 waiting: 1.5 s.
        #expect(queue?.timeToDrain(now: 199) == 1.5)
    }

    @Test("Snapshots fill workers and adopt tasks the events have not shown")
    func snapshots() {
        var state = ClusterState()
        state.apply(.snapshot(NodeSnapshot(hostname: "w1", active: [SnapshotTask(id: "a1", name: "demo.sleep", args: "(5,)")],
                                           pid: 42, poolKind: "prefork", poolSize: 4, queues: ["celery"],
                                           registered: ["demo.sleep", "demo.never_ran", "celery.chord_unlock"],
                                           rateLimits: ["demo.sleep": "5/m"], conf: ["x": "1"])), now: 50)
        #expect(state.workers["w1"]?.poolSize == 4)
        #expect(state.workers["w1"]?.isOnline(now: 51) == true)
        #expect(state.tasks["a1"]?.phase == .started)
        #expect(state.taskTypes["demo.sleep"]?.rateLimit == "5/m")
        // Registered names are task types before they first run (Celery's own are left out).
        #expect(state.taskTypes["demo.never_ran"]?.counts.reduce(0, +) == 0)
        #expect(state.taskTypes["celery.chord_unlock"] == nil)
        #expect(state.queues["celery"] != nil)
    }

    @Test("Alert rules fire after their duration and clear when the condition stops")
    func alerts() {
        var state = ClusterState(alertRules: [
            AlertRule(name: "deep", condition: .queueDepthAbove(queue: "*", depth: 10, duration: 5)),
            AlertRule(name: "beat", condition: .heartbeatMissing(worker: "*")),
            AlertRule(name: "fails", condition: .failureRateAbove(task: "*", ratio: 0.5, minimum: 2)),
        ])
        state.apply([.queueDepths(QueueDepthPoll(depths: ["q": [20]]))], now: 100)
        #expect(state.alerts.isEmpty)
        state.apply(.tick, now: 105)
        #expect(state.alerts.map(\.rule) == ["deep"])
        state.apply([.queueDepths(QueueDepthPoll(depths: ["q": [0]]))], now: 106)
        #expect(state.alerts.isEmpty)
        state.apply([.event(ConsoleTestData.workerEvent(.workerHeartbeat, host: "w1", at: 106))], now: 106)
        state.apply(.tick, now: 111)
        #expect(state.alerts.map(\.subject) == ["w1"])
        for i in 0..<3 {
            state.apply([.event(ConsoleTestData.taskEvent(.taskReceived, id: "f\(i)", at: 111, clock: i, fields: ["name": "demo.fail"])),
                         .event(ConsoleTestData.taskEvent(.taskFailed, id: "f\(i)", at: 111, clock: i + 10))], now: 111)
        }
        #expect(state.alerts.contains { $0.rule == "fails" && $0.subject == "demo.fail" })
    }

    @Test("Percentiles come from the recent runtimes")
    func percentiles() {
        var reservoir = RuntimeReservoir(capacity: 100)
        for i in 1...1000 { reservoir.add(Double(i)) }
        #expect(reservoir.count == 100)
        #expect(reservoir.quantile(0.5) == 950)
        #expect(reservoir.quantile(0.99) == 999)
        var counter = SecondCounter(seconds: 60)
        counter.add(at: 10.5)
        counter.add(3, at: 11)
        #expect(counter.total(now: 11) == 4)
        #expect(counter.total(now: 70.9) == 3)
        #expect(counter.total(now: 72) == 0)
    }
}
