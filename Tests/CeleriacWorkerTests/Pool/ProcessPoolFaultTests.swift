import CeleriacProtocol
@testable import CeleriacWorker
import CeleriacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The pool on its own, with children that misbehave before they ever run a task: one that
/// never says it is ready, one that writes garbage instead, one that exits at once. Each is
/// killed (or reaped) and replaced, and the pool stays responsive.
@Suite("process pool with broken children", .serialized)
struct ProcessPoolFaultTests {
    static func pool(_ executable: String, _ arguments: [String]) -> ProcessPool {
        var options = ProcessPoolOptions()
        options.executable = executable
        options.arguments = arguments
        options.startTimeout = 0.5
        options.stopGrace = 1
        return ProcessPool(processes: 1, options: options)
    }

    static func isAlive(_ pid: Int) -> Bool { kill(pid_t(pid), 0) == 0 }

    @Test func aChildThatNeverGetsReadyIsKilledAndReplaced() async throws {
        let pool = Self.pool("/bin/sleep", ["60"])
        await pool.start()
        let first = try #require(pool.pids.first)
        try await eventually("the silent child replaced") {
            let now = pool.pids
            return now.count == 1 && now != [first]
        }
        #expect(!Self.isAlive(first), "the silent child was killed")
        await pool.stop()
        #expect(pool.pids.allSatisfy { !Self.isAlive($0) })
    }

    @Test func aChildThatWritesGarbageInsteadOfReadyIsKilledAndReplaced() async throws {
        let pool = Self.pool("/bin/sh", ["-c", "printf 'GET / HTTP/1.1' >&3; exec sleep 60"])
        await pool.start()
        let first = try #require(pool.pids.first)
        try await eventually("the garbage child replaced") {
            let now = pool.pids
            return now.count == 1 && now != [first]
        }
        #expect(!Self.isAlive(first))
        await pool.stop()
    }

    @Test func aChildThatExitsAtOnceIsReplacedWithBackoffNotInALoop() async throws {
        let pool = Self.pool("/bin/true", [])
        await pool.start()
        try await Task.sleep(for: .seconds(2))
        // Backoff of 0.25 s, 0.5 s, 1 s…: a handful of starts in two seconds, not hundreds.
        let starts = pool.nextChild
        #expect(starts >= 2)
        #expect(starts <= 8)
        await pool.stop()
    }

    @Test func theWorkersOwnExecutableServesJobsInItsChildren() async throws {
        var options = ProcessPoolOptions()
        options.executable = ProjectPaths.executable("celeriac").path
        options.arguments = ["worker", "--pool", "process"]
        let pool = ProcessPool(processes: 2, options: options)
        await pool.start()
        let registry = DemoTasks.registry
        let add = try #require(registry["demo.add"])
        let outcome = await pool.run(add, context: TaskContext(id: "t1", name: "demo.add", args: [40, 2]), softLimit: nil,
                                     hardLimit: nil, handle: RunningTask())
        guard case .succeeded(let value, _) = outcome else {
            Issue.record("demo.add in a child: \(outcome)")
            await pool.stop()
            return
        }
        #expect(value == 42)
        // A name the child does not know fails as Celery's NotRegistered.
        let unknown = RegisteredTask(name: "app.only.in.parent") { _ in .null }
        let missing = await pool.run(unknown, context: TaskContext(id: "t2", name: "app.only.in.parent", args: []), softLimit: nil,
                                     hardLimit: nil, handle: RunningTask())
        guard case .failed(let info, _, _) = missing else {
            Issue.record("an unknown task in a child: \(missing)")
            await pool.stop()
            return
        }
        #expect(info == .notRegistered("app.only.in.parent"))
        let pids = pool.pids
        await pool.stop()
        for pid in pids { #expect(!Self.isAlive(pid)) }
    }
}
