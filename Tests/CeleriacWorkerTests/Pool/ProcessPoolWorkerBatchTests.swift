import Celeriac
import CeleriacProtocol
import CeleriacRedis
@testable import CeleriacWorker
import CeleriacTestSupport
import Foundation
import Testing

/// A worker on the process pool starting queued early-ack requests in batches and concluding
/// their outcomes in groups: every result is stored, every message acked, every task's events
/// sent once in order, and a failure in a group is concluded as a lone task's.
@Suite("process pool worker batches", .serialized)
struct ProcessPoolWorkerBatchTests {
    @Test func tasksQueuedTogetherRunInPoolBatchesWithTheirResultsEventsAndAcks() async throws {
        var options = ProcessPoolOptions()
        options.executable = ProjectPaths.executable("celeriac").path
        options.arguments = ["worker", "--pool", "process"]
        options.stopGrace = 1
        try await WorkerHarness.with(configure: {
            $0.queues = ["idle"]
            $0.concurrency = 2
            $0.pool = .process
            $0.processPool = options
        }) { harness in
            let log = EventLog(transport: harness.app.transport)
            try await log.start()
            // Queued while no worker reads the queue, then taken many at a time.
            let sent = try await MixedBatchLoad.run(on: harness)
            try await MixedBatchLoad.expectEvents(log, for: sent)
            let failures = try await harness.worker.failures.list()
            #expect(failures.count == 12)
            // Every slot was freed and counted.
            try await eventually("every request counted") { await harness.worker.processed == 120 }
            #expect(await harness.worker.active.isEmpty)
            let pool = try #require(harness.worker.pool)
            #expect(pool.batchedJobs.load(ordering: .relaxed) == 120)
            #expect(pool.batchesRun.load(ordering: .relaxed) < 120, "queued together, the tasks started in batches")
            await log.stop()
        }
    }
}
