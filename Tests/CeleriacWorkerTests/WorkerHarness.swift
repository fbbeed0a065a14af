import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Logging
import Testing

/// A fresh server (redis-server, or the bundled broker with `CELERIAC_TEST_SERVER=celeriac`),
/// a worker running in this process on it, and a client app; all stopped afterwards.
struct WorkerHarness {
    let server: any TestServer
    let worker: Worker
    let app: App
    let runner: Task<Void, any Error>

    static func with(
        registry: TaskRegistry = DemoTasks.registry,
        configure: (inout WorkerConfiguration) -> Void = { _ in },
        _ body: (WorkerHarness) async throws -> Void
    ) async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        var configuration = try WorkerConfiguration(broker: server.url())
        configuration.nodename = "celeriac-test-\(Int.random(in: 1000...9999))@localhost"
        configuration.concurrency = 4
        configuration.withoutMingle = true
        configuration.shutdownTimeout = 10
        configure(&configuration)
        var logger = Logger(label: "celeriac.worker.test")
        logger.logLevel = .warning
        let worker = Worker(configuration: configuration, registry: registry, logger: logger)
        try await worker.start()
        let runner = Task { try await worker.run() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        let harness = WorkerHarness(server: server, worker: worker, app: app, runner: runner)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// Stops the worker (warm) and the app.
    func stop() async {
        await worker.requestShutdown()
        _ = try? await runner.value
        await app.close()
    }

    var producer: Producer { app.producer }
    var client: RedisClient { app.transport.client }
}

/// Waits until `condition` holds, checking every 20 ms; fails the test after `timeout` seconds.
func eventually(_ what: String, timeout: Double = 20, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out after \(timeout) s waiting for: \(what)")
    throw WaitTimeout(what: what)
}

struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Collects the events a receiver sees, in arrival order.
actor EventLog {
    private(set) var events: [CeleryEvent] = []
    private var task: Task<Void, Never>?
    private let receiver: EventReceiver

    init(transport: KombuTransport) {
        receiver = EventReceiver(transport: transport)
    }

    func start() async throws {
        let stream = try await receiver.start()
        task = Task {
            for await item in stream {
                if case .event(let event, _) = item { self.append(event) }
            }
        }
    }

    private func append(_ event: CeleryEvent) { events.append(event) }

    func events(ofType type: EventType, uuid: String? = nil) -> [CeleryEvent] {
        events.filter { $0.type == type && (uuid == nil || $0.uuid == uuid) }
    }

    func stop() async {
        await receiver.close()
        task?.cancel()
    }
}

/// The field names, in order, of the events of `type` in a fixture of real Celery traffic.
func fixtureFields(_ file: String, type: String) throws -> [String] {
    let url = ProjectPaths.celeryFixtures.appendingPathComponent(file)
    let value = try JSONParser.parse(Array(try Data(contentsOf: url)))
    let body = value["decoded"]?["body"] ?? value["decoded"] ?? value
    let events: [JSONValue] = body.arrayValue ?? [body]
    guard let event = events.first(where: { $0["type"]?.stringValue == type })?.objectValue else {
        throw WaitTimeout(what: "a \(type) event in \(file)")
    }
    return event.members.map(\.key)
}

