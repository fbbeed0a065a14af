import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// Flower (from the test virtualenv) watching a Celeriac worker: its HTTP API must list the
/// worker with what `inspect` answers, and the tasks it saw through the event stream.
@Suite("Flower sees a Celeriac worker", .serialized)
struct FlowerTests {
    /// Fetches `url` with the virtualenv's Python and returns the parsed JSON, or nil while
    /// Flower is not answering yet.
    static func fetch(_ python: URL, _ url: String) async throws -> JSONValue? {
        let script = "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())"
        let output = try await ProcessRunner.run(python, ["-c", script, url], timeout: 30)
        guard output.status == 0 else { return nil }
        return try? JSONParser.parse(output.stdout)
    }

    @Test func apiListsTheWorkerAndItsTasks() async throws {
        guard let python = ProjectPaths.venvProgram("python"), let celery = ProjectPaths.venvProgram("celery") else {
            Issue.record("no Celery virtualenv at \(ProjectPaths.venv.path): set CELERIAC_VENV")
            return
        }
        try await WorkerHarness.with { harness in
            let nodename = harness.worker.nodename
            let url = harness.server.url()
            let port = FreePort.next()
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("flower-\(UUID().uuidString).log")
            defer { try? FileManager.default.removeItem(at: log) }
            // Flower 2 refuses its API without authentication unless told otherwise.
            let flower = try ChildProcess(
                celery.path, ["-A", "demo", "flower", "--port=\(port)", "--address=127.0.0.1"],
                environment: [
                    "CELERY_BROKER_URL": url, "CELERY_RESULT_BACKEND": url, "PYTHONPATH": CeleryWorkerProcess.tasksFolder.path,
                    "FLOWER_UNAUTHENTICATED_API": "true",
                ],
                directory: CeleryWorkerProcess.tasksFolder.path, output: log.path)
            defer { _ = flower.terminate(grace: 5) }
            let base = "http://127.0.0.1:\(port)"

            // /api/workers asks the workers through remote control (inspect stats, registered…),
            // each with Flower's 1 s inspect timeout: on a loaded machine a refresh can fill in
            // only some of them, so it is asked again until all three are there.
            var workers: JSONValue?
            try await eventually("Flower's /api/workers lists \(nodename) with its stats, tasks and queues", timeout: 90) {
                guard flower.isRunning else { throw FlowerExited(log: (try? String(contentsOf: log, encoding: .utf8)) ?? "") }
                workers = try await Self.fetch(python, "\(base)/api/workers?refresh=1")
                guard let worker = workers?[nodename] else { return false }
                return worker["stats"]?["pid"] != nil && worker["registered"]?.arrayValue != nil
                    && worker["active_queues"]?.arrayValue != nil
            }
            let worker = try #require(workers?[nodename])
            #expect(worker["stats"]?["pid"]?.intValue == Int64(ProcessInfo.processInfo.processIdentifier))
            #expect(worker["registered"]?.arrayValue?.contains("demo.add") == true)
            #expect(worker["active_queues"]?.arrayValue?.first?["name"] == "celery")

            // /api/tasks is what Flower folded from the event stream.
            let sent = try await harness.producer.send("demo.add", args: [20, 22])
            let id = sent.id
            #expect(try await sent.get(timeout: 30) == 42)
            var task: JSONValue?
            try await eventually("Flower's /api/tasks shows \(id) succeeded", timeout: 30) {
                task = try await Self.fetch(python, "\(base)/api/tasks")?[id]
                return task?["state"] == "SUCCESS"
            }
            #expect(task?["name"] == "demo.add")
            #expect(task?["worker"] == .string(nodename))
            #expect(task?["result"] == "42")
        }
    }
}

struct FlowerExited: Error, CustomStringConvertible {
    var log: String
    var description: String { "Flower exited:\n\(log)" }
}
