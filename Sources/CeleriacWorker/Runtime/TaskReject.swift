import CeleriacProtocol

/// Thrown by a task to reject its message (Celery's `Reject(reason, requeue)`). With
/// `requeue`, a message still unacked (acks late) goes back to its queue and runs again;
/// without, the task fails with `Reject` and the message is dropped.
public struct TaskReject: Error, Sendable, Hashable, CeleryException {
    /// Why, shown in the FAILURE result.
    public var reason: String?
    /// Whether the message goes back to its queue.
    public var requeue: Bool

    public init(reason: String? = nil, requeue: Bool = false) {
        self.reason = reason
        self.requeue = requeue
    }

    /// `Reject(reason, requeue)` from `celery.exceptions`.
    public var exceptionInfo: ExceptionInfo {
        ExceptionInfo(type: "Reject", arguments: [.optionalString(reason), .bool(requeue)], module: "celery.exceptions")
    }

    /// The reject an outcome's exception stands for, if it is one.
    static func from(_ info: ExceptionInfo) -> TaskReject? {
        guard info.type == "Reject", info.module == "celery.exceptions" else { return nil }
        let reason = info.arguments.first?.stringValue
        let requeue = info.arguments.count > 1 ? info.arguments[1].boolValue ?? false : false
        return TaskReject(reason: reason, requeue: requeue)
    }
}
