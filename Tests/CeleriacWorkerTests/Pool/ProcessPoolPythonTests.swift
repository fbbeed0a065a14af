import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// Celery's own tools against a process-pool worker: `celery inspect stats` reads the pool as
/// a prefork pool, and a Python `revoke(terminate=True)` ends the child running the task.
@Suite("celery tools and a process-pool worker", .serialized)
struct ProcessPoolPythonTests {
    @Test func celeryInspectStatsShowsThePoolsProcesses() async throws {
        try await ProcessPoolHarness.with(["-c", "2", "--max-tasks-per-child", "50", "--time-limit", "60"]) { pool in
            let stats = try await pool.celeryInspectStats()
            let reported = try #require(stats["pool"])
            #expect(reported["implementation"] == "celeriac.concurrency.process:TaskPool")
            #expect(reported["max-concurrency"] == 2)
            #expect(reported["max-tasks-per-child"] == 50)
            #expect(reported["timeouts"] == [0, 60])
            #expect(reported["put-guarded-by-semaphore"] == false)
            let pids = reported["processes"]?.arrayValue?.compactMap(\.intValue) ?? []
            #expect(pids.count == 2)
            #expect(!pids.contains(Int64(pool.worker.process.pid)), "children, not the worker itself")
            #expect(reported["writes"]?["total"] == 1)
            #expect(reported["writes"]?["strategy"] == "fair")
            #expect(Set(reported["writes"]?.objectValue?.members.map(\.key) ?? [])
                == ["total", "avg", "all", "raw", "strategy", "inqueues"])
            #expect(stats["pid"]?.intValue == Int64(pool.worker.process.pid))
            #expect(stats["total"] == ["demo.add": 1])
        }
    }

    @Test func pythonRevokeWithTerminateEndsTheChildRunningTheTask() async throws {
        let python = try #require(ProjectPaths.venvProgram("python"), "the Celery virtualenv is missing: set CELERIAC_VENV")
        let celery = try #require(ProjectPaths.venvProgram("celery"))
        try await ProcessPoolHarness.with(["-c", "1"]) { pool in
            let url = pool.server.url()
            let sleeper = try await pool.app.producer.send("demo.sleep", args: [30])
            let child = try await pool.runningPID(sleeper.id)
            let script = """
                from celery import Celery
                app = Celery(broker="\(url)", backend="\(url)")
                print(app.control.revoke("\(sleeper.id)", terminate=True, signal="SIGKILL", reply=True, timeout=5))
                """
            let output = try await runProgram(python, ["-c", script], timeout: 90)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains("'ok': 'terminate: \(sleeper.id)'"), "\(output.stdout)")
            let meta = try await pool.finalMeta(sleeper, timeout: 10)
            #expect(meta.status == .revoked)
            #expect(meta.exception == .taskRevoked("terminated"))
            #expect(!(try await pool.poolPIDs().contains(child)))

            // `celery control terminate SIGNAL ID` is the CLI's revoke with terminate.
            let second = try await pool.app.producer.send("demo.sleep", args: [30])
            _ = try await pool.runningPID(second.id)
            let cli = try await runProgram(celery, ["-b", url, "control", "terminate", "SIGTERM", second.id, "-t", "5", "-d", pool.node])
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(try await pool.finalMeta(second, timeout: 10).status == .revoked)
        }
    }
}
