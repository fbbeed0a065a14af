/// One state change of a task: what it became, when (the event's timestamp), on which worker.
/// The stored order (time, worker, phase) packs it into 16 bytes instead of 24.
public struct TaskTransition: Hashable, Sendable {
    /// Seconds since the epoch, from the event.
    public var time: Double
    /// Interned worker hostname (see `ClusterState.workerName(_:)`), or -1.
    public var worker: Int32
    public var phase: TaskPhase

    public init(phase: TaskPhase, time: Double, worker: Int32) {
        self.phase = phase
        self.time = time
        self.worker = worker
    }
}
