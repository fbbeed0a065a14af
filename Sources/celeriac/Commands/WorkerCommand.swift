import ArgumentParser
import Celeriac
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

/// `celeriac worker`: runs the demo tasks with Celery's worker options. SIGTERM or SIGINT is a
/// warm shutdown, a second one (or SIGQUIT) a cold one.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker with the demo tasks (Celery's options and wire protocol).",
        discussion: """
            The process is the worker: its PID is what `inspect stats` reports. SIGTERM or SIGINT \
            finishes running tasks and puts prefetched ones back (warm shutdown); a second signal \
            or SIGQUIT stops at once (cold shutdown).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("Q"), .customLong("queues")], help: "Comma-separated queues to consume (default: celery).")
    var queues: String = "celery"

    @Option(name: [.customShort("c"), .customLong("concurrency")], help: "Tasks run at once (default: the number of cores).")
    var concurrency: Int?

    @Option(name: [.customShort("n"), .customLong("hostname")], help: "Nodename; %h, %n and %d expand (default: celeriac@%h).")
    var hostname: String?

    @Option(name: .customLong("prefetch-multiplier"), help: "Messages prefetched per pool slot (default: 4).")
    var prefetchMultiplier: Int = 4

    @Option(name: [.customShort("l"), .customLong("loglevel")], help: "DEBUG, INFO, WARNING, ERROR or CRITICAL (default: INFO).")
    var loglevel: String = "INFO"

    @Option(name: [.customShort("f"), .customLong("logfile")], help: "Append the log to this file instead of stderr.")
    var logfile: String?

    @Option(name: [.customShort("P"), .customLong("pool")],
            help: "The pool: async (Swift async functions on the cooperative pool), threads (a thread per slot, for blocking code) or process (child processes).")
    var pool: String = "async"

    @Option(name: .customLong("max-tasks-per-child"), help: "Replace a pool process after this many tasks (--pool process).")
    var maxTasksPerChild: Int?

    @Option(name: .customLong("max-memory-per-child"),
            help: "Replace a pool process once its resident memory passed this many KiB (--pool process).")
    var maxMemoryPerChild: Int?

    @Option(name: .customLong("autoscale"), help: "MAX,MIN: grow and shrink the pool with the load (--pool process).")
    var autoscale: String?

    @Flag(name: .customLong("reject-on-worker-lost"),
          help: "Requeue an acks-late task whose pool process died instead of failing it (task_reject_on_worker_lost).")
    var rejectOnWorkerLost = false

    @Flag(name: .customLong("pool-fault-tasks"),
          help: ArgumentHelp("Also register the celeriac.fault.* tasks that break their process.", visibility: .hidden))
    var poolFaultTasks = false

    @Flag(name: .customLong("without-heartbeat"), help: "Send no worker-heartbeat events.")
    var withoutHeartbeat = false

    @Flag(name: .customLong("without-mingle"), help: "Do not sync revoked ids with other workers at start.")
    var withoutMingle = false

    @Flag(inversion: .prefixedNo, help: "Send task events (on by default, like `celery worker -E`).")
    var taskEvents = true

    @Option(name: [.customShort("S"), .customLong("statedb")], help: "File that keeps revoked ids across restarts.")
    var statedb: String?

    @Flag(name: .customLong("acks-late"), help: "Ack every task after it ran (task_acks_late).")
    var acksLate = false

    @Flag(name: .customLong("track-started"), help: "Store the STARTED state when a task starts (task_track_started).")
    var trackStarted = false

    @Option(name: .customLong("time-limit"), help: "Default hard time limit in seconds.")
    var timeLimit: Double?

    @Option(name: .customLong("soft-time-limit"), help: "Default soft time limit in seconds.")
    var softTimeLimit: Double?

    @Option(name: .customLong("visibility-timeout"), help: "Seconds before an unacked message is redelivered (default: 3600).")
    var visibilityTimeout: Double = 3_600

    @Option(name: .customLong("result-expires"), help: "Seconds results are kept; 0 keeps them forever (default: 86400).")
    var resultExpires: Double = 86_400

    @Option(name: .customLong("shutdown-timeout"), help: "Seconds a warm shutdown waits for running tasks (default: 30).")
    var shutdownTimeout: Double = 30

    /// The worker's settings, or a one-line usage error naming the option (exit 2).
    @Option(name: .customLong("exit-with-parent-fd"),
            help: ArgumentHelp("Warm-shut down when this inherited pipe closes (the parent ended).", visibility: .hidden))
    var exitWithParentFD: Int32?

    /// Seconds a worker whose parent is gone gets to finish its shutdown.
    static let orphanGrace: Double = 10

    func workerConfiguration() throws -> WorkerConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var configuration: WorkerConfiguration
        do {
            configuration = try WorkerConfiguration(
                broker: BrokerURLResolver.broker(option: connection.broker, environment: environment),
                resultBackend: BrokerURLResolver.resultBackend(option: connection.resultBackend, environment: environment))
        } catch {
            throw usageError("--broker/--result-backend: \(error.description)")
        }
        let kind: WorkerPoolKind
        do {
            kind = try WorkerPoolKind(option: pool)
        } catch {
            throw usageError(error.description)
        }
        configuration.pool = kind
        switch kind {
        case .async, .threads:
            for (option, given) in [("--max-tasks-per-child", maxTasksPerChild != nil), ("--max-memory-per-child", maxMemoryPerChild != nil),
                                    ("--autoscale", autoscale != nil)] where given {
                throw usageError("\(option) needs --pool process")
            }
        case .process:
            var options = ProcessPoolOptions(maxTasksPerChild: maxTasksPerChild, maxMemoryPerChildKiB: maxMemoryPerChild)
            if let autoscale {
                let parts = autoscale.split(separator: ",").map { Int(Self.trimmingSpaces($0)) }
                guard parts.count == 2, let high = parts[0], let low = parts[1] else {
                    throw usageError("--autoscale '\(autoscale)' is not MAX,MIN (two whole numbers)")
                }
                options.autoscale = (high, low)
            }
            configuration.processPool = options
        }
        configuration.rejectOnWorkerLost = rejectOnWorkerLost
        guard CeleryLogHandler.level(named: loglevel) != nil else {
            throw usageError("--loglevel '\(loglevel)' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        }
        configuration.queues = queues.split(separator: ",").map { Self.trimmingSpaces($0) }
        if let concurrency { configuration.concurrency = concurrency }
        let host = ProcessInfo.processInfo.hostName
        configuration.nodename = NodeName.expand(hostname ?? "celeriac@%h", hostname: host)
        configuration.prefetchMultiplier = prefetchMultiplier
        configuration.withoutHeartbeat = withoutHeartbeat
        configuration.withoutMingle = withoutMingle
        configuration.taskEvents = taskEvents
        configuration.stateDB = statedb
        configuration.acksLate = acksLate
        configuration.trackStarted = trackStarted
        configuration.timeLimit = timeLimit
        configuration.softTimeLimit = softTimeLimit
        configuration.visibilityTimeout = visibilityTimeout
        configuration.resultExpires = resultExpires
        configuration.shutdownTimeout = shutdownTimeout
        configuration.softwareVersion = CeleriacVersion.current
        guard shutdownTimeout >= 0 else { throw usageError("--shutdown-timeout must be 0 or more seconds") }
        do {
            try configuration.validate()
        } catch {
            throw usageError(error.description)
        }
        return configuration
    }

    /// `text` without leading and trailing blanks (tabs and Unicode space separators, what
    /// `CharacterSet.whitespaces` holds). The standard library's own, not Foundation's
    /// `trimmingCharacters(in:)`: that one goes through NSString and CharacterSet, and their pages
    /// would be resident in every idle worker (issue #6).
    static func trimmingSpaces(_ text: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace && !$0.isNewline }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }

    func validate() throws {
        _ = try workerConfiguration()
    }

    /// The tasks this worker runs: the demo tasks (and the fault tasks when asked for).
    var registry: TaskRegistry {
        var registry = DemoTasks.registry
        if poolFaultTasks { PoolFaultTasks.register(into: &registry) }
        return registry
    }

    func run() async throws {
        // A process pool child of this command serves task bodies and nothing else.
        if ProcessPoolChild.isRequested { await ProcessPoolChild.serve(registry: registry) }
        let configuration = try workerConfiguration()
        let level = CeleryLogHandler.level(named: loglevel) ?? .info
        let sink: CeleryLogHandler.Sink
        if let logfile {
            do {
                sink = try CeleryLogHandler.Sink(appendingTo: logfile)
            } catch {
                throw usageError("--logfile \(logfile) cannot be opened for writing")
            }
        } else {
            sink = .standardError
        }
        let logger = Logger(label: "celeriac.worker") { _ in CeleryLogHandler(sink: sink, level: level) }
        let worker = Worker(configuration: configuration, registry: registry, logger: logger)
        let signals = WorkerSignals(worker: worker)
        defer { signals.cancel() }
        if let descriptor = exitWithParentFD {
            let watching = ParentLifeline.watch(descriptor: descriptor) {
                logger.warning("the parent process is gone: shutting down")
                Task { await worker.requestShutdown() }
                // The parent often took the broker with it; a warm shutdown that cannot reach
                // it must not keep this process alive for long.
                OSThread.start(name: "celeriac-orphan") {
                    var request = timespec(tv_sec: Int(Self.orphanGrace), tv_nsec: 0)
                    var left = timespec()
                    while nanosleep(&request, &left) != 0, errno == EINTR { request = left }
                    logger.error("the parent is gone and the shutdown did not finish in \(Int(Self.orphanGrace)) s: exiting")
                    Glibc.exit(1)
                }
            }
            guard watching else { throw usageError("--exit-with-parent-fd \(descriptor) is not an open descriptor") }
        }
        do {
            try await worker.start()
            // Online: what start-up ran is not needed again (ResidentCode says why).
            ResidentCode.releaseStartupPages()
            try await worker.run()
        } catch {
            if logfile != nil { logger.critical("cannot start: \(error)") }
            FileHandleOutput.standardError("Error: cannot connect to the broker: \(error)")
            throw ExitCode.failure
        }
    }
}
