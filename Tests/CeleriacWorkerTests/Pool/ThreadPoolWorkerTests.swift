import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// `celeriac worker --pool threads` as a user runs it: blocking task bodies (`usleep`, a busy
/// loop) hold a thread each, remote control keeps answering, the limits and
/// `revoke --terminate` reach them, and Celery's tools read the pool as a threads pool.
@Suite("thread pool worker", .serialized)
struct ThreadPoolWorkerTests {
    @Test func fourBlockingTasksRunAtOnceWhileControlCommandsAnswer() async throws {
        try await ProcessPoolHarness.with(["-c", "4"], pool: "threads") { pool in
            var blockers: [AsyncResult] = []
            for _ in 0..<4 { blockers.append(try await pool.app.producer.send("celeriac.fault.block", args: [60])) }
            // On the cooperative pool (two threads here) two blocked bodies would silence the
            // worker; with a thread each, all four are active and it still answers.
            try await eventually("four blocking tasks active at once", timeout: 30) {
                let active = try await pool.control(.active(safe: nil))?.arrayValue ?? []
                return Set(active.compactMap { $0["id"]?.stringValue }) == Set(blockers.map(\.id))
            }
            #expect(try await pool.control(.ping) == ["ok": "pong"])
            let stats = try await pool.stats()
            #expect(stats["pool"]?["threads"] == 4)
            for blocker in blockers {
                let reply = try await pool.control(.revoke(taskIDs: [blocker.id], terminate: true, signal: "SIGTERM"))
                #expect(reply == ["ok": .string("terminate: \(blocker.id)")])
            }
            for blocker in blockers {
                let meta = try await pool.finalMeta(blocker, timeout: 20)
                #expect(meta.status == .revoked)
                #expect(meta.exception == .taskRevoked("terminated"))
            }
            #expect(try await pool.app.producer.send("demo.add", args: [2, 2]).get(timeout: 30) == 4)
        }
    }

    @Test func aBusyLoopPastItsHardLimitFailsAndItsThreadIsReplaced() async throws {
        try await ProcessPoolHarness.with(["-c", "1"], pool: "threads") { pool in
            var options = SendOptions()
            options.timeLimit = 1
            let spin = try await pool.app.producer.send("celeriac.fault.spin", options: options)
            let meta = try await pool.finalMeta(spin)
            #expect(meta.status == .failure)
            #expect(meta.exception == ExceptionInfo(type: "TimeLimitExceeded", arguments: [1], module: "billiard.exceptions"))
            // The one slot runs the next task on a new thread; the spinning one is left alone.
            #expect(try await pool.app.producer.send("demo.add", args: [2, 3]).get(timeout: 30) == 5)
            let stats = try await pool.stats()
            #expect(stats["pool"]?["threads"] == 1)
            #expect(stats["pool"]?["stuck-threads"] == 1)
            #expect(pool.worker.log.contains("Hard time limit (1s) exceeded for celeriac.fault.spin[\(spin.id)]"))
            #expect(pool.worker.log.contains("celeriac.fault.spin[\(spin.id)] ignored the cancellation of its hard time limit"))
            #expect(pool.workerIsRunning)
        }
    }

    @Test func theSoftLimitReachesABlockingBody() async throws {
        try await ProcessPoolHarness.with(["-c", "1"], pool: "threads") { pool in
            var options = SendOptions()
            options.softTimeLimit = 0.5
            let blocker = try await pool.app.producer.send("celeriac.fault.block", args: [30], options: options)
            let meta = try await pool.finalMeta(blocker)
            #expect(meta.status == .failure)
            #expect(meta.exception == .softTimeLimitExceeded)
            #expect(try await pool.stats()["pool"]?["stuck-threads"] == 0)
        }
    }

    @Test func poolGrowAndShrinkChangeTheThreads() async throws {
        try await ProcessPoolHarness.with(["-c", "2"], pool: "threads") { pool in
            #expect(try await pool.control(method: "pool_grow", ["n": 2]) == ["ok": "pool will grow"])
            try await eventually("four threads") { try await pool.stats()["pool"]?["threads"] == 4 }
            #expect(try await pool.control(method: "pool_shrink", ["n": 3]) == ["ok": "pool will shrink"])
            try await eventually("one thread") { try await pool.stats()["pool"]?["threads"] == 1 }
            #expect(try await pool.stats()["pool"]?["max-concurrency"] == 1)
            #expect(try await pool.app.producer.send("demo.mul", args: [6, 7]).get(timeout: 30) == 42)
        }
    }

    @Test func celeryInspectStatsReadsAThreadsPool() async throws {
        try await ProcessPoolHarness.with(["-c", "3"], pool: "threads") { pool in
            let stats = try await pool.celeryInspectStats()
            let reported = try #require(stats["pool"])
            #expect(reported["implementation"] == "celeriac.concurrency.thread:TaskPool")
            #expect(reported["max-concurrency"] == 3)
            #expect(reported["threads"] == 3)
            #expect(stats["pid"]?.intValue == Int64(pool.worker.process.pid))
            #expect(stats["total"] == ["demo.add": 1])
            let conf = try await pool.control(.conf(withDefaults: false))
            #expect(conf?["worker_pool"] == "threads")
        }
    }
}
