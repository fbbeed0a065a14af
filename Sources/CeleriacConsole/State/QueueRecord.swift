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
    /// How long the oldest waiting message has waited, at the last poll (see `QueueLatency`);
    /// nil when the queue is empty or nothing tells.
    public var latency: QueueLatency?
    /// Tasks sent to the queue per second (task-sent events), last minute.
    public var sent = SecondCounter()
    /// Tasks of the queue that workers received per second (task-received events whose queue
    /// is known), last minute: messages leaving the queue.
    public var received = SecondCounter()
    /// Whether any task-sent event named this queue: then the inflow is counted, else it is
    /// worked out from task-received events and the depth's growth.
    public var countsSent = false
    /// Since when the depth has been above each alert's threshold is tracked by the alert engine.
    public var lastPoll: Double?

    public init(name: String) { self.name = name }

    /// Total messages waiting.
    public var depth: Int { depths.reduce(0, +) }

    /// Age of the oldest waiting message at the last poll, if known (exact or a lower bound).
    public var oldestAge: Double? { latency?.age }

    /// The number of depth samples kept.
    public static let historyLimit = 120

    mutating func record(depths new: [Int], at time: Double, latency: QueueLatency?) {
        depths = new
        self.latency = new.reduce(0, +) > 0 ? latency : nil
        lastPoll = time
        history.append(Double(new.reduce(0, +)))
        historyTimes.append(time)
        while history.count > QueueRecord.historyLimit {
            history.removeFirst()
            historyTimes.removeFirst()
        }
    }

    /// How fast the depth changed, in messages per second, over the history's last ten samples.
    public func depthGrowth() -> Double? {
        guard history.count >= 2, let firstTime = historyTimes.dropLast().suffix(10).first,
              let lastTime = historyTimes.last, lastTime > firstTime,
              let firstIndex = historyTimes.firstIndex(of: firstTime), let last = history.last else { return nil }
        return (last - history[firstIndex]) / (lastTime - firstTime)
    }

    /// Messages per second coming in: task-sent events for this queue when any were seen;
    /// otherwise (Python clients send none by default) what left the queue (`outRate`) plus how
    /// much the depth grew.
    public func inRate(now: Double) -> Double {
        if countsSent { return sent.rate(now: now) }
        return max(0, (outRate(now: now) ?? 0) + (depthGrowth() ?? 0))
    }

    /// Messages per second leaving the queue. With task-sent events: what came in minus how
    /// the depth grew. Without: the task-received events counted for the queue, or how fast
    /// the depth shrank when that is more (received events name no queue, so some go uncounted).
    /// Nil while no rate can be told.
    public func outRate(now: Double) -> Double? {
        let growth = depthGrowth()
        if countsSent {
            guard let growth else { return nil }
            return max(0, sent.rate(now: now) - growth)
        }
        let counted = received.rate(now: now)
        guard let growth else { return counted > 0 ? counted : nil }
        return max(counted, -growth, 0)
    }

    /// Where `inRate` comes from, for headers and help.
    public var inflowSource: String { countsSent ? "task-sent events" : "task-received events + depth growth" }

    /// Seconds until empty at the current out rate (0 when empty, nil when nothing drains it).
    public func timeToDrain(now: Double) -> Double? {
        guard depth > 0 else { return 0 }
        guard let rate = outRate(now: now), rate > 0 else { return nil }
        return Double(depth) / rate
    }
}

/// How long the oldest message waiting in a queue has waited: the time since it was ready to
/// run, that is since it was sent or, for a message with an ETA, since that ETA.
///
/// - Exact when the console knows when it was sent (a task-sent event for its id) or the
///   message carries an `eta` header (an ETA message is ready at its ETA).
/// - Otherwise a lower bound: the longer of the time since a worker received it (the message
///   came back to the queue: a restore or a requeue) and the time since the console's polls
///   first saw it at the head of its queue. A message that was deep in the queue before it
///   reached the head waited longer than that.
/// - Unknown (nil) while the queue is empty.
public struct QueueLatency: Hashable, Sendable {
    /// Seconds.
    public var age: Double
    /// False when `age` is a lower bound.
    public var isExact: Bool
    /// The waiting message's task id.
    public var taskID: String

    public init(age: Double, isExact: Bool, taskID: String) {
        self.age = age
        self.isExact = isExact
        self.taskID = taskID
    }
}
