import Celeriac
import CeleriacRedis
import CeleriacWorker
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One run of the demo: the broker (bundled or given), the worker children, the load and the
/// monitor, started in order and stopped in reverse, with the closing tally.
final class DemoSession: @unchecked Sendable {
    struct Options {
        var workers: Int
        var concurrency: Int
        var rate: Double
        var broker: String?
        var seed: UInt64
    }

    let options: Options
    let logger: Logger
    let url: String
    let app: App
    private let broker: DemoBroker?
    private let logFolder: String
    private var children: [DemoWorkerProcess] = []
    private var lifelineWrite: Int32 = -1
    private var load: DemoLoad?
    private var loadTask: Task<Void, Never>?
    private let tallier = DemoTallier()
    private var tallyTask: Task<Void, Never>?
    private let monitor: DemoMonitor
    private var loadStarted: ContinuousClock.Instant?
    private var loadStopped: ContinuousClock.Instant?

    /// Connects to (or starts) the broker; nothing else runs yet.
    init(options: Options, logger: Logger) async throws {
        self.options = options
        self.logger = logger
        if let given = options.broker {
            broker = nil
            url = given
        } else {
            let started = try await DemoBroker.start(logger: logger)
            broker = started
            url = started.url
        }
        logFolder = broker?.directory ?? FileManager.default.temporaryDirectory.path
        var configuration: Configuration
        do {
            configuration = try Configuration(broker: url)
        } catch {
            await broker?.stop()
            throw CLIFailure("--broker: \(error)")
        }
        configuration.brokerTimeout = 3
        configuration.resultExpires = Self.resultExpires
        // task-sent events give the console each queue's arrival rate (Celery's
        // task_send_sent_event; received events do not say which queue a task came from).
        configuration.sendSentEvent = true
        var appLogger = logger
        appLogger.logLevel = .error
        do {
            app = try await App(configuration: configuration, logger: appLogger)
            _ = try await app.transport.client.ping()
        } catch {
            await broker?.stop()
            throw CLIFailure("cannot reach the broker at \(url): \(error)")
        }
        monitor = DemoMonitor(transport: app.transport)
    }

    /// The nodenames the workers get.
    var workerNames: [String] { (1...max(1, options.workers)).map { "demo\($0)@\(ProcessInfo.processInfo.hostName)" } }

    /// Starts the monitor and the worker children, and waits (up to `timeout` seconds) until
    /// every worker has said it is online.
    func startWorkers(timeout: Double = 20) async throws {
        try await monitor.start()
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw CLIFailure("cannot create the workers' lifeline pipe") }
        // Neither end may leak into other children; posix_spawn's dup2 gives each worker its copy.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        lifelineWrite = ends[1]
        let executable = Self.executablePath
        for (index, name) in workerNames.enumerated() {
            let arguments = ["--broker", url, "-Q", "celery,fast,slow", "-c", String(options.concurrency), "-n", name,
                             "--acks-late", "--visibility-timeout", String(Int(Self.visibilityTimeout)),
                             "--result-expires", String(Int(Self.resultExpires)),
                             "--exit-with-parent-fd", String(DemoWorkerProcess.lifelineDescriptor)]
            let logFile = logFolder + "/demo\(index + 1).log"
            children.append(try DemoWorkerProcess(name: name, executable: executable, arguments: arguments,
                                                  lifeline: ends[0], logFile: logFile))
        }
        close(ends[0])
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            let online = await monitor.workersOnline
            if workerNames.allSatisfy(online.contains) { return }
            if let dead = children.first(where: { $0.exitStatus != nil }) {
                throw CLIFailure("worker \(dead.name) exited with status \(dead.exitStatus ?? -1); see \(dead.logFile)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIFailure("the workers did not come online within \(Int(timeout)) s; see the logs in \(logFolder)")
    }

    /// Starts the load.
    func startLoad() {
        let load = DemoLoad(producer: app.producer, rate: options.rate, seed: options.seed, logger: logger)
        self.load = load
        loadStarted = .now
        loadTask = Task { await load.run() }
        let tallier = tallier
        let client = app.transport.client
        tallyTask = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(Self.tallyInterval))
                await tallier.add(await load.takeTaskIDs())
                await tallier.settle(client: client)
            }
        }
    }

    /// Stops everything in reverse order and returns the tally.
    func stop() async -> DemoTally {
        loadTask?.cancel()
        await loadTask?.value
        loadStopped = .now
        // Warm shutdown: each worker finishes what it runs and returns what it holds.
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { await child.stop(grace: 15) } }
        }
        if lifelineWrite >= 0 {
            close(lifelineWrite)
            lifelineWrite = -1
        }
        tallyTask?.cancel()
        await tallyTask?.value
        let progress = await load?.snapshot ?? DemoLoad.Progress()
        await tallier.add(await load?.takeTaskIDs() ?? [])
        await tallier.settle(client: app.transport.client)
        var tally = await tallier.figures
        tally.retried = await monitor.retriedCount
        tally.peakDepth = await monitor.peakQueueDepth
        tally.sendErrors = progress.sendErrors
        if let loadStarted, let loadStopped {
            let elapsed = loadStopped - loadStarted
            tally.duration = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        await monitor.stop()
        await app.close()
        await broker?.stop()
        return tally
    }

    /// Seconds before a message a dead worker held goes back to its queue: short, so killing a
    /// worker during the demo shows its acks-late tasks coming back.
    static let visibilityTimeout: Double = 30

    /// Seconds results are kept. The demo reads each result within seconds; Celery's default day
    /// would grow the broker by about four million results a day at the default load.
    static let resultExpires: Double = 600

    /// Seconds between readings of the load's results for the closing tally: far below
    /// `resultExpires`, so no result expires before it is counted.
    static let tallyInterval: Double = 10

    /// This binary, so the workers are the same build as the demo.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
