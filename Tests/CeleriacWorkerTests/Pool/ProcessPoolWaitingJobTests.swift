import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// A process-pool worker hands the pool one job per child beyond its slots; that job waits in
/// the parent until a child frees up. Its limits start when a child takes it, and
/// `revoke --terminate` ends it where it waits without touching the child running another.
@Suite("process pool waiting jobs", .serialized)
struct ProcessPoolWaitingJobTests {
    @Test func aWaitingJobsHardLimitStartsWhenAChildTakesIt() async throws {
        try await ProcessPoolHarness.with(["-c", "1"]) { pool in
            let first = try await pool.app.producer.send("demo.sleep", args: [1.5])
            var options = SendOptions()
            options.timeLimit = 1
            // Waits about 1.5 s for the child, then runs 0.2 s: well inside its own limit.
            let second = try await pool.app.producer.send("demo.sleep", args: [0.2], options: options)
            #expect(try await pool.finalMeta(first).status == .success)
            let meta = try await pool.finalMeta(second)
            #expect(meta.status == .success, "\(String(describing: meta.exception))")
        }
    }

    @Test func revokeTerminateEndsAWaitingJobAndLeavesTheRunningOne() async throws {
        try await ProcessPoolHarness.with(["-c", "1"]) { pool in
            let running = try await pool.app.producer.send("demo.sleep", args: [30])
            let child = try await pool.runningPID(running.id)
            let waiting = try await pool.app.producer.send("demo.sleep", args: [30])
            try await eventually("the second task handed to the pool") {
                let active = try await pool.control(.active(safe: nil))?.arrayValue ?? []
                return active.contains { $0["id"]?.stringValue == waiting.id }
            }
            let reply = try await pool.control(.revoke(taskIDs: [waiting.id], terminate: true, signal: "SIGTERM"))
            #expect(reply == ["ok": .string("terminate: \(waiting.id)")])
            let meta = try await pool.finalMeta(waiting, timeout: 10)
            #expect(meta.status == .revoked)
            // The child running the first task was not signalled.
            #expect(try await pool.runningPID(running.id) == child)
            #expect(try await pool.poolPIDs() == [child])
            _ = try await pool.control(.revoke(taskIDs: [running.id], terminate: true, signal: "SIGKILL"))
            #expect(try await pool.finalMeta(running, timeout: 10).status == .revoked)
        }
    }
}
