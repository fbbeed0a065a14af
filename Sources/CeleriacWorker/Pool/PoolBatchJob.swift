/// One request of a batch handed to ``ProcessPool/run(batch:)``: what
/// ``ProcessPool/run(_:context:softLimit:hardLimit:handle:)`` takes for one (the child finds
/// the task in its own registry by name), and the request its outcome is delivered with to
/// ``ProcessPool/batchOutcomes``.
struct PoolBatchJob: Sendable {
    var request: TaskRequest
    var context: TaskContext
    var softLimit: Double?
    var hardLimit: Double?
    var handle: RunningTask
}
