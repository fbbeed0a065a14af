/// How long to wait before the next reconnect attempt: exponential growth from `base`,
/// capped at `cap`, with random jitter so that many clients that lost the same server do not
/// reconnect in lock step.
public struct RedisBackoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var base: Duration
    /// The longest delay.
    public var cap: Duration
    /// The fraction (0...1) of each delay that is random: the delay is scaled by a factor
    /// drawn from `1 - jitter ..< 1`.
    public var jitter: Double

    public init(base: Duration = .milliseconds(50), cap: Duration = .seconds(5), jitter: Double = 0.3) {
        self.base = base
        self.cap = cap
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay after `failures` consecutive failed attempts (1 for the first failure).
    /// - Parameter random: a number in `0..<1`; callers pass `Double.random(in: 0..<1)`,
    ///   tests pass fixed values.
    public func delay(afterFailures failures: Int, random: Double) -> Duration {
        guard failures > 0 else { return .zero }
        let baseSeconds = Self.seconds(base)
        let capSeconds = Self.seconds(cap)
        // 2^(n-1) grows past any cap quickly; stop doubling once past it to avoid overflow.
        var exponential = baseSeconds
        var step = 1
        while step < failures && exponential < capSeconds {
            exponential *= 2
            step += 1
        }
        let capped = min(exponential, capSeconds)
        let factor = 1 - jitter * min(max(random, 0), 1)
        return .nanoseconds(Int64(capped * factor * 1e9))
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
