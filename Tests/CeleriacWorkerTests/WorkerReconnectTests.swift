import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Logging
import Synchronization
import Testing

/// A broker restarted under a running worker: the worker reconnects and goes on.
@Suite("worker reconnect", .serialized)
struct WorkerReconnectTests {
    /// As Celery retries at start-up: a worker started before its broker waits for it, then
    /// runs tasks; a shutdown while it waits ends it.
    @Test func aWorkerStartedBeforeItsBrokerWaitsForIt() async throws {
        let port = FreePort.next()
        var configuration = try WorkerConfiguration(broker: "redis://127.0.0.1:\(port)/0")
        configuration.withoutMingle = true
        configuration.brokerTimeout = 1
        var logger = Logger(label: "celeriac.worker.test")
        logger.logLevel = .critical
        let worker = Worker(configuration: configuration, registry: DemoTasks.registry, logger: logger)
        let run = Task { try await worker.run() }
        try await Task.sleep(for: .seconds(1))
        #expect(await !worker.isRunning)
        let server = try RedisServer(port: port)
        defer { server.stop() }
        try await eventually("the worker connects once the broker is up", timeout: 60) { await worker.isRunning }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        #expect(try await app.producer.send("demo.add", args: [2, 3]).get(timeout: 20) == 5)
        await worker.requestShutdown()
        try await run.value
        await app.close()

        let waiting = Worker(configuration: configuration, registry: DemoTasks.registry, logger: logger)
        server.stop()
        let ended = Mutex(false)
        Task {
            try? await waiting.run()
            ended.withLock { $0 = true }
        }
        try await Task.sleep(for: .seconds(1))
        await waiting.requestShutdown()
        try await eventually("a shutdown ends a worker waiting for its broker", timeout: 30) { ended.withLock { $0 } }
    }

    @Test func theWorkerGoesOnAfterTheBrokerRestarts() async throws {
        let first = try RedisServer()
        let port = first.port
        var configuration = try WorkerConfiguration(broker: first.url())
        configuration.withoutMingle = true
        configuration.brokerTimeout = 2
        var logger = Logger(label: "celeriac.worker.test")
        logger.logLevel = .critical
        let worker = Worker(configuration: configuration, registry: DemoTasks.registry, logger: logger)
        try await worker.start()
        let run = Task { try await worker.run() }
        do {
            let app = try await App(configuration: try Configuration(broker: first.url()))
            #expect(try await app.producer.send("demo.add", args: [1, 2]).get(timeout: 20) == 3)
            await app.close()
        }
        first.stop()
        try await Task.sleep(for: .seconds(1))
        let second = try RedisServer(port: port)
        defer { second.stop() }
        let app = try await App(configuration: try Configuration(broker: second.url()))
        // The queue was declared on the old server only; the worker pops by key either way.
        #expect(try await app.producer.send("demo.add", args: [20, 22]).get(timeout: 60) == 42)
        #expect(await worker.isRunning)
        await worker.requestShutdown()
        try await run.value
        await app.close()
    }
}
