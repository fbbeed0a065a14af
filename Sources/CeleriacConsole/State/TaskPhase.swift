/// A task's state as the console tracks it: Celery's states in one byte, so that 100,000
/// tracked tasks stay compact.
public enum TaskPhase: UInt8, CaseIterable, Hashable, Sendable, Comparable {
    case pending, received, started, retry, success, failure, revoked, rejected

    /// Celery's name for the state (`SUCCESS`).
    public var celeryName: String {
        switch self {
        case .pending: "PENDING"
        case .received: "RECEIVED"
        case .started: "STARTED"
        case .retry: "RETRY"
        case .success: "SUCCESS"
        case .failure: "FAILURE"
        case .revoked: "REVOKED"
        case .rejected: "REJECTED"
        }
    }

    /// The phase of a Celery state name, case-insensitive (`failure`, `SUCCESS`), or nil.
    public init?(name: String) {
        guard let phase = TaskPhase.allCases.first(where: { $0.celeryName == name.uppercased() }) else { return nil }
        self = phase
    }

    /// Whether the task is done for good (Celery's READY_STATES, plus rejected).
    public var isFinished: Bool { self == .success || self == .failure || self == .revoked || self == .rejected }

    /// The style role of the state.
    public var role: Role {
        switch self {
        case .pending: .taskPending
        case .received: .taskReceived
        case .started: .taskStarted
        case .retry: .taskRetry
        case .success: .taskSucceeded
        case .failure: .taskFailed
        case .revoked: .taskRevoked
        case .rejected: .taskRejected
        }
    }

    /// Celery's `states.precedence` index: a lower number wins. An event whose state ranks
    /// after the current one logically happened before it (a task-received arriving after
    /// task-succeeded) and only fills in fields, as `celery.events.state.Task.event` does.
    var precedence: Int {
        switch self {
        case .success: 0
        case .failure: 1
        case .revoked: 3
        case .started: 4
        case .received: 5
        case .rejected: 6
        case .retry: 7
        case .pending: 8
        }
    }

    public static func < (lhs: TaskPhase, rhs: TaskPhase) -> Bool { lhs.rawValue < rhs.rawValue }
}
