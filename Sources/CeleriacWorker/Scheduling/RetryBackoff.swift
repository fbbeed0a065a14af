/// Celery's `get_exponential_backoff_interval`: `min(maximum, factor × 2^retries)`, and with
/// full jitter a random whole number of seconds from 0 to that value.
public enum RetryBackoff {
    public static func delay<R: RandomNumberGenerator>(
        factor: Double, retries: Int, maximum: Double, fullJitter: Bool, using generator: inout R
    ) -> Double {
        let exponent = Double(min(max(retries, 0), 62))
        let countdown = min(maximum, factor * pow2(exponent))
        guard fullJitter else { return countdown }
        return Double(Int.random(in: 0...max(0, Int(countdown)), using: &generator))
    }

    private static func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}
