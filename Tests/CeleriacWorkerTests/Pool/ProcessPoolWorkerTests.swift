import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// `celeriac worker --pool process` as a user runs it: task bodies in child processes that
/// time limits, terminate requests and crashes end without taking the worker down.
@Suite("process pool worker", .serialized)
struct ProcessPoolWorkerTests {
    @Test func aBusyLoopEndsAtItsHardLimitAndTheWorkerGoesOn() async throws {
        try await ProcessPoolHarness.with(["-c", "1"]) { pool in
            let before = try await pool.poolPIDs()
            #expect(before.count == 1)
            var options = SendOptions()
            options.timeLimit = 1
            let spin = try await pool.app.producer.send("celeriac.fault.spin", options: options)
            let meta = try await pool.finalMeta(spin)
            #expect(meta.status == .failure)
            #expect(meta.exception == ExceptionInfo(type: "TimeLimitExceeded", arguments: [1], module: "billiard.exceptions"))
            #expect(meta.traceback == nil)
            #expect(try await pool.app.producer.send("demo.add", args: [2, 3]).get(timeout: 30) == 5)
            let after = try await pool.poolPIDs()
            #expect(after.count == 1)
            #expect(after != before, "the killed child was replaced")
            #expect(pool.workerIsRunning)
            #expect(pool.worker.log.contains("Hard time limit (1s) exceeded for celeriac.fault.spin[\(spin.id)]"))
        }
    }

    @Test func theSoftLimitIsToldToTheChildAndTheTaskSeesIt() async throws {
        try await ProcessPoolHarness.with(["-c", "1"]) { pool in
            let child = try await pool.poolPIDs()
            var options = SendOptions()
            options.softTimeLimit = 0.5
            let sleeper = try await pool.app.producer.send("demo.sleep", args: [20], options: options)
            let meta = try await pool.finalMeta(sleeper)
            #expect(meta.status == .failure)
            #expect(meta.exception == .softTimeLimitExceeded)
            // The child lived through it and runs the next task.
            #expect(try await pool.poolPIDs() == child)
            #expect(try await pool.app.producer.send("demo.mul", args: [3, 4]).get(timeout: 30) == 12)
        }
    }

