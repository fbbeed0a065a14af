import HeapModule

/// Requests held until their ETA (Celery keeps them in worker memory, unacked, rather than
/// re-queueing them). A min-heap on (time, arrival order), so equal times keep arrival order.
public struct ETAScheduler<Item: Sendable>: Sendable {
    struct Entry: Comparable, Sendable {
        var due: Double
        var sequence: UInt64
        var item: Item
        static func < (left: Entry, right: Entry) -> Bool {
            (left.due, left.sequence) < (right.due, right.sequence)
        }
        static func == (left: Entry, right: Entry) -> Bool {
            left.due == right.due && left.sequence == right.sequence
        }
    }

    private var heap = Heap<Entry>()
    private var sequence: UInt64 = 0

    public init() {}

    /// Holds `item` until `due` (seconds on the caller's clock).
    public mutating func schedule(_ item: Item, at due: Double) {
        sequence += 1
        heap.insert(Entry(due: due, sequence: sequence, item: item))
    }

    /// Removes and returns every item due at `now`, earliest first.
    public mutating func popDue(now: Double) -> [Item] {
        var due: [Item] = []
        while let first = heap.min, first.due <= now {
            due.append(first.item)
            heap.removeMin()
        }
        return due
    }

    /// When the next item falls due, or nil when none is held.
    public var nextDue: Double? { heap.min?.due }

    public var count: Int { heap.count }

    /// Every held item with its due time, earliest first (for `inspect scheduled`).
    public var items: [(due: Double, item: Item)] {
        heap.unordered.sorted(by: <).map { ($0.due, $0.item) }
    }

    /// Removes and returns the items matching `predicate` (revoked, or returned at shutdown).
    public mutating func remove(where predicate: (Item) -> Bool) -> [Item] {
        var kept = Heap<Entry>()
        var removed: [Item] = []
        for entry in heap.unordered.sorted(by: <) {
            if predicate(entry.item) { removed.append(entry.item) } else { kept.insert(entry) }
        }
        heap = kept
        return removed
    }
}
