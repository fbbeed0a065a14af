import Synchronization

/// Settings the execution path reads on every task without a hop into the worker actor: task
/// events on or off. A `Mutex` guards them, so they are safe from any task.
final class WorkerSwitches: Sendable {
    private let taskEvents = Mutex(true)
    private let abandoning = Mutex(false)

    /// Whether running tasks are being cancelled by a shutdown (their messages are put back,
    /// not acked, and no REVOKED state is stored for them).
    var isAbandoning: Bool { abandoning.withLock { $0 } }

    func abandonRunningTasks() { abandoning.withLock { $0 = true } }

    /// Whether task events are sent.
    var taskEventsEnabled: Bool { taskEvents.withLock { $0 } }

    /// Turns task events on or off; returns whether the setting changed.
    @discardableResult
    func setTaskEvents(_ enabled: Bool) -> Bool {
        taskEvents.withLock { value in
            defer { value = enabled }
            return value != enabled
        }
    }
}
