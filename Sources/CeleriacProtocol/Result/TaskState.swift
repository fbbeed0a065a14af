/// A task state as stored in the result backend and shown by monitors.
///
/// A struct over the raw string, because Celery lets applications define their own states
/// (`update_state(state="PROGRESS")`), which must survive untouched.
public struct TaskState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The state name as sent (`"SUCCESS"`).
    public let rawValue: String

    /// A state from its name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Unknown to the backend (no key stored).
    public static let pending = TaskState(rawValue: "PENDING")
    /// Received by a worker (events only).
    public static let received = TaskState(rawValue: "RECEIVED")
    /// Started (stored with `task_track_started`).
    public static let started = TaskState(rawValue: "STARTED")
    /// Finished successfully.
    public static let success = TaskState(rawValue: "SUCCESS")
    /// Raised an exception.
    public static let failure = TaskState(rawValue: "FAILURE")
    /// Revoked or expired.
    public static let revoked = TaskState(rawValue: "REVOKED")
    /// Rejected (events only).
    public static let rejected = TaskState(rawValue: "REJECTED")
    /// Waiting to be retried.
    public static let retry = TaskState(rawValue: "RETRY")
    /// Ignored (`Ignore` raised).
    public static let ignored = TaskState(rawValue: "IGNORED")

    /// SUCCESS, FAILURE and REVOKED: the task will not change state again.
    public var isReady: Bool { self == .success || self == .failure || self == .revoked }

    /// FAILURE and RETRY carry an exception as their result; REVOKED too.
    public var isException: Bool { self == .failure || self == .retry || self == .revoked }

    public var description: String { rawValue }
}
