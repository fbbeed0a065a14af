/// Per task name: how many tasks reached each state, the recent rate, runtimes and rate limit.
public struct TaskTypeStats: Hashable, Sendable {
    public var name: String
    /// Count of state transitions into each phase, indexed by `TaskPhase.rawValue`.
    public var counts: [Int] = Array(repeating: 0, count: TaskPhase.allCases.count)
    /// Finished (succeeded or failed) per second, last minute.
    public var done = SecondCounter()
    /// Failed per second, last minute.
    public var failed = SecondCounter()
    public var runtimes = RuntimeReservoir()
    /// The rate limit as a worker reported it, or as last set from the console.
    public var rateLimit: String?

    public init(name: String) { self.name = name }

    public func count(_ phase: TaskPhase) -> Int { counts[Int(phase.rawValue)] }

    /// Failures over finished tasks in the last minute (nil when none finished).
    public func failureRate(now: Double) -> Double? {
        let total = done.total(now: now)
        guard total > 0 else { return nil }
        return Double(failed.total(now: now)) / Double(total)
    }
}
