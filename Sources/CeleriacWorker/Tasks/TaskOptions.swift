import CeleriacProtocol

/// Per-task-type settings, named as Celery names them on `@app.task(...)`.
public struct TaskOptions: Sendable, Hashable {
    /// `"10/s"`, `"100/m"`, `"5/h"`; nil for no limit.
    public var rateLimit: String?
    /// Ack after the result is stored instead of when execution starts.
    public var acksLate: Bool?
    /// Seconds after which the task is cancelled and sees `SoftTimeLimitExceeded`.
    public var softTimeLimit: Double?
    /// Seconds after which the task is failed with `TimeLimitExceeded`.
    public var timeLimit: Double?
    /// Retries allowed before `MaxRetriesExceededError`; nil for unlimited. Celery's default is 3.
    public var maxRetries: Int?
    /// Countdown of a `retry()` that names none (Celery's `default_retry_delay`, 180 s).
    public var defaultRetryDelay: Double
    /// Error type names that retry automatically (`autoretry_for`).
    public var autoretryFor: Set<String>
    /// Exponential backoff for automatic retries: the factor in seconds, or nil for a fixed
    /// `defaultRetryDelay` (`retry_backoff`).
    public var retryBackoff: Double?
    /// Cap on the backoff (`retry_backoff_max`, 600 s).
    public var retryBackoffMax: Double
    /// Full jitter on the backoff (`retry_jitter`).
    public var retryJitter: Bool
    /// Do not store results (`ignore_result`).
    public var ignoreResult: Bool
    /// `reject_on_worker_lost`: with a late ack, requeue the message when the pool child
    /// running it dies instead of failing it; nil uses the worker's setting.
    public var rejectOnWorkerLost: Bool?

    public init(
        rateLimit: String? = nil, acksLate: Bool? = nil, softTimeLimit: Double? = nil, timeLimit: Double? = nil,
        maxRetries: Int? = 3, defaultRetryDelay: Double = 180, autoretryFor: Set<String> = [],
        retryBackoff: Double? = nil, retryBackoffMax: Double = 600, retryJitter: Bool = true, ignoreResult: Bool = false,
        rejectOnWorkerLost: Bool? = nil
    ) {
        self.rateLimit = rateLimit
        self.acksLate = acksLate
        self.softTimeLimit = softTimeLimit
        self.timeLimit = timeLimit
        self.maxRetries = maxRetries
        self.defaultRetryDelay = defaultRetryDelay
        self.autoretryFor = autoretryFor
        self.retryBackoff = retryBackoff
        self.retryBackoffMax = retryBackoffMax
        self.retryJitter = retryJitter
        self.ignoreResult = ignoreResult
        self.rejectOnWorkerLost = rejectOnWorkerLost
    }
}
