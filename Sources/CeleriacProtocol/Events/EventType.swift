/// The type of a Celery event (`task-succeeded`, `worker-heartbeat`…).
///
/// A struct over the raw string so custom event types survive.
public struct EventType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The type as sent.
    public let rawValue: String

    /// A type from its name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Sent by a client when it publishes a task (`task_send_sent_event`).
    public static let taskSent = EventType(rawValue: "task-sent")
    /// A worker received the task.
    public static let taskReceived = EventType(rawValue: "task-received")
    /// A worker started running the task.
    public static let taskStarted = EventType(rawValue: "task-started")
    /// The task returned.
    public static let taskSucceeded = EventType(rawValue: "task-succeeded")
    /// The task raised (or hit a hard time limit, or was not registered).
    public static let taskFailed = EventType(rawValue: "task-failed")
    /// The task asked to be retried.
    public static let taskRetried = EventType(rawValue: "task-retried")
    /// The task was revoked, terminated or expired.
    public static let taskRevoked = EventType(rawValue: "task-revoked")
    /// The task raised `Reject`.
    public static let taskRejected = EventType(rawValue: "task-rejected")
    /// The task was cancelled when the worker lost its broker connection.
    public static let taskCancelled = EventType(rawValue: "task-cancelled")
    /// A worker came online.
    public static let workerOnline = EventType(rawValue: "worker-online")
    /// A worker is alive (every 2 s).
    public static let workerHeartbeat = EventType(rawValue: "worker-heartbeat")
    /// A worker went offline.
    public static let workerOffline = EventType(rawValue: "worker-offline")

    /// Every type Celery 5.7 sends.
    public static let all: [EventType] = [
        .taskSent, .taskReceived, .taskStarted, .taskSucceeded, .taskFailed, .taskRetried, .taskRevoked,
        .taskRejected, .taskCancelled, .workerOnline, .workerHeartbeat, .workerOffline,
    ]

    /// `task` or `worker`: the part before the first `-`.
    public var group: String {
        rawValue.split(separator: "-", maxSplits: 1).first.map(String.init) ?? rawValue
    }

    /// The routing key events of this type are published with: `-` becomes `.`.
    public var routingKey: String {
        rawValue.replacingOccurrences(of: "-", with: ".")
    }

    public var description: String { rawValue }
}

extension String {
    /// `replacingOccurrences` without Foundation, for ASCII separators.
    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
