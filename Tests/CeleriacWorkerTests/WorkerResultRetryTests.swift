import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Logging
import Testing

/// A task that finishes while the broker is down (found by the chaos run): the worker used
/// to log "result not stored", then ack late once the broker was back, and the result was
/// gone for good. Now it keeps trying to store the result, and acks only after it is stored.
@Suite("worker result store across a broker crash", .serialized)
struct WorkerResultRetryTests {
    @Test func aResultFinishedDuringABrokerCrashIsStoredAfterTheRestart() async throws {
        let broker = try BrokerProcess(arguments: ["--appendfsync", "always"])
        defer { broker.stop() }
        var configuration = try WorkerConfiguration(broker: broker.url())
        configuration.withoutMingle = true
        configuration.acksLate = true
        configuration.concurrency = 1
        configuration.brokerTimeout = 2
        // Far beyond the test: only the worker's own retry can bring the result now.
        configuration.visibilityTimeout = 3_600
        var logger = Logger(label: "celeriac.worker.test")
        logger.logLevel = .critical
        let worker = Worker(configuration: configuration, registry: DemoTasks.registry, logger: logger)
        try await worker.start()
        let run = Task { try await worker.run() }

        let sender = try await App(configuration: try Configuration(broker: broker.url()))
        let id = try await sender.producer.send("demo.sleep", args: [2]).id
        await sender.close()
        let watcher = RedisClient(url: try RedisURL(parsing: broker.url()))
        let deadline = Date().addingTimeInterval(20)
        while try await watcher.send(RedisCommand(["HLEN", "unacked"])) != .integer(1) {
            #expect(Date() < deadline, "the worker never took the task")
            if Date() > deadline { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await watcher.close()
        // The task sleeps 2 s: the broker is down when it finishes, and back 2 s later.
        broker.kill9()
        try await Task.sleep(for: .seconds(4))
        try broker.restart()

        let app = try await App(configuration: try Configuration(broker: broker.url()))
        let value = try await app.result(id).get(timeout: 40)
        #expect(value.numberValue == 2)
        // Acked after the result was stored: nothing is left to redeliver.
        var left: RESPValue = .integer(-1)
        for _ in 0..<100 {
            left = try await app.transport.client.send(RedisCommand(["HLEN", "unacked"]))
            if left == .integer(0) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(left == .integer(0))
        await worker.requestShutdown()
        try await run.value
        await app.close()
    }
}
