import DequeModule

/// The ids a worker treats as revoked, bounded like Celery's `LimitedSet`: at most `maxSize`
/// ids (50,000) each kept for `ttl` seconds (10,800); the oldest go first. Insertion order is
/// kept because `hello` replies list ids oldest first.
public struct RevokedSet: Sendable {
    public let maxSize: Int
    public let ttl: Double
    private var order: Deque<(id: String, at: Double)> = []
    private var members: [String: Double] = [:]

    public init(maxSize: Int = 50_000, ttl: Double = 10_800) {
        self.maxSize = maxSize
        self.ttl = ttl
    }

    /// Adds (or refreshes) `id` at time `now`.
    public mutating func insert(_ id: String, now: Double) {
        members[id] = now
        order.append((id, now))
        purge(now: now)
    }

    /// Whether `id` is revoked at time `now`.
    public mutating func contains(_ id: String, now: Double) -> Bool {
        guard let at = members[id] else { return false }
        if now - at > ttl {
            purge(now: now)
            return false
        }
        return true
    }

    /// The live ids, oldest first.
    public var ids: [String] {
        order.compactMap { entry in members[entry.id] == entry.at ? entry.id : nil }
    }

    public var count: Int { members.count }

    /// Drops expired ids and the oldest beyond `maxSize`; stale queue entries (an id that was
    /// refreshed later) are skipped.
    public mutating func purge(now: Double) {
        while let first = order.first {
            let current = members[first.id]
            if current != first.at {
                order.removeFirst()
            } else if now - first.at > ttl || members.count > maxSize {
                members[first.id] = nil
                order.removeFirst()
            } else {
                break
            }
        }
    }
}
