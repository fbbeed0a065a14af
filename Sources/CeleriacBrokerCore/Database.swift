/// One of the numbered databases (`SELECT n`): the keys, and the absolute expiry times of the
/// keys that have one (milliseconds since the epoch).
final class Database {
    let index: Int
    // Unchecked exclusivity: touched by every command, confined to the engine's thread, and no
    // access spans a call that reaches the same table (see BrokerEngine).
    @exclusivity(unchecked) var entries = SlottedTable<StoredValue>()
    @exclusivity(unchecked) var expires = ByteKeyedTable<Int64>()

    init(index: Int) {
        self.index = index
    }

    var count: Int { entries.count }
}

/// A key in a given database, for wait lists and WATCH tables that span databases.
struct DatabaseKey: Hashable {
    var db: Int
    var key: [UInt8]

    /// One pass over the bytes (see ``ByteKey``).
    func hash(into hasher: inout Hasher) {
        hasher.combine(db)
        key.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: DatabaseKey, rhs: DatabaseKey) -> Bool {
        lhs.db == rhs.db && ByteKey(lhs.key) == ByteKey(rhs.key)
    }
}
