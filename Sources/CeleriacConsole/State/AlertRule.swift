/// An alert rule as data (loaded from TOML later, or built in code).
public struct AlertRule: Hashable, Sendable {
    /// What must hold for the alert to fire.
    public enum Condition: Hashable, Sendable {
        /// A queue (name, or `*` for any) deeper than `depth` for `duration` seconds.
        case queueDepthAbove(queue: String, depth: Int, duration: Double)
        /// A queue's oldest waiting message older than `seconds`.
        case queueLatencyAbove(queue: String, seconds: Double)
        /// Failures over finished tasks of a task type (or `*`) above `ratio` in the last minute,
        /// once at least `minimum` finished.
        case failureRateAbove(task: String, ratio: Double, minimum: Int)
        /// A worker (hostname, or `*`) seen before whose heartbeats stopped.
        case heartbeatMissing(worker: String)
    }

    public var name: String
    public var condition: Condition
    /// Ring the terminal bell when the alert starts firing.
    public var bell: Bool
    /// A shell command run when the alert starts firing (with `CELERIAC_ALERT`,
    /// `CELERIAC_ALERT_SUBJECT` and `CELERIAC_ALERT_MESSAGE` in its environment).
    public var command: String?

    public init(name: String, condition: Condition, bell: Bool = false, command: String? = nil) {
        self.name = name
        self.condition = condition
        self.bell = bell
        self.command = command
    }
}

/// A rule that fires now, with what it is about.
public struct FiringAlert: Hashable, Sendable {
    public var rule: String
    /// The queue, task type or worker it is about.
    public var subject: String
    /// One line for the status bar and the overview.
    public var message: String
    /// When it started firing.
    public var since: Double

    public init(rule: String, subject: String, message: String, since: Double) {
        self.rule = rule
        self.subject = subject
        self.message = message
        self.since = since
    }
}
