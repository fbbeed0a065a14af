#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOConcurrencyHelpers

/// A handle on a running task that `revoke --terminate` and the time limits act through.
public final class RunningTask: @unchecked Sendable {
    /// Why the task was asked to stop.
    enum StopReason: Sendable {
        case softLimit
        case terminate(signal: Int32)
    }

    private let lock = NIOLock()
    private var reason: StopReason?
    private var work: Task<Void, Never>?
    private var observer: (@Sendable (StopReason) -> Void)?
    private var withdrawer: (@Sendable () -> Void)?
    private var withdrawn = false
    /// The task that runs the body in its own task (``TaskRunner/runInline(_:context:handle:)``),
    /// given by whoever created it; cancellable only between ``arm()`` and ``disarm()``, so that
    /// a stop before or after the body never cancels the acks and result writes around it.
    private var carrier: Task<Void, Never>?
    private var armed = false

    public init() {}

    /// Names the task that will run the body inline. It may come before or after ``arm()``:
    /// the task starts running before its creator gets the handle back.
    func carry(_ task: Task<Void, Never>) {
        lock.lock()
        carrier = task
        let attachNow = armed
        lock.unlock()
        if attachNow { attach(task) }
    }

    /// The body starts in the carrier task: a stop cancels it from now on (at once if one came
    /// already).
    func arm() {
        lock.lock()
        armed = true
        let task = carrier
        lock.unlock()
        if let task { attach(task) }
    }

    /// The body ended: a later stop cancels nothing.
    func disarm() {
        lock.lock()
        armed = false
        work = nil
        lock.unlock()
    }

    func attach(_ task: Task<Void, Never>) {
        lock.lock()
        work = task
        let stopNow = reason != nil
        lock.unlock()
        if stopNow { task.cancel() }
    }

    /// Why the task was stopped, if it was.
    var stopReason: StopReason? {
        lock.lock()
        defer { lock.unlock() }
        return reason
    }

    func stop(_ why: StopReason) {
        lock.lock()
        let first = reason == nil
        if first { reason = why }
        let task = work
        let notify = first ? observer : nil
        lock.unlock()
        task?.cancel()
        notify?(why)
    }

    /// Calls `body` with the first stop request (at once if there was one already): the
    /// process pool runs the task elsewhere and signals its child instead of cancelling.
    func onStop(_ body: @escaping @Sendable (StopReason) -> Void) {
        lock.lock()
        if let reason {
            lock.unlock()
            body(reason)
            return
        }
        observer = body
        lock.unlock()
    }

    /// Calls `body` when a plain revoke (``withdraw()``) reaches the task: the process pool
    /// drops it if a child holds it queued and has not started it.
    func onWithdraw(_ body: @escaping @Sendable () -> Void) {
        lock.lock()
        withdrawer = body
        lock.unlock()
    }

    /// A plain revoke (no `terminate`) of a task handed to its pool: one that has not started
    /// yet does not run; a running body is not touched.
    public func withdraw() {
        lock.lock()
        if reason == nil { withdrawn = true }
        let notify = reason == nil ? withdrawer : nil
        lock.unlock()
        notify?()
    }

    /// Whether a plain revoke reached the task before any stop (``withdraw()``): a batched
    /// request checks it just before its body, instead of registering an observer of its own.
    var isWithdrawn: Bool {
        lock.lock()
        defer { lock.unlock() }
        return withdrawn
    }

    /// Cancels the task as `revoke --terminate` does; the task sees `CancellationError`.
    public func terminate(signal: Int32 = 15) {
        stop(.terminate(signal: signal))
    }
}
