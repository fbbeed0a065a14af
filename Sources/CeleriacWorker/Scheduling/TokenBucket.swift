/// Celery's per-task-type rate limit: a token bucket of capacity 1 filled at `rate` tokens per
/// second, so `"10/m"` lets one task through every 6 s with no burst. Time is passed in, so the
/// bucket is a pure value that tests drive with a manual clock.
public struct TokenBucket: Sendable, Hashable {
    /// Tokens per second; 0 or less means no limit.
    public private(set) var rate: Double
    private var tokens: Double = 1
    private var updated: Double?

    public init(rate: Double) {
        self.rate = rate
    }

    /// Changes the rate (from `rate_limit` control commands) keeping the current fill.
    public mutating func setRate(_ newRate: Double) {
        rate = newRate
    }

    /// Takes a token if one is available at `now` (seconds); returns whether it did.
    public mutating func take(now: Double) -> Bool {
        guard rate > 0 else { return true }
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Seconds from `now` until a token will be available (0 if one is).
    public mutating func waitTime(now: Double) -> Double {
        guard rate > 0 else { return 0 }
        refill(now: now)
        return tokens >= 1 ? 0 : (1 - tokens) / rate
    }

    private mutating func refill(now: Double) {
        if let updated, now > updated {
            tokens = min(1, tokens + (now - updated) * rate)
        }
        updated = now
    }
}
