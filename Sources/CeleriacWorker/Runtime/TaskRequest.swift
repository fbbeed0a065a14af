import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One received task: the delivery it came in, its decoded message and the registered task
/// that runs it, plus what the worker learns about it on the way (start time, ack).
///
/// What never changes is held in one shared box: a request is copied at every step (reserved,
/// active, its running task, the result and event builders), and a copy of the unboxed fields
/// retained and released every string and array of the envelope and message each time, a
/// tenth of a busy worker's time.
public struct TaskRequest: Sendable {
    private final class Received: Sendable {
        let delivery: Delivery
        let message: TaskMessage
        let task: RegisteredTask
        let receivedAt: Double

        init(delivery: Delivery, message: TaskMessage, task: RegisteredTask, receivedAt: Double) {
            self.delivery = delivery
            self.message = message
            self.task = task
            self.receivedAt = receivedAt
        }
    }

    private let received: Received
    /// When it started running, or nil.
    public var timeStart: Double?
    /// Whether its message has been acked.
    public var acknowledged = false

    public init(delivery: Delivery, message: TaskMessage, task: RegisteredTask, receivedAt: Double) {
        received = Received(delivery: delivery, message: message, task: task, receivedAt: receivedAt)
    }

    /// The delivery (raw bytes, queue, delivery tag).
    public var delivery: Delivery { received.delivery }
    /// The decoded message.
    public var message: TaskMessage { received.message }
    /// The task type that runs it.
    public var task: RegisteredTask { received.task }
    /// When the worker received it (`time.time()`).
    public var receivedAt: Double { received.receivedAt }

    /// The task id.
    public var id: String { message.id }
    /// The task name.
    public var name: String { message.task }
    /// The queue it was delivered from.
    public var queue: String { delivery.queue }
    /// The message priority.
    public var priority: Int { Priority.of(message.properties) }

    /// Whether the task's message is acked after it runs (its own option, else the worker's).
    public func acksLate(workerDefault: Bool) -> Bool { task.options.acksLate ?? workerDefault }

    /// Whether the task expired at `now` (epoch seconds).
    public func isExpired(now: Double) -> Bool {
        guard let expires = message.headers.expires else { return false }
        return expires.timeIntervalSince1970 <= now
    }

    /// Whether the result is not stored (the message's `ignore_result` or the task's option).
    public var ignoresResult: Bool { message.headers.ignoreResult || task.options.ignoreResult }

    /// What the task body sees.
    public func context(hostname: String) -> TaskContext {
        TaskContext(id: id, name: name, args: message.body.args, kwargs: message.body.kwargs,
                    retries: message.headers.retries, rootID: message.headers.rootID,
                    parentID: message.headers.parentID, groupID: message.headers.group, hostname: hostname)
    }

    /// The dict `active`, `reserved`, `scheduled` and `query_task` report.
    public func info(hostname: String, workerPID: Int?) -> TaskRequestInfo {
        TaskRequestInfo(id: id, name: name, args: .array(message.body.args), kwargs: .object(message.body.kwargs),
                        hostname: hostname, timeStart: timeStart, acknowledged: acknowledged,
                        exchange: delivery.exchange, routingKey: delivery.routingKey, priority: priority,
                        redelivered: delivery.redelivered, workerPID: workerPID)
    }

    /// `argsrepr` / `kwargsrepr` for logs.
    var argsRepr: String { message.headers.argsrepr ?? PythonSafeRepr.argsrepr(message.body.args) }
    var kwargsRepr: String { message.headers.kwargsrepr ?? PythonSafeRepr.kwargsrepr(message.body.kwargs) }
}
