import DequeModule

/// A value in the keyspace. Aggregates are reference types so that commands mutate them in
/// place without copy-on-write copies of large lists or hashes; the engine is single-threaded,
/// so sharing them is safe. Each keeps an approximate byte count for memory accounting.
enum StoredValue {
    case string([UInt8])
    case list(ListValue)
    case hash(HashValue)
    case set(SetValue)
    case zset(SortedSetValue)

    /// The name `TYPE` reports.
    var typeName: String {
        switch self {
        case .string: return "string"
        case .list: return "list"
        case .hash: return "hash"
        case .set: return "set"
        case .zset: return "zset"
        }
    }

    /// Approximate memory used by the value, in bytes.
    var approximateBytes: Int {
        switch self {
        case .string(let bytes): return bytes.count + 16
        case .list(let list): return list.bytes + 32
        case .hash(let hash): return hash.bytes + 48
        case .set(let set): return set.bytes + 48
        case .zset(let zset): return zset.bytes + 64
        }
    }
}

/// Per-element overhead assumed by the memory estimate (header of the byte array plus the
/// container's slot).
let elementOverhead = 24

/// A list: a deque of byte strings.
final class ListValue {
    // Unchecked exclusivity: pushed and popped by the hot list commands on the engine's one
    // thread, never re-entered during an access (see BrokerEngine).
    @exclusivity(unchecked) private(set) var items: Deque<[UInt8]> = []
    @exclusivity(unchecked) private(set) var bytes = 0

    var count: Int { items.count }

    func pushFront(_ item: [UInt8]) {
        items.prepend(item)
        bytes += item.count + elementOverhead
    }

    func pushBack(_ item: [UInt8]) {
        items.append(item)
        bytes += item.count + elementOverhead
    }

    func popFront() -> [UInt8]? {
        guard let item = items.popFirst() else { return nil }
        bytes -= item.count + elementOverhead
        return item
    }

    func popBack() -> [UInt8]? {
        guard let item = items.popLast() else { return nil }
        bytes -= item.count + elementOverhead
        return item
    }

    func replace(at index: Int, with item: [UInt8]) {
        bytes += item.count - items[index].count
        items[index] = item
    }

    /// Replaces the whole content (LREM, LTRIM).
    func replaceAll(_ newItems: Deque<[UInt8]>) {
        items = newItems
        bytes = newItems.reduce(0) { $0 + $1.count + elementOverhead }
    }
}

/// A hash: field → value.
///
/// Redis keeps a small hash (at most 128 fields, none of its fields or values over 64 bytes)
/// as a listpack and answers HGETALL, HKEYS, HVALS and HSCAN in insertion order; a larger one
/// in no particular order, and it never converts back. This keeps that order as long as Redis
/// would, so replies match redis-server's.
final class HashValue {
    private(set) var table = SlottedTable<[UInt8]>()
    /// The fields in insertion order while the hash is listpack-sized; nil after.
    private(set) var insertionOrder: [[UInt8]]? = []
    private(set) var bytes = 0

    /// Redis's `hash-max-listpack-entries` and `hash-max-listpack-value`.
    static let compactEntries = 128
    static let compactValueBytes = 64

    var count: Int { table.count }

    /// Whether Redis would hold this hash as a listpack.
    var isCompact: Bool { insertionOrder != nil }

    subscript(field: [UInt8]) -> [UInt8]? { table[field] }

    /// Sets a field; returns true when the field is new.
    @discardableResult
    func set(_ field: [UInt8], _ value: [UInt8]) -> Bool {
        if value.count > Self.compactValueBytes { insertionOrder = nil }
        if let old = table.updateValue(value, forKey: field) {
            bytes += value.count - old.count
            return false
        }
        bytes += field.count + value.count + 2 * elementOverhead
        if table.count > Self.compactEntries || field.count > Self.compactValueBytes {
            insertionOrder = nil
        } else {
            insertionOrder?.append(field)
        }
        return true
    }

    /// Removes a field; returns true when it existed.
    @discardableResult
    func remove(_ field: [UInt8]) -> Bool {
        guard let old = table.removeValue(forKey: field) else { return false }
        bytes -= field.count + old.count + 2 * elementOverhead
        if let index = insertionOrder?.firstIndex(of: field) { insertionOrder?.remove(at: index) }
        return true
    }

    /// The fields and values, in the order Redis answers them.
    var pairs: [(field: [UInt8], value: [UInt8])] {
        if let order = insertionOrder { return order.map { ($0, table[$0] ?? []) } }
        return table.elements.map { ($0.key, $0.value) }
    }

    /// One HSCAN page of a hash Redis would hold as a hash table: O(`count`).
    func scan(from cursor: UInt64, count: Int) -> (items: [[UInt8]], next: UInt64) {
        let page = table.scan(from: cursor, count: count)
        return (page.keys, page.next)
    }
}

/// A set of byte strings.
///
/// Redis 7.0 keeps a set of at most 512 integers as an intset and answers it in ascending
/// numeric order; any other set in no particular order, never converting back. The order
/// follows Redis's while it would be an intset.
final class SetValue {
    private(set) var table = SlottedTable<Void>()
    /// Whether Redis would hold this set as an intset.
    private(set) var isIntset = true
    private(set) var bytes = 0

    /// Redis's `set-max-intset-entries`.
    static let intsetEntries = 512

    var count: Int { table.count }

    func contains(_ member: [UInt8]) -> Bool { table.contains(member) }

    @discardableResult
    func insert(_ member: [UInt8]) -> Bool {
        guard table.updateValue((), forKey: member) == nil else { return false }
        bytes += member.count + elementOverhead
        if isIntset, table.count > Self.intsetEntries || ArgumentParsing.integer(member) == nil { isIntset = false }
        return true
    }

    @discardableResult
    func remove(_ member: [UInt8]) -> Bool {
        guard table.removeValue(forKey: member) != nil else { return false }
        bytes -= member.count + elementOverhead
        return true
    }

    /// The members, in the order Redis answers them.
    var members: [[UInt8]] {
        guard isIntset else { return Array(table.keys) }
        return table.keys.sorted { (ArgumentParsing.integer($0) ?? 0) < (ArgumentParsing.integer($1) ?? 0) }
    }

    /// One SSCAN page of a set Redis would hold as a hash table: O(`count`).
    func scan(from cursor: UInt64, count: Int) -> (items: [[UInt8]], next: UInt64) {
        let page = table.scan(from: cursor, count: count)
        return (page.keys, page.next)
    }
}
