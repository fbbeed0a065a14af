import CeleriacTestSupport
import Foundation
import Testing

/// Real Python Celery 5.7 (worker, client, result backend, inspect, events, Flower) on the
/// bundled broker, and the same tests on redis-server.
@Suite("Real Celery on the broker", .serialized)
struct CeleryInteropTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case bundled, redis
        var testDescription: String { rawValue }
    }

    /// A running broker of either kind, kept alive for the test.
    final class Server {
        let url: String
        let port: Int
        private let bundled: BrokerProcess?
        private let redis: RedisServer?

        init(_ backend: Backend) throws {
            switch backend {
            case .bundled:
                let broker = try BrokerProcess()
                bundled = broker
                redis = nil
                url = broker.url()
                port = broker.port
            case .redis:
                let server = try RedisServer()
                redis = server
                bundled = nil
                url = server.url()
                port = server.port
            }
        }

        func stop() {
            bundled?.stop()
            redis?.stop()
        }
    }

    static var python: URL? { ProjectPaths.venvProgram("python") }

    func environment(_ url: String) -> [String: String] {
        ["CELERY_BROKER_URL": url, "CELERY_RESULT_BACKEND": url, "PYTHONPATH": CeleryWorkerProcess.tasksFolder.path]
    }

    func runPython(_ script: String, url: String) async throws -> ProcessOutput {
        let python = try #require(Self.python, "no Celery virtualenv: set CELERIAC_VENV")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("celery-client-\(UUID().uuidString).py")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await ProcessRunner.run(python, [file.path], environment: environment(url), timeout: 120,
                                     directory: CeleryWorkerProcess.tasksFolder)
    }

    @Test(arguments: Backend.allCases)
    func workerRunsTasksFromAPythonClient(backend: Backend) async throws {
        let server = try Server(backend)
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url)
        defer { worker.stop() }
        let script = """
            import time
            from demo import app, add, fail, flaky, DemoError
            assert add.delay(2, 3).get(timeout=30) == 5
            try:
                fail.delay("boom").get(timeout=30)
                raise SystemExit("fail did not raise")
            except DemoError as error:
                assert "boom" in str(error)
            started = time.time()
            assert add.apply_async((1, 1), countdown=1).get(timeout=30) == 2
            assert time.time() - started >= 0.9
            assert flaky.delay(2).get(timeout=30) == 2
            print("CLIENT OK")
            """
        let result = try await runPython(script, url: server.url)
        #expect(result.stdout.contains("CLIENT OK"), "\(result.stdout)\n\(result.stderr)\n\(worker.log)")
    }

    @Test(arguments: Backend.allCases)
    func inspectPingAndEvents(backend: Backend) async throws {
        let server = try Server(backend)
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url)
        defer { worker.stop() }
        let celery = try #require(ProjectPaths.venvProgram("celery"))
        let ping = try await ProcessRunner.run(celery, ["-A", "demo", "inspect", "ping", "-d", worker.nodename, "--timeout", "10"],
                                         environment: environment(server.url), timeout: 60,
                                         directory: CeleryWorkerProcess.tasksFolder)
        #expect(ping.status == 0, "\(ping.stdout)\n\(ping.stderr)")
        #expect(ping.stdout.contains("pong"))

        let script = """
            import threading, time
            from demo import app, add
            seen = set()
            done = threading.Event()
            def on_event(event):
                seen.add(event["type"])
                if "task-succeeded" in seen and any(t.startswith("worker-") for t in seen):
                    done.set()
            def listen():
                with app.connection() as connection:
                    receiver = app.events.Receiver(connection, handlers={"*": on_event})
                    try:
                        receiver.capture(limit=None, timeout=40, wakeup=True)
                    except Exception:
                        pass
            threading.Thread(target=listen, daemon=True).start()
            time.sleep(2)
            assert add.delay(20, 22).get(timeout=30) == 42
            done.wait(40)
            print(sorted(seen))
            print("EVENTS OK" if done.is_set() else "EVENTS MISSING")
            """
        let result = try await runPython(script, url: server.url)
        #expect(result.stdout.contains("EVENTS OK"), "\(result.stdout)\n\(result.stderr)")
    }

    @Test(arguments: Backend.allCases)
    func flowerListsTheWorker(backend: Backend) async throws {
        let server = try Server(backend)
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url)
        defer { worker.stop() }
        let celery = try #require(ProjectPaths.venvProgram("celery"))
        let flowerPort = FreePort.next()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("flower-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let flower = try ChildProcess(
            celery.path, ["-A", "demo", "--broker", server.url, "flower", "--port=\(flowerPort)", "--address=127.0.0.1"],
            environment: environment(server.url).merging(["FLOWER_UNAUTHENTICATED_API": "true"]) { $1 },
            directory: CeleryWorkerProcess.tasksFolder.path, output: log.path)
        defer { _ = flower.terminate(grace: 5) }
        let script = """
            import json, sys, time, urllib.request
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    body = urllib.request.urlopen("http://127.0.0.1:\(flowerPort)/api/workers?refresh=1", timeout=20).read()
                    workers = json.loads(body)
                    if "\(worker.nodename)" in workers:
                        print("FLOWER OK")
                        sys.exit(0)
                except Exception as error:
                    pass
                time.sleep(0.5)
            print("FLOWER MISSING")
            """
        let result = try await runPython(script, url: server.url)
        #expect(result.stdout.contains("FLOWER OK"), "\(result.stdout)\n\(result.stderr)\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }
}
