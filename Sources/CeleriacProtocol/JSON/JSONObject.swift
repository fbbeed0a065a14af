/// A JSON object whose members keep their order, like a Python `dict`.
///
/// Celery messages are small objects (a few dozen keys at most), so members live in a plain
/// array: lookups scan it, which is faster than hashing for this size and keeps order for free.
public struct JSONObject: Sendable, Hashable {
    /// One member of an object.
    public struct Member: Sendable, Hashable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// A member with this key and value.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members, in order.
    public private(set) var members: [Member]

    /// An empty object.
    public init() {
        members = []
    }

    /// An object of these members; a repeated key keeps its first position and its last value,
    /// as a Python dict built from the same pairs would.
    public init(_ pairs: [(String, JSONValue)]) {
        members = []
        members.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// Members taken as they are, without the repeated-key check (the parser has done it).
    init(uncheckedMembers: [Member]) {
        members = uncheckedMembers
    }

    /// The number of members.
    public var count: Int { members.count }

    /// True when the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// The position of `key`, or nil.
    public func index(of key: String) -> Int? {
        // Comparing lengths first skips most full string comparisons.
        let length = key.utf8.count
        return members.firstIndex { $0.key.utf8.count == length && $0.key == key }
    }

    /// The value of `key`. Setting a new key appends it; setting an existing key replaces the
    /// value in place (as Python's `dict.__setitem__`); setting nil removes the key.
    public subscript(key: String) -> JSONValue? {
        get {
            // By position: `for member in members` copies each member, retaining and releasing
            // its value, for every key compared on the way (a message's headers are looked up
            // key by key).
            guard let position = index(of: key) else { return nil }
            return members[position].value
        }
        set {
            if let position = index(of: key) {
                if let newValue {
                    members[position].value = newValue
                } else {
                    members.remove(at: position)
                }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Sets `key`, inserting a new key just after the last of `predecessors` present in the
    /// object, so optional fields land where Python would have put them.
    public mutating func set(_ key: String, _ value: JSONValue, after predecessors: [String]) {
        if let position = index(of: key) {
            members[position].value = value
            return
        }
        var insertAt = 0
        for (position, member) in members.enumerated() where predecessors.contains(member.key) {
            insertAt = position + 1
        }
        members.insert(Member(key: key, value: value), at: insertAt)
    }

    /// Removes `key` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = index(of: key) else { return nil }
        return members.remove(at: position).value
    }

    /// Appends a member without checking for a repeated key (for builders that know better).
    mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    /// Reserves room for `count` members.
    mutating func reserveCapacity(_ count: Int) {
        members.reserveCapacity(count)
    }
}

extension JSONObject {
    /// Sets or removes `key`, placing a new key where `order` (the sender's key order) says it
    /// belongs relative to the keys already present. Keys already present keep their place.
    public mutating func setOrdered(_ key: String, _ value: JSONValue?, order: [String]) {
        guard let value else {
            removeValue(forKey: key)
            return
        }
        guard let rank = order.firstIndex(of: key) else {
            self[key] = value
            return
        }
        set(key, value, after: Array(order[..<rank]))
    }
}
