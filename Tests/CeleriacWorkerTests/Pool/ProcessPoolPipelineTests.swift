import CeleriacProtocol
@testable import CeleriacWorker
import CeleriacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Pipelined jobs: a child holds several jobs and runs them in order. Every job runs exactly
/// once, and what ends a child (a hard limit, a terminate, a crash, recycling) ends only the
/// job it was running: the jobs queued behind it run in another child.
@Suite("process pool pipelining", .serialized)
struct ProcessPoolPipelineTests {
    /// A pool of the built `celeriac worker` with the fault tasks. A long pipeline window
    /// queues every job in a child whatever the one running there does, so the tests know
    /// where each job is.
    static func pool(children: Int = 1, window: Double = 600, maxTasksPerChild: Int? = nil,
                     maxMemoryKiB: Int? = nil) async -> ProcessPool {
        var options = ProcessPoolOptions(maxTasksPerChild: maxTasksPerChild, maxMemoryPerChildKiB: maxMemoryKiB)
        options.executable = ProjectPaths.executable("celeriac").path
        options.arguments = ["worker", "--pool", "process", "--pool-fault-tasks"]
        options.pipelineWindow = window
        options.stopGrace = 1
        let pool = ProcessPool(processes: children, options: options)
        await pool.start()
        return pool
    }

    static func task(_ name: String) -> RegisteredTask { RegisteredTask(name: name) { _ in .null } }

