import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// A Python Celery worker and a Celeriac worker on one queue.
@Suite("mixed fleet", .serialized)
struct MixedFleetTests {
    @Test func aPythonAndACeleriacWorkerShareAQueueAndRunEveryIDOnce() async throws {
        guard ProjectPaths.venvProgram("celery") != nil else {
            Issue.record("no Celery virtualenv at \(ProjectPaths.venv.path): set CELERIAC_VENV")
            return
        }
        try await WorkerHarness.with(configure: { $0.concurrency = 4 }) { harness in
            let python = try await CeleryWorkerProcess(broker: harness.server.url(), concurrency: 4)
            defer { python.stop() }
            let log = EventLog(transport: harness.app.transport)
            try await log.start()
            let count = 2_000
            var sent: [AsyncResult] = []
            for start in stride(from: 0, to: count, by: 500) {
                sent += try await harness.producer.sendMany((start..<start + 500).map { index in
                    ("demo.add", [.integer(index), .integer(index)], JSONObject(), SendOptions())
                })
            }
            for (index, result) in sent.enumerated() {
                #expect(try await result.get(timeout: 120) == .integer(2 * index))
            }
            try await eventually("a task-succeeded event for every id", timeout: 60) {
                await Set(log.events(ofType: .taskSucceeded).compactMap(\.uuid)).count >= count
            }
            let succeeded = await log.events(ofType: .taskSucceeded)
            var runs: [String: Int] = [:]
            for event in succeeded { runs[event.uuid ?? "", default: 0] += 1 }
            #expect(runs.count == count)
            #expect(runs.values.allSatisfy { $0 == 1 })
            #expect(Set(sent.map(\.id)) == Set(runs.keys))
            let hosts = Set(succeeded.compactMap(\.hostname))
            #expect(hosts == [python.nodename, harness.worker.nodename])
            await log.stop()
        }
    }
}
