import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// A Python Celery 5.7 client (`send_task(...).get()`) calling the demo tasks on a Celeriac
/// worker: what Python sees must be what it sees from a Python worker.
@Suite("Python Celery client against the Celeriac worker", .serialized)
struct PythonClientTests {
    static let script = #"""
        import datetime, json
        from demo import app

        now = datetime.datetime.now(datetime.timezone.utc)
        out = {}
        out["add"] = app.send_task("demo.add", args=(2, 3)).get(timeout=30)
        out["add_kwargs"] = app.send_task("demo.add", kwargs={"x": 1.5, "y": 2}).get(timeout=30)
        out["echo"] = app.send_task("demo.echo", args=("héllo ✓ 日本", [1, {"deep": [True, None, 2.5]}]),
                                    kwargs={"clé": {"n": [1, 2]}}).get(timeout=30)
        big = "x" * (1024 * 1024)
        out["big"] = len(app.send_task("demo.echo", args=(big,)).get(timeout=60)["args"][0])
        try:
            app.send_task("demo.fail", args=("boom",)).get(timeout=30)
            out["fail"] = "no error"
        except Exception as error:
            out["fail"] = [type(error).__name__, str(error)]
        flaky = app.send_task("demo.flaky", args=(2,))
        out["flaky"] = [flaky.get(timeout=30), flaky.state]
        out["countdown"] = app.send_task("demo.add", args=(1, 1), countdown=0.5).get(timeout=30)
        out["eta"] = app.send_task("demo.add", args=(3, 3), eta=now + datetime.timedelta(seconds=0.5)).get(timeout=30)
        out["priority"] = app.send_task("demo.mul", args=(4, 5), priority=5).get(timeout=30)
        expired = app.send_task("demo.add", args=(1, 2), expires=now - datetime.timedelta(seconds=10))
        try:
            expired.get(timeout=30)
            out["expires"] = "no error"
        except Exception as error:
            out["expires"] = [expired.state, type(error).__name__]
        print(json.dumps(out))
        """#

    @Test func demoTasksAnswerAPythonClient() async throws {
        guard let python = ProjectPaths.venvProgram("python") else {
            Issue.record("no Celery virtualenv at \(ProjectPaths.venv.path): set CELERIAC_VENV")
            return
        }
        try await WorkerHarness.with { harness in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-py-\(UUID().uuidString).py")
            try Self.script.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let url = harness.server.url()
            let output = try await ProcessRunner.run(python, [file.path], environment: [
                "PYTHONPATH": CeleryWorkerProcess.tasksFolder.path, "CELERY_BROKER_URL": url, "CELERY_RESULT_BACKEND": url,
            ], timeout: 180)
            #expect(output.status == 0, "\(output.stderr)")
            let result = try JSONParser.parse(output.stdout)
            #expect(result["add"] == 5)
            #expect(result["add_kwargs"] == 3.5)
            #expect(result["echo"] == ["args": ["héllo ✓ 日本", [1, ["deep": [true, nil, 2.5]]]], "kwargs": ["clé": ["n": [1, 2]]]])
            #expect(result["big"] == 1_048_576)
            #expect(result["fail"] == ["DemoError", "boom"])
            #expect(result["flaky"] == [2, "SUCCESS"])
            #expect(result["countdown"] == 2)
            #expect(result["eta"] == 6)
            #expect(result["priority"] == 20)
            #expect(result["expires"] == ["REVOKED", "TaskRevokedError"])
        }
    }
}
