import Celeriac
import CeleriacConsole
import CeleriacTestSupport
import Foundation
import Testing

/// A live source on a fresh server (redis-server, or the bundled broker with
/// `CELERIAC_TEST_SERVER=celeriac`), with a model the test pumps into as the UI loop would.
final class LiveHarness: @unchecked Sendable {
    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    let server: any TestServer
    let app: App
    let source: LiveSource
    let identity = OperatorIdentity(user: "tester", host: "testhost")
    var model: ConsoleModel

    init(server: any TestServer, recorder: InputRecorder? = nil) async throws {
        self.server = server
        app = try await App(configuration: try Configuration(broker: server.url()))
        // Fast polls so the bounded waits below are short.
        let options = LiveOptions(depthInterval: 0.2, bindingsInterval: 0.2, auditInterval: 0.3, controlTimeout: 1,
                                  browsePageSize: 2, maxReconnectDelay: 1, identity: identity)
        source = LiveSource(app: app, options: options, recorder: recorder)
        model = ConsoleModel(now: Date().timeIntervalSince1970)
    }

    func start() { source.start() }

    /// Pumps the source into the model until `predicate` holds, for at most `timeout` seconds.
    func wait(_ what: String, timeout: Double = 30, until predicate: (ConsoleModel) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            source.pump(into: &model, now: Date().timeIntervalSince1970)
            if predicate(model) { return }
            guard Date() < deadline else { throw Timeout(description: "timed out after \(timeout) s waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func close() async {
        await source.stop()
        await app.close()
    }
}
