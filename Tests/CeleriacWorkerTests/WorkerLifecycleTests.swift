import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Logging
import Testing

/// What survives a worker: revoked ids through the state db and through other workers
/// (mingle), and acks-late messages through a cold shutdown.
@Suite("worker lifecycle", .serialized)
struct WorkerLifecycleTests {
    func quietLogger() -> Logger {
        var logger = Logger(label: "celeriac.worker.test")
        logger.logLevel = .critical
        return logger
    }

    @Test func revokedIDsPersistInTheStateDB() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("statedb-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = try WorkerConfiguration(broker: server.url())
        configuration.withoutMingle = true
        configuration.stateDB = path
        let first = Worker(configuration: configuration, registry: DemoTasks.registry, logger: quietLogger())
        let firstRun = Task { try await first.run() }
        try await first.start()
        _ = await first.revoke(["gone-1", "gone-2"], terminate: false, signal: "TERM")
        await first.requestShutdown()
        try await firstRun.value

        let second = Worker(configuration: configuration, registry: DemoTasks.registry, logger: quietLogger())
        let secondRun = Task { try await second.run() }
        try await second.start()
        #expect(await second.revokedIDs() == ["gone-1", "gone-2"])
        // A revoked id sent after the restart is still discarded.
        let app = try await App(configuration: try Configuration(broker: server.url()))
        var options = SendOptions()
        options.taskID = "gone-2"
        let meta = try await app.producer.send("demo.add", args: [1, 1], options: options).wait(timeout: 20)
        #expect(meta.exception == .taskRevoked("revoked"))
        await app.close()
        await second.requestShutdown()
        try await secondRun.value
    }

    @Test func mingleLearnsRevokedIDsFromAPythonWorker() async throws {
        guard ProjectPaths.venvProgram("celery") != nil else {
            Issue.record("no Celery virtualenv at \(ProjectPaths.venv.path): set CELERIAC_VENV")
            return
        }
        let server = try TestBackend.start()
        defer { server.stop() }
        let python = try await CeleryWorkerProcess(broker: server.url(), queues: ["python-only"])
        defer { python.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        let replies = try await app.control().broadcast(.revoke(taskIDs: ["known-elsewhere"], terminate: false, signal: nil), timeout: 2)
        #expect(replies.count == 1)
        var configuration = try WorkerConfiguration(broker: server.url())
        configuration.nodename = "mingler@localhost"
        let worker = Worker(configuration: configuration, registry: DemoTasks.registry, logger: quietLogger())
        let run = Task { try await worker.run() }
        try await worker.start()
        #expect(await worker.revokedIDs().contains("known-elsewhere"))
        await worker.requestShutdown()
        try await run.value
        await app.close()
    }

    @Test func coldShutdownPutsRunningAcksLateMessagesBack() async throws {
        try await WorkerHarness.with(configure: { $0.acksLate = true; $0.concurrency = 1 }) { harness in
            let sleeper = try await harness.producer.send("demo.sleep", args: [30])
            try await eventually("demo.sleep runs") { await harness.worker.activeRequests().count == 1 }
            #expect(await harness.worker.activeRequests().first?.acknowledged == false)
            await harness.worker.requestShutdown()
            await harness.worker.requestShutdown()
            try await harness.runner.value
            #expect(try await harness.client.llen("celery") == 1)
            #expect(try await harness.client.hgetall("unacked").isEmpty)
            #expect(try await sleeper.state() == .pending)
            let queued = try #require(try await harness.client.lrange("celery", 0, -1).first)
            #expect(queued.contains(sleeper.id))
            #expect(queued.contains("\"redelivered\": true"))
        }
    }
}
