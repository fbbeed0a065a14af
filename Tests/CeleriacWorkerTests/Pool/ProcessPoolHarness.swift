import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A `celeriac worker --pool process` (or `--pool threads`; the built binary, with the fault
/// tasks) on a fresh backend, an app to call it, and remote control to watch its pool.
final class ProcessPoolHarness: Sendable {
    let server: any TestServer
    let worker: CeleriacWorkerProcess
    let app: App
    let node: String

    private init(server: any TestServer, worker: CeleriacWorkerProcess, app: App, node: String) {
        self.server = server
        self.worker = worker
        self.app = app
        self.node = node
    }

    /// Runs `body` with a worker started with `arguments` beside `--pool <pool>`.
    static func with(_ arguments: [String], pool kind: String = "process", _ body: (ProcessPoolHarness) async throws -> Void) async throws {
        let server = try TestBackend.start()
        let node = "pool-\(UUID().uuidString.prefix(8))@localhost"
        let worker: CeleriacWorkerProcess
        do {
            worker = try await CeleriacWorkerProcess(broker: server.url(), arguments: ["--pool", kind, "--pool-fault-tasks", "-n", node] + arguments)
        } catch {
            server.stop()
            throw error
        }
        let app: App
        do {
            app = try await App(configuration: try Configuration(broker: server.url()))
        } catch {
            worker.stop()
            server.stop()
            throw error
        }
        let harness = ProcessPoolHarness(server: server, worker: worker, app: app, node: node)
        do {
            try await body(harness)
        } catch {
            Issue.record("worker log:\n\(worker.log)")
            await harness.close()
            throw error
        }
        await harness.close()
    }

    private func close() async {
        await app.close()
        let worker = self.worker
        _ = try? await offPool { worker.stop() }
        server.stop()
    }

    /// The worker's `stats` reply.
    func stats() async throws -> JSONValue {
        let replies = try await app.control().broadcast(.stats, destination: [node], timeout: 5)
        return try #require(replies.first?.result, "no stats reply from \(node)")
    }

    /// The pids of the pool's children, from `stats`.
    func poolPIDs() async throws -> [Int64] {
        try await stats()["pool"]?["processes"]?.arrayValue?.compactMap(\.intValue) ?? []
    }

    /// Sends a control command and returns the worker's reply.
    func control(_ command: ControlCommand) async throws -> JSONValue? {
        try await app.control().broadcast(command, destination: [node], timeout: 5).first?.result
    }

    func control(method: String, _ arguments: JSONObject) async throws -> JSONValue? {
        try await app.control().broadcast(method: method, arguments: arguments, destination: [node], timeout: 5).first?.result
    }

    /// Waits for the task's final state and returns its stored meta.
    func finalMeta(_ result: AsyncResult, timeout: Double = 30) async throws -> ResultMeta {
        var meta: ResultMeta?
        try await eventually("task \(result.id) finished", timeout: timeout) {
            meta = try await result.meta()
            return meta.map { $0.status.isReady } ?? false
        }
        return try #require(meta)
    }

    /// Waits until the task runs in a child; returns that child's pid (`worker_pid` of `active`).
    func runningPID(_ id: String) async throws -> Int64 {
        var pid: Int64?
        try await eventually("task \(id) is active") {
            let active = try await control(.active(safe: nil))?.arrayValue ?? []
            pid = active.first { $0["id"]?.stringValue == id }?["worker_pid"]?.intValue
            return pid != nil
        }
        return try #require(pid)
    }

    /// Whether the worker process (the parent) still runs.
    var workerIsRunning: Bool { worker.process.isRunning }

    /// Runs one `demo.add`, then asks Python's `celery inspect stats` for this worker and
    /// returns its stats: what Celery's own tool reads of the pool.
    func celeryInspectStats() async throws -> JSONValue {
        let celery = try #require(ProjectPaths.venvProgram("celery"), "the Celery virtualenv is missing: set CELERIAC_VENV")
        #expect(try await app.producer.send("demo.add", args: [1, 2]).get(timeout: 30) == 3)
        let output = try await runProgram(celery, ["-b", server.url(), "inspect", "stats", "--json", "-t", "10", "-d", node])
        #expect(output.status == 0, "\(output.stderr)")
        let line = try #require(output.stdout.split(separator: "\n").last)
        return try #require(try JSONParser.parse(String(line))[node])
    }
}
