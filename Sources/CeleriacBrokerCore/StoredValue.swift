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
    private(set) var items: Deque<[UInt8]> = []
    private(set) var bytes = 0

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
final class HashValue {
    private(set) var fields: [[UInt8]: [UInt8]] = [:]
    private(set) var bytes = 0

    var count: Int { fields.count }

    subscript(field: [UInt8]) -> [UInt8]? { fields[field] }

    /// Sets a field; returns true when the field is new.
    @discardableResult
    func set(_ field: [UInt8], _ value: [UInt8]) -> Bool {
        if let old = fields.updateValue(value, forKey: field) {
            bytes += value.count - old.count
            return false
        }
        bytes += field.count + value.count + 2 * elementOverhead
        return true
    }

    /// Removes a field; returns true when it existed.
    @discardableResult
    func remove(_ field: [UInt8]) -> Bool {
        guard let old = fields.removeValue(forKey: field) else { return false }
        bytes -= field.count + old.count + 2 * elementOverhead
        return true
    }
}

/// A set of byte strings.
final class SetValue {
    private(set) var members: Set<[UInt8]> = []
    private(set) var bytes = 0

    var count: Int { members.count }

    func contains(_ member: [UInt8]) -> Bool { members.contains(member) }

    @discardableResult
    func insert(_ member: [UInt8]) -> Bool {
        guard members.insert(member).inserted else { return false }
        bytes += member.count + elementOverhead
        return true
    }

    @discardableResult
    func remove(_ member: [UInt8]) -> Bool {
        guard members.remove(member) != nil else { return false }
        bytes -= member.count + elementOverhead
        return true
    }
}
