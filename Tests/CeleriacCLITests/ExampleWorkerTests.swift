import CeleriacTestSupport
import Foundation
import Testing

/// The README's worker example is a real program: built from Examples/, started against
/// redis-server, and called from Python Celery by task name.
@Suite("the README's worker example")
struct ExampleWorkerTests {
    @Test func aPythonClientCallsTheApplicationsOwnTask() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("example-\(UUID().uuidString).log").path
        defer { unlink(log) }
        let worker = try ChildProcess(ProjectPaths.executable("celeriac-example-worker").path, [],
                                      environment: ["BROKER_URL": server.url()], output: log)
        defer { _ = worker.terminate() }
        let python = try #require(ProjectPaths.venvProgram("python"), "the Celery virtualenv is missing")
        let script = """
            from celery import Celery
            app = Celery(broker="\(server.url())", backend="\(server.url())")
            print(app.send_task("shop.invoice", args=["o-7"], kwargs={"lines": [1, 2, 3]}, queue="invoices").get(timeout=30))
            """
        let output = try await ProcessRunner.run(python, ["-c", script], timeout: 90)
        #expect(output.status == 0, "\(output.stderr)\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(output.stdout == "{'order': 'o-7', 'lines': 3}\n")
        // A warm shutdown on SIGTERM, as the example promises.
        #expect(worker.terminate(grace: 20) == 0)
        #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("Warm shutdown"))
    }
}
