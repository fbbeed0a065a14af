/// Celery's autoscaler decision (`celery.worker.autoscale.Autoscaler._maybe_scale`): grow to
/// the number of requests held (running and waiting) up to `max`; shrink towards that number,
/// not below `min`, once `keepalive` seconds passed since the pool last grew or held work.
public struct PoolAutoscaler: Sendable, Hashable {
    public var max: Int
    public var min: Int
    /// Seconds after a growth before the pool may shrink (Celery: 30).
    public var keepalive: Double
    /// When the pool last grew or held a request (seconds on the caller's clock).
    public var lastActive: Double?

    public init(max: Int, min: Int, keepalive: Double = 30) {
        self.max = max
        self.min = min
        self.keepalive = keepalive
    }

    /// The change in processes wanted now (positive grows, negative shrinks, 0 keeps).
    /// - Parameters:
    ///   - held: requests running or waiting for a slot (Celery's `reserved_requests`).
    ///   - processes: the pool size now.
    ///   - now: the current time, on the clock of `lastScaleUp`.
    public mutating func change(held: Int, processes: Int, now: Double) -> Int {
        if held > 0 { lastActive = now }
        let up = Swift.min(held, max)
        if up > processes {
            lastActive = now
            return up - processes
        }
        let down = Swift.max(held, min)
        if down < processes {
            // Celery shrinks only once keepalive seconds passed since it grew or got a task.
            guard let last = lastActive, now - last > keepalive else { return 0 }
            return down - processes
        }
        return 0
    }

    /// `autoscale(max, min)` of remote control: the bounds change, and the size the pool must
    /// take now to stay within them (nil when it already is).
    public mutating func update(max newMax: Int?, min newMin: Int?, processes: Int) -> Int? {
        var size = processes
        if let newMax {
            if newMax < size { size = newMax }
            max = newMax
        }
        if let newMin {
            if newMin > size { size = newMin }
            min = newMin
        }
        return size == processes ? nil : size
    }
}