    /// Runs a job, with the pool stopped (which ends every job) if it has not ended within
    /// `seconds`: a broken pool fails the test instead of hanging it.
    static func run(_ pool: ProcessPool, _ name: String, _ args: [JSONValue] = [], id: String = UUID().uuidString,
                    hardLimit: Double? = nil, handle: RunningTask = RunningTask(), within seconds: Double = 60) async -> ExecutionOutcome {
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(seconds))
            guard !Task.isCancelled else { return }
            Issue.record("job \(name) did not end within \(seconds) s")
            await pool.stop()
        }
        let outcome = await pool.run(task(name), context: TaskContext(id: id, name: name, args: args), softLimit: nil,
                                     hardLimit: hardLimit, handle: handle)
        watchdog.cancel()
        return outcome
    }

    /// Waits until task `id` runs in a child; returns that child's pid. The tests' sleeps last
    /// seconds: a loaded CI box can starve this poll for a good part of a second.
    static func runningPID(_ pool: ProcessPool, _ id: String) async throws -> Int {
        var pid: Int?
        try await eventually("task \(id) runs in a child") {
            pid = pool.pid(runningTask: id)
            return pid != nil
        }
        return try #require(pid)
    }

    /// Waits until the pool holds `count` jobs (running or queued in children, or waiting).
    static func holding(_ pool: ProcessPool, _ count: Int) async throws {
        try await eventually("the pool holds \(count) jobs") { pool.state.withLock { $0.jobs.count } == count }
    }

    static func echoed(_ outcome: ExecutionOutcome) -> JSONValue? {
        guard case .succeeded(let value, _) = outcome else { return nil }
        return value["args"]?.arrayValue?.first
    }

    @Test func pipelinedJobsAllRunExactlyOnce() async throws {
        let pool = await Self.pool(children: 2)
        let results = await withTaskGroup(of: (Int, JSONValue?).self) { group in
            for index in 0..<300 {
                group.addTask { (index, Self.echoed(await Self.run(pool, "demo.echo", [.int(Int64(index))]))) }
            }
            var results: [Int: JSONValue?] = [:]
            for await (index, value) in group { results[index] = value }
            return results
        }
        #expect(results.count == 300)
        for index in 0..<300 { #expect(results[index] == .some(.int(Int64(index))), "job \(index)") }
        let stats = pool.statistics(softTimeout: nil, hardTimeout: nil)
        // Each job written once: nothing ran twice or was handed to a second child.
        #expect(stats["writes"]?["total"] == 300)
        #expect(pool.pids.count == 2)
        await pool.stop()
    }

    @Test func nothingIsQueuedBehindAJobWithAHardLimitAndTheJobsWaitingRunAfterTheKill() async throws {
        let pool = await Self.pool()
        let spinID = "spin-\(UUID().uuidString)"
        async let spin = Self.run(pool, "celeriac.fault.spin", id: spinID, hardLimit: 1)
        let child = try await Self.runningPID(pool, spinID)
        async let first = Self.run(pool, "demo.echo", [1])
        async let second = Self.run(pool, "demo.echo", [2])
        try await Self.holding(pool, 3)
        // A kill at the limit could otherwise catch a job that started just after the spin ended.
        #expect(pool.state.withLock { $0.children.values.first?.jobs.count } == 1, "only the spin is in the child")
        #expect(pool.state.withLock { $0.pending.count } == 2, "the others wait in the parent")
        guard case .timeLimitExceeded(let limit, _, _) = await spin else {
            Issue.record("the spin was not ended by its hard limit")
            await pool.stop()
            return
        }
        #expect(limit == 1)
        #expect(Self.echoed(await first) == 1)
        #expect(Self.echoed(await second) == 2)
        #expect(!pool.pids.contains(child), "the killed child was replaced")
        await pool.stop()
    }

    @Test func aPlainRevokeDropsAQueuedJobAndLeavesTheRunningOneAlone() async throws {
        let pool = await Self.pool()
        let sleepID = "sleep-\(UUID().uuidString)"
        let running = RunningTask()
        async let sleeper = Self.run(pool, "demo.sleep", [3], id: sleepID, handle: running)
        _ = try await Self.runningPID(pool, sleepID)
        let queued = RunningTask()
        async let dropped = Self.run(pool, "demo.echo", ["x"], handle: queued)
        async let kept = Self.run(pool, "demo.echo", ["y"])
        try await Self.holding(pool, 3)
        #expect(pool.state.withLock { $0.children.values.first?.jobs.count } == 3, "both queued in the sleeping child")
        running.withdraw()
        queued.withdraw()
        #expect(await dropped == .withdrawn)
        guard case .succeeded = await sleeper else {
            Issue.record("the running sleep was stopped by a plain revoke")
            await pool.stop()
            return
        }
        // `withdrawn` comes only from the child's `skipped`: it dropped the job unstarted.
        #expect(Self.echoed(await kept) == "y")
        await pool.stop()
    }

    @Test func terminateEndsTheRunningJobAndTheQueuedOnesRunElsewhere() async throws {
        let pool = await Self.pool()
        let sleepID = "sleep-\(UUID().uuidString)"
        let handle = RunningTask()
        async let sleeper = Self.run(pool, "demo.sleep", [30], id: sleepID, handle: handle)
        let child = try await Self.runningPID(pool, sleepID)
        async let first = Self.run(pool, "demo.echo", ["a"])
        async let second = Self.run(pool, "demo.echo", ["b"])
        try await Self.holding(pool, 3)
        handle.terminate(signal: SIGTERM)
        guard case .terminated(let signal, _) = await sleeper else {
            Issue.record("the sleep was not terminated")
            await pool.stop()
            return
        }
        #expect(signal == SIGTERM)
        #expect(Self.echoed(await first) == "a")
        #expect(Self.echoed(await second) == "b")
        #expect(!pool.pids.contains(child))
        await pool.stop()
    }

    @Test func aJobStoppedWhileQueuedInAChildNeverRuns() async throws {
        let pool = await Self.pool()
        let sleepID = "sleep-\(UUID().uuidString)"
        async let sleeper = Self.run(pool, "demo.sleep", [3], id: sleepID)
        let child = try await Self.runningPID(pool, sleepID)
        // Were it to run, it would kill its child.
        let handle = RunningTask()
        async let killer = Self.run(pool, "celeriac.fault.kill", handle: handle)
        try await Self.holding(pool, 2)
        handle.terminate(signal: SIGTERM)
        guard case .terminated(let signal, let runtime) = await killer else {
            Issue.record("the queued job was not stopped")
            await pool.stop()
            return
        }
        #expect(signal == SIGTERM)
        #expect(runtime == 0, "it never started")
        #expect(Self.succeeded(await sleeper))
        #expect(pool.pids == [child], "the running job's child was not signalled")
        #expect(Self.echoed(await Self.run(pool, "demo.echo", [3])) == 3)
        #expect(pool.pids == [child])
        await pool.stop()
    }

    static func succeeded(_ outcome: ExecutionOutcome) -> Bool {
        if case .succeeded = outcome { return true }
        return false
    }

    @Test func aChildThatCrashesFailsItsJobAndTheQueuedOnesRunElsewhere() async throws {
        let pool = await Self.pool()
        let sleepID = "sleep-\(UUID().uuidString)"
        async let sleeper = Self.run(pool, "demo.sleep", [3], id: sleepID)
        let child = try await Self.runningPID(pool, sleepID)
        async let crash = Self.run(pool, "celeriac.fault.abort")
        try await Self.holding(pool, 2)
        async let first = Self.run(pool, "demo.echo", [1])
        async let second = Self.run(pool, "demo.echo", [2])
        try await Self.holding(pool, 4)
        #expect(Self.succeeded(await sleeper))
        guard case .workerLost(let info, _) = await crash else {
            Issue.record("the crash was not a lost worker")
            await pool.stop()
            return
        }
        #expect(info.type == "WorkerLostError")
        #expect(info.arguments.first?.stringValue?.contains("signal 6 (SIGABRT)") == true)
        #expect(Self.echoed(await first) == 1)
        #expect(Self.echoed(await second) == 2)
        #expect(!pool.pids.contains(child))
        await pool.stop()
    }

    @Test func recyclingAfterMaxTasksRunsEveryQueuedJob() async throws {
        let pool = await Self.pool(maxTasksPerChild: 2)
        let results = await withTaskGroup(of: JSONValue?.self) { group in
            for index in 0..<9 { group.addTask { Self.echoed(await Self.run(pool, "demo.echo", [.int(Int64(index))])) } }
            var values: [JSONValue?] = []
            for await value in group { values.append(value) }
            return values
        }
        #expect(Set(results.compactMap { $0?.intValue }) == Set(0..<9))
        // Five children at two tasks each: every one was given no more than it lived to run.
        #expect(pool.nextChild >= 5)
        await pool.stop()
    }

    @Test func recyclingPastMaxMemoryRunsEveryQueuedJob() async throws {
        let pool = await Self.pool(maxMemoryKiB: 1)
        let results = await withTaskGroup(of: JSONValue?.self) { group in
            for index in 0..<6 { group.addTask { Self.echoed(await Self.run(pool, "demo.echo", [.int(Int64(index))])) } }
            var values: [JSONValue?] = []
            for await value in group { values.append(value) }
            return values
        }
        #expect(Set(results.compactMap { $0?.intValue }) == Set(0..<6))
        #expect(pool.nextChild >= 2)
        await pool.stop()
    }

    @Test func anIdleChildTakesBackAJobQueuedBehindALongOne() async throws {
        let pool = await Self.pool(children: 2, window: 0.2)
        try await eventually("two children ready") { pool.state.withLock { $0.children.values.filter { $0.state == .ready }.count } == 2 }
        let ended = await withTaskGroup(of: (String, ContinuousClock.Instant).self) { group in
            for (name, seconds) in [("long", 5.0), ("short", 0.3), ("queued", 0.0)] {
                group.addTask {
                    _ = await Self.run(pool, "demo.sleep", [.double(seconds)], id: name)
                    return (name, ContinuousClock.now)
                }
                try? await Self.holding(pool, name == "long" ? 1 : name == "short" ? 2 : 3)
            }
            var ends: [(String, ContinuousClock.Instant)] = []
            for await end in group { ends.append(end) }
            return ends.sorted { $0.1 < $1.1 }.map(\.0)
        }
        // Queued behind either sleep: behind the long one, it was taken back when the other
        // child went idle. Either way it ended long before the long one.
        #expect(ended.count == 3)
        #expect(ended.last == "long")
        await pool.stop()
    }
}
