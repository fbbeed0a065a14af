/// Counts per whole second over a fixed window (a ring of buckets): throughput in the last
/// minute without keeping one entry per event.
public struct SecondCounter: Hashable, Sendable {
    private var buckets: [Int]
    /// The second the last bucket stands for.
    private var newest: Int = Int.min

    public init(seconds: Int = 60) { buckets = Array(repeating: 0, count: max(1, seconds)) }

    /// Seconds in the window.
    public var window: Int { buckets.count }

    /// Adds `count` at `time`; times older than the window are dropped.
    public mutating func add(_ count: Int = 1, at time: Double) {
        let second = Int(time.rounded(.down))
        advance(to: second)
        let age = newest - second
        guard age >= 0, age < buckets.count else { return }
        buckets[index(of: second)] += count
    }

    /// Moves the window so `now` is its newest second, clearing buckets that fell out.
    public mutating func advance(to time: Double) { advance(to: Int(time.rounded(.down))) }

    private mutating func advance(to second: Int) {
        guard second > newest else { return }
        if newest == Int.min || second - newest >= buckets.count {
            for i in buckets.indices { buckets[i] = 0 }
        } else {
            for s in (newest + 1)...second { buckets[index(of: s)] = 0 }
        }
        newest = second
    }

    private func index(of second: Int) -> Int {
        ((second % buckets.count) + buckets.count) % buckets.count
    }

    /// Counts per second, oldest first, as of `now` (seconds after the newest event are zero).
    public func series(now: Double) -> [Double] {
        let nowSecond = Int(now.rounded(.down))
        return (0..<buckets.count).map { back -> Double in
            let second = nowSecond - (buckets.count - 1 - back)
            guard newest != Int.min, second <= newest, newest - second < buckets.count else { return 0 }
            return Double(buckets[index(of: second)])
        }
    }

    /// The total over the window as of `now`.
    public func total(now: Double) -> Int { Int(series(now: now).reduce(0, +)) }

    /// The mean rate per second over the window as of `now`.
    public func rate(now: Double) -> Double { Double(total(now: now)) / Double(buckets.count) }
}