    @Test(arguments: [
        ("celeriac.fault.abort", "signal 6 (SIGABRT)"),
        ("celeriac.fault.kill", "signal 9 (SIGKILL)"),
        ("celeriac.fault.garbage", "signal 9 (SIGKILL)"),
        ("celeriac.fault.partial", "exitcode 0"),
    ])
    func aChildThatDiesFailsItsTaskWithWorkerLostAndTheNextTaskRuns(task: String, status: String) async throws {
        try await ProcessPoolHarness.with(["-c", "1"]) { pool in
            let before = try await pool.poolPIDs()
            let doomed = try await pool.app.producer.send(task)
            let meta = try await pool.finalMeta(doomed)
            #expect(meta.status == .failure)
            #expect(meta.exception == ExceptionInfo(type: "WorkerLostError",
                                                     arguments: [.string("Worker exited prematurely: \(status) Job: 1.")],
                                                     module: "billiard.exceptions"))
            #expect(try await pool.app.producer.send("demo.add", args: [20, 22]).get(timeout: 30) == 42)
            #expect(pool.workerIsRunning)
            let after = try await pool.poolPIDs()
            #expect(after.count == 1 && after != before)
        }
    }

    @Test func revokeTerminateEndsARunningSleepAtOnce() async throws {
        try await ProcessPoolHarness.with(["-c", "2"]) { pool in
            let sleeper = try await pool.app.producer.send("demo.sleep", args: [30])
            let child = try await pool.runningPID(sleeper.id)
            #expect(try await pool.poolPIDs().contains(child))
            let reply = try await pool.control(.revoke(taskIDs: [sleeper.id], terminate: true, signal: "SIGTERM"))
            #expect(reply == ["ok": .string("terminate: \(sleeper.id)")])
            // Well inside the 30 s the task would sleep.
            let meta = try await pool.finalMeta(sleeper, timeout: 10)
            #expect(meta.status == .revoked)
            #expect(meta.exception == .taskRevoked("terminated"))
            #expect(try await pool.app.producer.send("demo.add", args: [1, 1]).get(timeout: 30) == 2)
            #expect(!(try await pool.poolPIDs().contains(child)))
        }
    }

    @Test func aPlainRevokeOfATaskThePoolHoldsKeepsItFromRunning() async throws {
        try await ProcessPoolHarness.with(["-c", "1"]) { pool in
            let sleeper = try await pool.app.producer.send("demo.sleep", args: [2])
            _ = try await pool.runningPID(sleeper.id)
            // The pool takes more tasks than it has children: the add is handed to it at once
            // and waits there behind the sleep, already "active" for the worker.
            let add = try await pool.app.producer.send("demo.add", args: [2, 2])
            try await eventually("the add is handed to the pool") {
                let active = try await pool.control(.active(safe: nil))?.arrayValue ?? []
                return active.contains { $0["id"]?.stringValue == add.id }
            }
            _ = try await pool.control(.revoke(taskIDs: [add.id], terminate: false, signal: "SIGTERM"))
            let meta = try await pool.finalMeta(add, timeout: 30)
            #expect(meta.status == .revoked, "the revoked add ran: \(meta.status)")
            #expect(meta.exception == .taskRevoked("revoked"))
            // The running sleep was left alone.
            #expect(try await pool.finalMeta(sleeper, timeout: 30).status == .success)
        }
    }

    @Test func poolGrowAndShrinkChangeStats() async throws {
        try await ProcessPoolHarness.with(["-c", "1"]) { pool in
            let first = try await pool.stats()
            #expect(first["pool"]?["implementation"] == "celeriac.concurrency.process:TaskPool")
            #expect(first["pool"]?["max-concurrency"] == 1)
            #expect(first["prefetch_count"] == 4)
            #expect(try await pool.control(.poolGrow(n: 2)) == ["ok": "pool will grow"])
            try await eventually("three children") { try await pool.poolPIDs().count == 3 }
            let grown = try await pool.stats()
            #expect(grown["pool"]?["max-concurrency"] == 3)
            #expect(grown["prefetch_count"] == 12)
            #expect(try await pool.control(.poolShrink(n: 1)) == ["ok": "pool will shrink"])
            try await eventually("two children") { try await pool.poolPIDs().count == 2 }
            let shrunk = try await pool.stats()
            #expect(shrunk["pool"]?["max-concurrency"] == 2)
            #expect(shrunk["pool"]?["writes"]?["inqueues"]?["total"] == 2)
            #expect(try await pool.app.producer.send("demo.add", args: [1, 2]).get(timeout: 30) == 3)
        }
    }

    @Test func childrenAreRecycledAfterMaxTasksPerChild() async throws {
        try await ProcessPoolHarness.with(["-c", "1", "--max-tasks-per-child", "2"]) { pool in
            let first = try await pool.poolPIDs()
            #expect(try await pool.stats()["pool"]?["max-tasks-per-child"] == 2)
            #expect(try await pool.app.producer.send("demo.add", args: [1, 1]).get(timeout: 30) == 2)
            #expect(try await pool.poolPIDs() == first, "one task is not enough to recycle")
            #expect(try await pool.app.producer.send("demo.add", args: [1, 2]).get(timeout: 30) == 3)
            var second: [Int64] = []
            try await eventually("a new child after two tasks") {
                second = try await pool.poolPIDs()
                return second.count == 1 && second != first
            }
            for n in 0..<2 { #expect(try await pool.app.producer.send("demo.add", args: [.int(Int64(n)), 0]).get(timeout: 30) == .int(Int64(n))) }
            try await eventually("a third child after two more") {
                let third = try await pool.poolPIDs()
                return third.count == 1 && third != second && third != first
            }
            try await eventually("the replacement logged") { pool.worker.log.contains("it ran 2 tasks (max 2)") }
        }
    }

    @Test func aChildPastMaxMemoryPerChildIsReplacedAfterItsTask() async throws {
        // 1 KiB: every child is past it after its first task.
        try await ProcessPoolHarness.with(["-c", "1", "--max-memory-per-child", "1"]) { pool in
            var first: [Int64] = []
            try await eventually("the first child") {
                first = try await pool.poolPIDs()
                return first.count == 1
            }
            #expect(try await pool.app.producer.send("demo.add", args: [2, 2]).get(timeout: 30) == 4)
            try await eventually("a new child after one task") {
                let now = try await pool.poolPIDs()
                return now.count == 1 && now != first
            }
            // The worker's log reaches the test through a pipe, after the change it reports.
            try await eventually("the replacement logged") { pool.worker.log.contains("its resident memory reached") }
            #expect(try await pool.app.producer.send("demo.add", args: [3, 3]).get(timeout: 30) == 6)
        }
    }

    @Test func anAcksLateTaskOfALostChildIsRequeuedWithRejectOnWorkerLost() async throws {
        try await ProcessPoolHarness.with(["-c", "1", "--acks-late", "--reject-on-worker-lost"]) { pool in
            let killer = try await pool.app.producer.send("celeriac.fault.kill")
            try await eventually("the lost task requeued") {
                pool.worker.log.contains("Task celeriac.fault.kill[\(killer.id)] lost its process")
            }
            #expect(try await killer.meta()?.status != .failure, "a requeued task is not failed")
            // Revoked, it is discarded when it comes back instead of killing children forever.
            _ = try await pool.control(.revoke(taskIDs: [killer.id], terminate: false, signal: nil))
            let meta = try await pool.finalMeta(killer)
            #expect(meta.status == .revoked)
            #expect(try await pool.app.producer.send("demo.add", args: [5, 5]).get(timeout: 30) == 10)
            try await eventually("nothing left unacked") { try await pool.app.transport.client.hgetall("unacked").isEmpty }
        }
    }

    @Test func anAcksLateTaskOfALostChildFailsAndIsAckedWithoutIt() async throws {
        try await ProcessPoolHarness.with(["-c", "1", "--acks-late"]) { pool in
            let killer = try await pool.app.producer.send("celeriac.fault.kill")
            let meta = try await pool.finalMeta(killer)
            #expect(meta.status == .failure)
            #expect(meta.exception?.type == "WorkerLostError")
            try await eventually("nothing left unacked") { try await pool.app.transport.client.hgetall("unacked").isEmpty }
        }
    }

    @Test func autoscaleGrowsWithTheLoadAndTheCommandMovesItsBounds() async throws {
        try await ProcessPoolHarness.with(["--autoscale", "3,1"]) { pool in
            #expect(try await pool.poolPIDs().count == 1)
            let sleepers = try await pool.app.producer.sendMany((0..<3).map { _ in ("demo.sleep", [5], JSONObject(), SendOptions()) })
            try await eventually("the pool grew to three") { try await pool.poolPIDs().count == 3 }
            #expect(try await pool.control(method: "autoscale", ["max": 2, "min": 2]) == ["ok": "autoscale now max=2 min=2"])
            try await eventually("the pool shrank to two") { try await pool.poolPIDs().count == 2 }
            for sleeper in sleepers { #expect(try await sleeper.get(timeout: 60) == 5) }
        }
    }
}
