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
            var sent: [(result: AsyncResult, expected: JSONValue?)] = []
            for index in 0..<120 {
                let options = SendOptions(queue: "batched")
                if index % 10 == 3 {
                    sent.append((try await harness.producer.send("demo.fail", args: [.string("no \(index)")], options: options), nil))
                } else {
                    let result = try await harness.producer.send("demo.add", args: [.int(Int64(index)), 1], options: options)
                    sent.append((result, .int(Int64(index + 1))))
                }
            }
            #expect(await harness.worker.addConsumer(QueueInfo(name: "batched")))
            for (result, expected) in sent {
                let meta = try await result.wait(timeout: 30)
                if let expected {
                    #expect(meta.status == .success)
                    #expect(meta.result == expected)
                } else {
                    #expect(meta.status == .failure)
                    #expect(meta.exception?.type == "DemoError")
                }
            }
            try await eventually("every message acked") {
                let unacked = try await harness.client.send(RedisCommand(["HLEN", KombuTransport.unackedKey])).int
                let index = try await harness.client.send(RedisCommand(["ZCARD", KombuTransport.unackedIndexKey])).int
                return unacked == 0 && index == 0
            }
            try await eventually("every task's events arrived") {
                let succeeded = await log.events(ofType: .taskSucceeded).count
                let failed = await log.events(ofType: .taskFailed).count
                return succeeded == 108 && failed == 12
            }
            for (result, expected) in sent {
                let started = await log.events(ofType: .taskStarted, uuid: result.id)
                let ended = await log.events(ofType: expected == nil ? .taskFailed : .taskSucceeded, uuid: result.id)
                #expect(started.count == 1)
                #expect(ended.count == 1)
                if let start = started.first?.clock, let end = ended.first?.clock { #expect(start < end) }
            }
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
