/// The tracked tasks: records side by side in one array, found through an index by id.
///
/// A `[String: TaskRecord]` keeps a slot the size of a record for every bucket, and a
/// dictionary keeps up to four buckets in three empty; at 100,000 tasks that alone was most of
/// the console's memory. Here the index holds only (id, position) and the array holds each
/// record once. Removal moves the last record into the gap, so the order of `values` is
/// arbitrary — as a dictionary's is.
public struct TaskTable: Sendable, Equatable {
    private var records: [TaskRecord] = []
    private var positions: [String: Int] = [:]

    /// No tasks.
    public init() {}

    /// Makes room for `capacity` records without growing.
    public mutating func reserveCapacity(_ capacity: Int) {
        records.reserveCapacity(capacity)
        positions.reserveCapacity(capacity)
    }

    /// How many tasks are tracked.
    public var count: Int { records.count }

    /// Whether none are.
    public var isEmpty: Bool { records.isEmpty }

    /// Every record, in no particular order.
    public var values: [TaskRecord] { records }

    /// Every id, in the order of `values`.
    public var keys: [String] { records.map(\.id) }

    /// The record of `id`; setting nil removes it.
    public subscript(id: String) -> TaskRecord? {
        get { positions[id].map { records[$0] } }
        set {
            if let position = positions[id] {
                if let newValue {
                    records[position] = newValue
                } else {
                    remove(at: position)
                }
            } else if let newValue {
                positions[id] = records.count
                records.append(newValue)
            }
        }
    }

    /// Whether `id` is tracked.
    public func contains(_ id: String) -> Bool { positions[id] != nil }

    /// Changes the record of `id` in place (no copy of its arrays); false when it is not tracked.
    @discardableResult
    public mutating func update(_ id: String, _ body: (inout TaskRecord) -> Void) -> Bool {
        guard let position = positions[id] else { return false }
        body(&records[position])
        return true
    }

    /// Hands out the record of `id` for changing, leaving a blank one in its place until it is
    /// stored back with the subscript: the caller then owns the record's arrays alone, so
    /// appending to them does not copy them.
    public mutating func take(_ id: String) -> TaskRecord? {
        guard let position = positions[id] else { return nil }
        let record = records[position]
        records[position] = TaskRecord(id: id)
        return record
    }

    /// Removes and returns the record of `id`.
    @discardableResult
    public mutating func removeValue(forKey id: String) -> TaskRecord? {
        guard let position = positions[id] else { return nil }
        return remove(at: position)
    }

    /// Equal when the same ids map to equal records, whatever the storage order.
    public static func == (lhs: TaskTable, rhs: TaskTable) -> Bool {
        lhs.count == rhs.count && lhs.records.allSatisfy { rhs[$0.id] == $0 }
    }

    @discardableResult
    private mutating func remove(at position: Int) -> TaskRecord {
        let removed = records[position]
        positions[removed.id] = nil
        let last = records.count - 1
        if position != last {
            records[position] = records[last]
            positions[records[position].id] = position
        }
        records.removeLast()
        return removed
    }
}
