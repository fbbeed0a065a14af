/// The most recent runtimes of a task type (a bounded ring), for percentiles. Recent samples
/// are what an operator wants ("p95 now"), and a fixed ring keeps memory flat.
public struct RuntimeReservoir: Hashable, Sendable {
    private var samples: [Double] = []
    private var next = 0
    public let capacity: Int

    public init(capacity: Int = 512) { self.capacity = max(1, capacity) }

    public var count: Int { samples.count }

    public mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        if samples.count < capacity {
            samples.append(value)
        } else {
            samples[next] = value
            next = (next + 1) % capacity
        }
    }

    /// The `q` quantile (0…1) by nearest rank, or nil without samples.
    public func quantile(_ q: Double) -> Double? {
        quantiles([q]).first ?? nil
    }

    /// Several quantiles with one sort.
    public func quantiles(_ qs: [Double]) -> [Double?] {
        guard !samples.isEmpty else { return qs.map { _ in nil } }
        let sorted = samples.sorted()
        return qs.map { q in
            let rank = Int((min(max(q, 0), 1) * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(rank, 0), sorted.count - 1)]
        }
    }
}
