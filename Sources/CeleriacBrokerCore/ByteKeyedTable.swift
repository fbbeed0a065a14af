#if canImport(Glibc)
import Glibc
#endif

/// A byte string as a dictionary key, hashed in one pass. `[UInt8]`'s own hashing feeds the
/// hasher one byte at a time, which profiles showed as the broker's largest single cost.
struct ByteKey: Hashable {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
        lhs.bytes.count == rhs.bytes.count && lhs.bytes.withUnsafeBytes { left in
            rhs.bytes.withUnsafeBytes { right in
                guard let a = left.baseAddress, let b = right.baseAddress else { return left.count == 0 }
                return memcmp(a, b, left.count) == 0
            }
        }
    }
}

/// A dictionary keyed by byte strings, with the `[UInt8]`-keyed surface the commands use and
/// `ByteKey`'s hashing underneath.
struct ByteKeyedTable<Value> {
    private(set) var storage: [ByteKey: Value] = [:]

    var count: Int { storage.count }
    var isEmpty: Bool { storage.isEmpty }

    /// The keys, as byte strings.
    var keys: LazyMapSequence<Dictionary<ByteKey, Value>.Keys, [UInt8]> { storage.keys.lazy.map(\.bytes) }

    subscript(key: [UInt8]) -> Value? {
        get { storage[ByteKey(key)] }
        set { storage[ByteKey(key)] = newValue }
    }

    @discardableResult
    mutating func removeValue(forKey key: [UInt8]) -> Value? {
        storage.removeValue(forKey: ByteKey(key))
    }

    mutating func removeAll() { storage.removeAll() }
}
