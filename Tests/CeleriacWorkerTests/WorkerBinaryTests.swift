import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `celeriac worker` run as a user runs it: the built binary, its options, its log, its
/// signals, and what a `kill -9` leaves behind.
@Suite("celeriac worker binary", .serialized)
struct WorkerBinaryTests {
    /// A `celeriac worker` child logging to a file.
    final class WorkerProcess: Sendable {
        let process: ChildProcess
        let logFile: URL

        init(_ arguments: [String]) throws {
            logFile = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-worker-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            process = try ChildProcess(ProjectPaths.executable("celeriac").path, ["worker"] + arguments, output: logFile.path)
        }

        var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

        /// Waits (off the cooperative pool) until the log contains `text`.
        func waitForLog(_ text: String, timeout: Double = 30) async throws {
            try await eventually("'\(text)' in the worker log", timeout: timeout) { log.contains(text) }
        }

        deinit {
            process.signal(SIGKILL)
            process.wait(timeout: 5)
            try? FileManager.default.removeItem(at: logFile)
        }
    }

    @Test(arguments: [
        (["-c", "0"], "--concurrency"),
        (["--pool", "prefork"], "--pool"),
        (["--loglevel", "LOUD"], "--loglevel"),
        (["--broker", "amqp://guest@localhost//"], "--broker"),
        (["--visibility-timeout", "0"], "--visibility-timeout"),
        (["--soft-time-limit", "0"], "--soft-time-limit"),
        (["-Q", ","], "--queues"),
    ])
    func badOptionsExitTwoWithOneLineNamingTheOption(arguments: [String], option: String) async throws {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["worker"] + arguments, timeout: 30)
        #expect(output.status == 2)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(output.stderr.contains(option), "\(output.stderr)")
    }

    @Test func acksLateTasksOfAKilledWorkerAreRedeliveredAndRunElsewhere() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let common = ["--broker", server.url(), "--acks-late", "--visibility-timeout", "2", "-c", "1", "--without-mingle"]
        let first = try WorkerProcess(common + ["-n", "first@%h"])
        try await first.waitForLog("ready")
        #expect(first.log.contains("first@\(ProcessInfo.processInfo.hostName)"))
        let app = try await App(configuration: try Configuration(broker: server.url()))
        defer { Task { await app.close() } }
        let sleeper = try await app.producer.send("demo.sleep", args: [3])
        try await first.waitForLog("Task demo.sleep[\(sleeper.id)] received")
        // A message BRPOP hands over is recorded unacked right after it is received (before
        // its late-ack body runs), not before the log line.
        try await eventually("the message is recorded unacked") { try await app.transport.client.hgetall("unacked").count == 1 }
        first.process.signal(SIGKILL)
        #expect(first.process.wait(timeout: 10) == 128 + SIGKILL)

        let second = try WorkerProcess(common + ["-n", "second@localhost"])
        #expect(try await sleeper.get(timeout: 60) == 3)
        // The log line follows the stored result.
        try await second.waitForLog("Task demo.sleep[\(sleeper.id)] succeeded in ")
        #expect(second.log.contains("Task demo.sleep[\(sleeper.id)] received"))
        let meta = try #require(try await sleeper.meta())
        #expect(meta.status == .success)

        // SIGTERM is a warm shutdown: exit 0, nothing left unacked.
        second.process.signal(SIGTERM)
        let status = try await offPool { second.process.wait(timeout: 30) }
        #expect(status == 0, "\(second.log)")
        #expect(second.log.contains("Warm shutdown"))
        #expect(try await app.transport.client.hgetall("unacked").isEmpty)
    }

    @Test func warmShutdownOfTheBinaryPutsPrefetchedMessagesBack() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let worker = try WorkerProcess(["--broker", server.url(), "-c", "1", "--prefetch-multiplier", "2", "--without-mingle",
                                        "--loglevel", "DEBUG"])
        try await worker.waitForLog("ready")
        let app = try await App(configuration: try Configuration(broker: server.url()))
        defer { Task { await app.close() } }
        let sleeper = try await app.producer.send("demo.sleep", args: [1])
        try await worker.waitForLog("Task demo.sleep[\(sleeper.id)] received")
        let noops = try await app.producer.sendMany((0..<4).map { _ in ("demo.noop", [], JSONObject(), SendOptions()) })
        try await eventually("two noops are prefetched") { try await app.transport.client.hgetall("unacked").count == 2 }
        worker.process.signal(SIGTERM)
        let status = try await offPool { worker.process.wait(timeout: 30) }
        #expect(status == 0, "\(worker.log)")
        #expect(try await sleeper.get(timeout: 5) == 1)
        #expect(try await app.transport.client.llen("celery") == 4)
        #expect(try await app.transport.client.hgetall("unacked").isEmpty)
        for noop in noops { #expect(try await noop.state() == .pending) }
        #expect(worker.log.contains("restored 2 messages"))
    }
}
