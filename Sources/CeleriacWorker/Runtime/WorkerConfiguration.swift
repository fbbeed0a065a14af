import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// A worker's settings, named after Celery's worker options and settings, with Celery's
/// defaults (and Celeriac's: the `celery` queue, task events on).
public struct WorkerConfiguration: Sendable {
    /// `broker_url`.
    public var brokerURL: RedisURL
    /// `result_backend`; the broker when nil, as Celery does for Redis.
    public var resultBackendURL: RedisURL?
    /// The rest of a failover list (`redis://a;redis://b`): connections lost to the broker
    /// move on to these in turn, as kombu's round-robin failover does.
    public var brokerAlternates: [RedisURL] = []
    /// `-Q`: the queues consumed.
    public var queues: [String] = ["celery"]
    /// `-c`: how many tasks run at once (the async pool's slots).
    public var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    /// `-n`: the nodename, already expanded (see ``NodeName``).
    public var nodename: String = NodeName.defaultName(hostname: ProcessInfo.processInfo.hostName)
    /// `worker_prefetch_multiplier`: prefetch = multiplier × concurrency.
    public var prefetchMultiplier: Int = 4
    /// `task_acks_late` for every task (a task's own option wins).
    public var acksLate = false
    /// `worker_send_task_events` (`-E`); Celeriac turns them on by default.
    public var taskEvents = true
    /// Seconds between `worker-heartbeat` events (Celery: 2.0).
    public var heartbeatInterval: Double = 2
    /// `--without-heartbeat`: no `worker-heartbeat` events.
    public var withoutHeartbeat = false
    /// `--without-mingle`: no `hello` broadcast at start.
    public var withoutMingle = false
    /// `--statedb`: a file where revoked ids persist across restarts.
    public var stateDB: String?
    /// `broker_transport_options.visibility_timeout`, seconds.
    public var visibilityTimeout: Double = 3_600
    /// `task_track_started`: store STARTED (`{"pid", "hostname"}`) when a task starts.
    public var trackStarted = false
    /// `result_expires`, seconds; nil or 0 stores results without expiry.
    public var resultExpires: Double? = 86_400
    /// `task_soft_time_limit`: the default soft limit, seconds.
    public var softTimeLimit: Double?
    /// `task_time_limit`: the default hard limit, seconds.
    public var timeLimit: Double?
    /// How long a warm shutdown waits for running tasks before requeueing what is left.
    public var shutdownTimeout: Double = 30
    /// How long one broker command may take before it counts as failed, seconds.
    public var brokerTimeout: Double = 10
    /// How many times an unreachable broker is retried at start-up before the worker gives up
    /// (Celery's `broker_connection_max_retries`, 100); 0 fails at once.
    public var startupConnectionRetries = 100
    /// `sw_ident` / `sw_ver` of worker events.
    public var softwareIdentity = "celeriac"
    /// The version reported as `sw_ver`.
    public var softwareVersion = "0.1.0"
    /// `--pool process`: run task bodies in child processes with these settings; nil runs
    /// them on the async pool (or the threads pool, see ``pool``).
    public var processPool: ProcessPoolOptions?
    /// `-P/--pool`: `.threads` runs task bodies on `concurrency` dedicated threads. `.process`
    /// uses ``processPool`` (its defaults when nil); setting ``processPool`` alone also
    /// chooses the process pool.
    public var pool: WorkerPoolKind = .async
    /// `task_reject_on_worker_lost`: an acks-late task whose pool child died goes back to its
    /// queue instead of failing (a task's own option wins).
    public var rejectOnWorkerLost = false

    /// Settings for a broker URL (and a result backend URL; empty or nil uses the broker).
    public init(broker: String, resultBackend: String? = nil) throws(ConfigurationError) {
        let client = try Configuration(broker: broker, resultBackend: resultBackend)
        brokerURL = client.brokerURL
        brokerAlternates = Array(client.brokerURLs.dropFirst())
        resultBackendURL = client.resultBackendURL
    }

    /// The pool task bodies run on.
    public var effectivePool: WorkerPoolKind { processPool != nil ? .process : pool }

    /// The process pool's settings when task bodies run in child processes.
    public var effectiveProcessPool: ProcessPoolOptions? {
        processPool ?? (pool == .process ? ProcessPoolOptions() : nil)
    }

    /// The result backend actually used.
    public var effectiveResultBackendURL: RedisURL { resultBackendURL ?? brokerURL }

    /// How many deliveries the consumer holds unacked (ETA tasks add one each while held).
    public var prefetchCount: Int { max(0, prefetchMultiplier) * max(1, concurrency) }

    /// Checks values that cannot work; the message names the option.
    public func validate() throws(WorkerConfigurationError) {
        if concurrency < 1 { throw WorkerConfigurationError(option: "--concurrency", "must be at least 1, not \(concurrency)") }
        if prefetchMultiplier < 0 {
            throw WorkerConfigurationError(option: "--prefetch-multiplier", "must be 0 or more, not \(prefetchMultiplier)")
        }
        if queues.isEmpty || queues.contains(where: \.isEmpty) {
            throw WorkerConfigurationError(option: "--queues", "needs at least one non-empty queue name")
        }
        if !(visibilityTimeout > 0) {
            throw WorkerConfigurationError(option: "--visibility-timeout", "must be more than 0 seconds")
        }
        if !(heartbeatInterval > 0) {
            throw WorkerConfigurationError(option: "--heartbeat-interval", "must be more than 0 seconds")
        }
        for (option, value) in [("--time-limit", timeLimit), ("--soft-time-limit", softTimeLimit)] {
            if let value, !(value > 0) { throw WorkerConfigurationError(option: option, "must be more than 0 seconds") }
        }
        if pool == .threads, processPool != nil {
            throw WorkerConfigurationError(option: "--pool", "\(pool.rawValue) takes no process pool options (--max-tasks-per-child, --max-memory-per-child, --autoscale)")
        }
        try processPool?.validate()
        if let expires = resultExpires, expires < 0 {
            throw WorkerConfigurationError(option: "--result-expires", "must be 0 or more seconds")
        }
    }
}

/// A worker setting that cannot be used, naming the option.
public struct WorkerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The option, as the command line spells it.
    public var option: String
    /// What is wrong with it.
    public var message: String

    public init(option: String, _ message: String) {
        self.option = option
        self.message = message
    }

    public var description: String { "\(option) \(message)" }
}
