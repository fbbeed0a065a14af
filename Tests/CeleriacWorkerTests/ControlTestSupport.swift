import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Logging
import Synchronization

/// Keeps every log line, so a test can check what the server reported.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger writing here (and to stderr when CELERIAC_TEST_LOG is set).
    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in CapturingHandler(log: self) }
        logger.logLevel = .debug
        return logger
    }

    struct CapturingHandler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let line = "\(event.level): \(event.message)"
            log.append(line)
            if ProcessInfo.processInfo.environment["CELERIAC_TEST_LOG"] != nil {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        }
    }
}

/// A broker (redis-server, or the bundled broker with CELERIAC_TEST_SERVER=celeriac), an app
/// on it, and one started control server per nodename, each steering its own test target.
struct ControlCluster {
    let server: any TestServer
    let app: App
    let targets: [ControlTestTarget]
    let servers: [ControlServer]
    let log: CapturedLog

    var target: ControlTestTarget { targets[0] }
    var node: String { targets[0].nodename }
    var control: ControlClient { app.control() }

    /// One reply from `node` (destination set, so the call ends at the first reply).
    func ask(_ command: ControlCommand, node: String? = nil) async throws -> JSONValue? {
        let node = node ?? self.node
        let replies = try await control.broadcast(command, destination: [node], timeout: 5)
        return replies.first { $0.nodename == node }?.result
    }

    /// Like ``ask(_:node:)`` for any method and raw arguments.
    func ask(method: String, arguments: JSONObject = JSONObject()) async throws -> JSONValue? {
        let replies = try await control.broadcast(method: method, arguments: arguments, destination: [node], timeout: 5)
        return replies.first { $0.nodename == node }?.result
    }
}

/// Runs `body` against a fresh cluster; everything is stopped afterwards.
func withControlCluster(_ nodenames: [String] = ["w1@control.test"], options: ControlServer.Options = ControlServer.Options(),
                        _ body: (ControlCluster) async throws -> Void) async throws
{
    let server = try TestBackend.start()
    defer { server.stop() }
    let log = CapturedLog()
    let app = try await App(configuration: try Configuration(broker: server.url()), logger: log.logger("celeriac.test"))
    var targets: [ControlTestTarget] = []
    var servers: [ControlServer] = []
    func stopAll() async {
        for controlServer in servers { await controlServer.stop() }
        await app.close()
    }
    do {
        for nodename in nodenames {
            let target = ControlTestTarget(nodename: nodename)
            let controlServer = ControlServer(transport: app.transport, target: target, logger: log.logger("celeriac.control"),
                                              options: options)
            try await controlServer.start()
            targets.append(target)
            servers.append(controlServer)
        }
        try await body(ControlCluster(server: server, app: app, targets: targets, servers: servers, log: log))
    } catch {
        await stopAll()
        throw error
    }
    await stopAll()
}

/// Runs a program off the cooperative pool (ProcessRunner's async `run` waits on a thread of
/// its own), so a control server in this process keeps answering while the program talks to it.
func runProgram(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                timeout: TimeInterval = 60) async throws -> ProcessOutput
{
    try await ProcessRunner.run(executable, arguments, environment: environment, timeout: timeout)
}

/// A required program is missing.
struct MissingProgram: Error, CustomStringConvertible {
    var name: String
    var description: String { "\(name) not found (set CELERIAC_VENV for the Celery virtualenv, build the celeriac product)" }
}

extension ControlCluster {
    /// Publishes a raw request (as captured from Python) on the pidbox channel and returns the
    /// first reply on its reply queue `oid`, or nil after five seconds; the queue is removed.
    func replyToRawRequest(_ request: String, oid: String) async throws -> [UInt8]? {
        let transport = app.transport
        let queue = ControlMessage.replyQueue(oid: oid)
        try await transport.bindExpiring(queue: queue, exchange: ControlMessage.replyExchange, routingKey: oid,
                                         expiresMilliseconds: 10_000)
        _ = try await transport.client.publish(transport.fanoutChannel(exchange: ControlMessage.exchange, routingKey: ""),
                                               Array(request.utf8))
        let blocking = transport.client.blockingClient()
        let popped = try await blocking.brpop(keys: Priority.brpopKeys([queue]), timeout: 5)
        await blocking.close()
        try await transport.deleteQueue(queue, exchange: ControlMessage.replyExchange, routingKey: oid)
        return popped?.value
    }
}
