/// One state change of a task: what it became, when (the event's timestamp), on which worker.
public struct TaskTransition: Hashable, Sendable {
    public var phase: TaskPhase
    /// Seconds since the epoch, from the event.
    public var time: Double
    /// Interned worker hostname (see `ClusterState.workerName(_:)`), or -1.
    public var worker: Int32

    public init(phase: TaskPhase, time: Double, worker: Int32) {
        self.phase = phase
        self.time = time
        self.worker = worker
    }
}
