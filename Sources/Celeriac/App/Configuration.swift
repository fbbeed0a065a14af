import CeleriacProtocol
import CeleriacRedis

/// An application's settings, named after Celery's (`broker_url`, `result_backend`,
/// `task_default_queue`, …) with Celery's defaults.
public struct Configuration: Sendable {
    /// The broker URLs, tried in turn (`redis://a;redis://b` is a failover list).
    public var brokerURLs: [RedisURL]
    /// The result backend; the first broker URL when nil, as Celery does for Redis.
    public var resultBackendURL: RedisURL?
    /// `task_default_queue`.
    public var defaultQueue = "celery"
    /// `task_routes`: task name or glob (`*`, `?`) → queue, first match wins.
    public var taskRoutes: [(pattern: String, queue: String)] = []
    /// `result_expires` in seconds; nil or 0 stores results without expiry.
    public var resultExpires: Double? = 86_400
    /// `broker_transport_options.visibility_timeout`, seconds.
    public var visibilityTimeout: Double = 3_600
    /// `broker_transport_options.priority_steps`.
    public var prioritySteps = Priority.steps
    /// `worker_prefetch_multiplier`.
    public var prefetchMultiplier = 4
    /// `task_acks_late`.
    public var acksLate = false
    /// `broker_transport_options.queue_order_strategy`.
    public var queueOrderStrategy: QueueOrderStrategy = .roundRobin
    /// `task_send_sent_event`.
    public var sendSentEvent = false
    /// `task_ignore_result`.
    public var ignoreResult = false
    /// How many times a send is retried while the broker is unreachable (`broker_connection_max_retries`-like).
    public var publishMaxRetries = 5
    /// The first retry delay in seconds; it doubles each attempt up to ``publishRetryMaxDelay``.
    public var publishRetryDelay: Double = 0.2
    /// The longest delay between send retries.
    public var publishRetryMaxDelay: Double = 2
    /// How long one broker command (or connect) may take before it counts as failed, seconds.
    public var brokerTimeout: Double = 10

    /// How a consumer orders its queues within each priority step.
    public enum QueueOrderStrategy: String, Sendable, CaseIterable {
        /// The queue just served moves to the end (kombu's default).
        case roundRobin = "round_robin"
        /// Fixed order, as given.
        case priority
        /// Alphabetical.
        case sorted
    }

    /// Settings for a broker URL (a `;`-separated failover list is accepted).
    public init(broker: String, resultBackend: String? = nil) throws(ConfigurationError) {
        brokerURLs = try Self.parseBrokerList(broker)
        if let resultBackend, !resultBackend.isEmpty {
            resultBackendURL = try Self.parseURL(resultBackend, what: "result backend")
        }
    }

    /// The broker URL used first.
    public var brokerURL: RedisURL { brokerURLs[0] }
    /// The result backend actually used.
    public var effectiveResultBackendURL: RedisURL { resultBackendURL ?? brokerURL }

    /// The queue a task goes to when no queue is given: the first matching route, else the
    /// default queue.
    public func queue(forTask name: String) -> String {
        for route in taskRoutes where Glob.matches(route.pattern, name) { return route.queue }
        return defaultQueue
    }

    /// Parses `redis://a;redis://b`.
    static func parseBrokerList(_ text: String) throws(ConfigurationError) -> [RedisURL] {
        let parts = text.split(separator: ";").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw ConfigurationError("empty broker URL") }
        var urls: [RedisURL] = []
        for part in parts { urls.append(try parseURL(part, what: "broker")) }
        return urls
    }

    static func parseURL(_ text: String, what: String) throws(ConfigurationError) -> RedisURL {
        let lower = text.lowercased()
        guard lower.hasPrefix("redis://") || lower.hasPrefix("unix://") || lower.hasPrefix("redis+socket://") else {
            let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
            throw ConfigurationError("unsupported \(what) URL scheme '\(scheme)' in '\(text)': use redis:// or unix://")
        }
        do {
            return try RedisURL(parsing: text)
        } catch {
            throw ConfigurationError("invalid \(what) URL: \(error)")
        }
    }
}

/// A setting that cannot be used.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\n" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\n" { scalars.removeLast() }
        return String(scalars)
    }
}
