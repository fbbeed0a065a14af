import HeapModule

/// One scheduled expiry. Entries go stale when a key is deleted or gets a new expiry; the
/// active cycle skips those by comparing with the database's current expiry time.
struct ExpiryEntry: Comparable {
    var deadline: Int64
    var db: Int
    var key: [UInt8]

    static func < (a: ExpiryEntry, b: ExpiryEntry) -> Bool {
        if a.deadline != b.deadline { return a.deadline < b.deadline }
        if a.db != b.db { return a.db < b.db }
        return a.key.lexicographicallyPrecedes(b.key)
    }
}

/// Active expiry. Redis samples random keys that have a TTL; this engine instead keeps a
/// min-heap of deadlines, so each cycle removes exactly the keys that are due, in deadline
/// order, at O(log n) each, with a per-cycle budget that bounds the pause. Keys are also
/// expired lazily whenever a command touches them.
extension BrokerEngine {
    /// Keys removed per ``runTimers()`` call at most; the rest wait for the next cycle.
    static let activeExpireBudget = 1000

    func scheduleExpiry(_ db: Int, _ key: [UInt8], at deadline: Int64) {
        expiryHeap.insert(ExpiryEntry(deadline: deadline, db: db, key: key))
    }

    /// Deletes due keys (logging each as DEL, invalidating WATCHes).
    func activeExpireCycle() {
        var removed = 0
        while removed < Self.activeExpireBudget, let top = expiryHeap.min, top.deadline < nowMillis {
            _ = expiryHeap.removeMin()
            guard database(top.db).expires[top.key] == top.deadline else { continue }
            if expireIfNeeded(top.db, top.key) { removed += 1 }
        }
        let live = databases.reduce(0) { $0 + $1.expires.count }
        if expiryHeap.count > 1024 && expiryHeap.count > 4 * live {
            rebuildExpiryHeap()
        }
    }

    /// Drops stale entries: rebuilds the heap from the databases' expiry tables.
    func rebuildExpiryHeap() {
        var entries: [ExpiryEntry] = []
        for database in databases {
            for (key, deadline) in database.expires.storage {
                entries.append(ExpiryEntry(deadline: deadline, db: database.index, key: key.bytes))
            }
        }
        expiryHeap = Heap(entries)
    }
}
