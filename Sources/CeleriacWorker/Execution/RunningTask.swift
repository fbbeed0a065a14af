import Foundation

/// A handle on a running task that `revoke --terminate` and the time limits act through.
public final class RunningTask: @unchecked Sendable {
    /// Why the task was asked to stop.
    enum StopReason: Sendable {
        case softLimit
        case terminate(signal: Int32)
    }

    private let lock = NSLock()
    private var reason: StopReason?
    private var work: Task<Void, Never>?

    public init() {}

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
        if reason == nil { reason = why }
        let task = work
        lock.unlock()
        task?.cancel()
    }

    /// Cancels the task as `revoke --terminate` does; the task sees `CancellationError`.
    public func terminate(signal: Int32 = 15) {
        stop(.terminate(signal: signal))
    }
}
