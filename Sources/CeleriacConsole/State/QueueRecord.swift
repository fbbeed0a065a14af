import DequeModule

/// One queue: its latest depth per priority step, a bounded depth history, consumers and rates.
public struct QueueRecord: Hashable, Sendable {
    public var name: String
    /// Messages waiting per priority step at the last poll.
    public var depths: [Int] = []
    /// Total depth at each of the last polls, oldest first (bounded).
    public var history: Deque<Double> = []
    /// Time of each history sample.
    public var historyTimes: Deque<Double> = []
    /// Age of the oldest waiting message at the last poll, if known.
    public var oldestAge: Double?
    /// Tasks sent to the queue per second (task-sent events), last minute.
    public var sent = SecondCounter()
    /// Since when the depth has been above each alert's threshold is tracked by the alert engine.
    public var lastPoll: Double?

    public init(name: String) { self.name = name }

    /// Total messages waiting.
    public var depth: Int { depths.reduce(0, +) }

    /// The number of depth samples kept.
    public static let historyLimit = 120

    mutating func record(depths new: [Int], at time: Double, oldestAge age: Double?) {
        depths = new
        oldestAge = age
        lastPoll = time
        history.append(Double(new.reduce(0, +)))
        historyTimes.append(time)
        while history.count > QueueRecord.historyLimit {
            history.removeFirst()
            historyTimes.removeFirst()
        }
    }

    /// Messages per second leaving the queue: what came in minus how the depth grew, over the
    /// history's last ten samples (never negative).
    public func outRate(now: Double) -> Double? {
        guard history.count >= 2, let firstTime = historyTimes.dropLast().suffix(10).first,
              let lastTime = historyTimes.last, lastTime > firstTime,
              let firstIndex = historyTimes.firstIndex(of: firstTime), let last = history.last else { return nil }
        let span = lastTime - firstTime
        let growth = (last - history[firstIndex]) / span
        return max(0, inRate(now: now) - growth)
    }

    /// Messages per second coming in (task-sent events seen for this queue).
    public func inRate(now: Double) -> Double { sent.rate(now: now) }

    /// Seconds until empty at the current out rate (nil when nothing drains it).
    public func timeToDrain(now: Double) -> Double? {
        guard depth > 0 else { return 0 }
        guard let rate = outRate(now: now), rate > 0 else { return nil }
        return Double(depth) / rate
    }
}
