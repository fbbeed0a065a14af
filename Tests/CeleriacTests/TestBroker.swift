import Celeriac
import CeleriacRedis
import CeleriacTestSupport
import Foundation

/// A fresh server per test (redis-server, or the bundled broker when
/// `CELERIAC_TEST_SERVER=celeriac`), with an app on it; stopped afterwards.
func withApp(configure: (inout Configuration) -> Void = { _ in },
             _ body: (App, any TestServer) async throws -> Void) async throws
{
    let server = try TestBackend.start()
    defer { server.stop() }
    var configuration = try Configuration(broker: server.url())
    configure(&configuration)
    let app = try await App(configuration: configuration)
    do {
        try await body(app, server)
    } catch {
        await app.close()
        throw error
    }
    await app.close()
}

/// The virtualenv's python, or nil when the venv is missing.
func venvPython() -> URL? { ProjectPaths.venvProgram("python") }

/// Runs a Python snippet from the venv with the demo tasks importable.
func runPython(_ source: String, environment: [String: String] = [:]) async throws -> ProcessOutput {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-test-\(UUID().uuidString).py")
    try source.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    guard let python = venvPython() else { throw MissingVenv() }
    var env = environment
    env["PYTHONPATH"] = CeleryWorkerProcess.tasksFolder.path
    return try await ProcessRunner.run(python, [file.path], environment: env, timeout: 60)
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// The Celery virtualenv is missing (set CELERIAC_VENV).
struct MissingVenv: Error, CustomStringConvertible {
    var description: String { "no Celery virtualenv at \(ProjectPaths.venv.path): set CELERIAC_VENV" }
}
