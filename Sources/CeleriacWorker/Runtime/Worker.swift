import Celeriac
import CeleriacProtocol
import CeleriacRedis
import DequeModule
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// A Celery-compatible worker: consumes its queues through a prefetching ``Consumer``, runs
/// registered tasks on an async pool of `concurrency` slots, stores results as Celery's Redis
/// backend does, sends Celery's events, and shuts down warm (finish, requeue) or cold.
///
/// Lifecycle: ``start()`` connects, syncs revoked ids with other workers (`hello`), sends
/// `worker-online` and starts consuming; ``run()`` is `start()` followed by waiting for a
/// shutdown (``requestShutdown()``, a signal handler, or a `shutdown` control command) and
/// carrying it out. Another component (the remote-control server) can be started beside it
/// after `start()` with ``transport``, ``nodename`` and ``events``, and stopped when
/// ``waitUntilStopped()`` returns.
public actor Worker {
    /// The settings it was started with (rate limits, queues and pool size can change later).
    public nonisolated let configuration: WorkerConfiguration
    /// The nodename (`celeriac@host`).
    public nonisolated let nodename: String
    /// The broker transport (shared with the control server).
    public nonisolated let transport: KombuTransport
    /// The event publisher; its source is this worker.
    public nonisolated let events: EventPublisher
    /// The result writer.
    public nonisolated let results: ResultWriter
    /// Where messages that failed for good are kept (in the broker).
    public nonisolated let failures: FailureStore
    /// Where the worker logs.
    public nonisolated let logger: Logger
    /// This process's id (what `stats` reports).
    public nonisolated let pid: Int
    nonisolated let consumer: Consumer
    /// The process pool (`--pool process`); nil on the async pool.
    nonisolated let pool: ProcessPool?
    /// The threads pool (`--pool threads`); nil otherwise.
    nonisolated let threadPool: ThreadPool?
    nonisolated let switches = WorkerSwitches()
    nonisolated let startedAt = ContinuousClock.now

    var registry: TaskRegistry
    var concurrency: Int
    var queues: [QueueInfo]
    var revoked = RevokedSet()
    var held = ETAScheduler<TaskRequest>()
    var reserved: Deque<TaskRequest> = []
    var active: [String: ActiveTask] = [:]
    /// The last finished requests, for `query_task` (their info is built when asked for).
    var recent: Deque<TaskRequest> = []
    var buckets: [String: TokenBucket] = [:]
    var rateTexts: [String: String] = [:]
    var timeLimits: [String: (soft: Double?, hard: Double?)] = [:]
    var totals: [String: Int] = [:]
    var totalsOrder: [String] = []
    var processed = 0
    /// Batches of synchronous bodies running now (``beginBatch(_:now:)``).
    var batchesRunning = 0
    /// Requests of batches whose bodies have run and whose results are being stored: still in
    /// ``active`` (a warm shutdown waits for them), but their slots are free.
    var concluding = 0
    /// The consume loop, waiting while batch runners hold every slot and fill them themselves.
    var waitingForSlots: [CheckedContinuation<Void, Never>] = []
    /// Batches started and the requests they held, since the worker started.
    var batchTotals = (batches: 0, requests: 0)
    var phase: Phase = .created
    var loops: [Task<Void, Never>] = []
    /// The remote-control server while the worker runs.
    var controlServer: ControlServer?
    var consumeLoopEnded = false
    var starting: Task<Void, any Error>?
    var etaTimer: (task: Task<Void, Never>, due: Double)?
    var rateWake: Task<Void, Never>?
    var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    var stoppedWaiters: [CheckedContinuation<Void, Never>] = []
    var drainWaiter: CheckedContinuation<Void, Never>?
    var cold = false
    var autoscaler: PoolAutoscaler?

    /// A task running now, with the handle that terminates it.
    struct ActiveTask {
        var request: TaskRequest
        var handle: RunningTask
    }

    /// Where the worker is in its life.
    enum Phase: Equatable {
        case created, running, stopping, stopped
    }

    /// How many finished requests `query_task` remembers.
    static let recentLimit = 1_000

    /// A worker for `configuration` running the tasks of `registry`. Nothing connects until
    /// ``start()``.
    public init(configuration: WorkerConfiguration, registry: TaskRegistry, logger: Logger = Logger(label: "celeriac.worker")) {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        nodename = configuration.nodename
        // With --autoscale the pool starts at its minimum, as Celery's does.
        let processOptions = configuration.effectiveProcessPool
        let processes = max(1, processOptions?.autoscale?.min ?? configuration.concurrency)
        concurrency = processes
        pool = processOptions.map { ProcessPool(processes: processes, options: $0, logger: logger) }
        threadPool = configuration.effectivePool == .threads ? ThreadPool(threads: processes, logger: logger) : nil
        autoscaler = processOptions?.autoscale.map { PoolAutoscaler(max: $0.max, min: $0.min) }
        queues = configuration.queues.map { QueueInfo(name: $0) }
        pid = Int(ProcessInfo.processInfo.processIdentifier)
        let timeout = Duration.milliseconds(Int64(max(0.05, configuration.brokerTimeout) * 1000))
        var redisLogger = logger
        redisLogger.logLevel = max(logger.logLevel, .warning)
        let options = RedisOptions(connectTimeout: min(timeout, .seconds(5)), commandTimeout: timeout, logger: redisLogger)
        let broker = RedisClient(endpoints: RedisEndpoints(configuration.brokerURL, alternates: configuration.brokerAlternates),
                                 options: options)
        transport = KombuTransport(client: broker, visibilityTimeout: configuration.visibilityTimeout, logger: logger)
        let backendURL = configuration.effectiveResultBackendURL
        let backend = backendURL == configuration.brokerURL ? broker : RedisClient(url: backendURL, options: options)
        results = ResultWriter(client: backend, expires: configuration.resultExpires)
        let expires = configuration.resultExpires ?? 0
        failures = FailureStore(client: broker, expires: expires > 0 ? expires : 86_400)
        let utcoffset = LocalUTCOffset.celeryHours()
        events = EventPublisher(transport: transport,
                                source: CeleryEvent.Source(hostname: configuration.nodename, utcoffset: utcoffset, pid: pid),
                                logger: logger)
        // A message BRPOP hands over is recorded unacked only if it does not start at once with
        // an early ack (``Consumer/settleOnArrival(_:)``): a lone task saves two round trips.
        consumer = Consumer(transport: transport, queues: configuration.queues, prefetch: configuration.prefetchCount,
                            defersBlockingRecords: true)
        switches.setTaskEvents(configuration.taskEvents)
        for name in registry.names {
            guard let text = registry[name]?.options.rateLimit else { continue }
            if let rate = try? RateLimit.tasksPerSecond(text), rate > 0 {
                buckets[name] = TokenBucket(rate: rate)
                rateTexts[name] = text
            } else {
                logger.warning("task \(name): rate limit '\(text)' cannot be read and is ignored")
            }
        }
    }

    /// Starts the worker and runs it until a shutdown has been carried out.
    public func run() async throws {
        // Started as a process pool's child: serve task bodies instead (never returns).
        if ProcessPoolChild.isRequested { await ProcessPoolChild.serve(registry: registry) }
        try await start()
        await waitForShutdownRequest()
        await shutdown()
    }

    /// Waits until the worker has stopped (after ``run()`` finished its shutdown).
    public func waitUntilStopped() async {
        if phase == .stopped { return }
        await withCheckedContinuation { stoppedWaiters.append($0) }
    }

    /// Whether the worker is consuming and running tasks.
    public var isRunning: Bool { phase == .running }

    /// The queues consumed now.
    public var queueNames: [String] { queues.map(\.name) }

    /// The pool size now.
    public var poolSize: Int { concurrency }

    /// How many tasks run now, wait for a slot (or a rate-limit token), and wait for their ETA.
    public var counts: (active: Int, reserved: Int, scheduled: Int) { (active.count, reserved.count, held.count) }

    /// Seconds since the worker was created.
    nonisolated var uptime: Double { startedAt.secondsUntilNow }

    /// The consumer's prefetch: multiplier × pool size, plus one per held ETA task (0, no
    /// limit, when the multiplier is 0, as in Celery).
    var prefetchCount: Int {
        configuration.prefetchMultiplier <= 0 ? 0 : configuration.prefetchMultiplier * concurrency + held.count
    }

    /// The room the consumer waits for before taking more while it holds messages: what the
    /// prefetch allows beyond two messages per slot (one running, one ready), so a deep queue
    /// is taken in batches and the pool never runs dry meanwhile. 1 (take any room) when the
    /// multiplier is 2 or less.
    var refillRoom: Int {
        max(1, (configuration.prefetchMultiplier - 2) * concurrency)
    }

    /// Tells the consumer the prefetch and refill room for the pool size and held tasks now.
    func updatePrefetch() async {
        await consumer.setPrefetch(prefetchCount, refillRoom: refillRoom)
    }

    static func now() -> Double { Date().timeIntervalSince1970 }
}
