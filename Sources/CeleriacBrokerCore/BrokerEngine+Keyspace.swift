import CeleriacRESP

/// Typed access to the keyspace with lazy expiry, used by every command family.
extension BrokerEngine {
    /// Deletes `key` when its expiry time has passed; returns true when it did. The deletion
    /// is logged as `DEL` (as Redis propagates expiries) and invalidates WATCHes.
    @discardableResult
    func expireIfNeeded(_ db: Int, _ key: [UInt8]) -> Bool {
        let database = database(db)
        guard !loading, !database.expires.isEmpty, let deadline = database.expires[key], deadline < nowMillis else { return false }
        usedMemory -= approximateSize(db, key)
        database.entries[key] = nil
        database.expires[key] = nil
        stats.expiredKeys += 1
        touchWatchedKey(DatabaseKey(db: db, key: key))
        pendingRecords.append((db, [Array("DEL".utf8), key]))
        return true
    }

    /// The live value of `key`, expiring it first when due.
    func lookup(_ db: Int, _ key: [UInt8]) -> StoredValue? {
        expireIfNeeded(db, key)
        let value = database(db).entries[key]
        if value == nil { stats.keyspaceMisses += 1 } else { stats.keyspaceHits += 1 }
        return value
    }

    func stringValue(_ db: Int, _ key: [UInt8]) throws(CommandError) -> [UInt8]? {
        guard let value = lookup(db, key) else { return nil }
        guard case .string(let bytes) = value else { throw .wrongType }
        return bytes
    }

    func listValue(_ db: Int, _ key: [UInt8]) throws(CommandError) -> ListValue? {
        guard let value = lookup(db, key) else { return nil }
        guard case .list(let list) = value else { throw .wrongType }
        return list
    }

    func hashValue(_ db: Int, _ key: [UInt8]) throws(CommandError) -> HashValue? {
        guard let value = lookup(db, key) else { return nil }
        guard case .hash(let hash) = value else { throw .wrongType }
        return hash
    }

    func setValue(_ db: Int, _ key: [UInt8]) throws(CommandError) -> SetValue? {
        guard let value = lookup(db, key) else { return nil }
        guard case .set(let set) = value else { throw .wrongType }
        return set
    }

    func zsetValue(_ db: Int, _ key: [UInt8]) throws(CommandError) -> SortedSetValue? {
        guard let value = lookup(db, key) else { return nil }
        guard case .zset(let zset) = value else { throw .wrongType }
        return zset
    }

    /// The list at `key`, created empty when missing (the caller must add to it).
    func listForWriting(_ db: Int, _ key: [UInt8]) throws(CommandError) -> ListValue {
        if let list = try listValue(db, key) { return list }
        let list = ListValue()
        database(db).entries[key] = .list(list)
        return list
    }

    func hashForWriting(_ db: Int, _ key: [UInt8]) throws(CommandError) -> HashValue {
        if let hash = try hashValue(db, key) { return hash }
        let hash = HashValue()
        database(db).entries[key] = .hash(hash)
        return hash
    }

    func setForWriting(_ db: Int, _ key: [UInt8]) throws(CommandError) -> SetValue {
        if let set = try setValue(db, key) { return set }
        let set = SetValue()
        database(db).entries[key] = .set(set)
        return set
    }

    func zsetForWriting(_ db: Int, _ key: [UInt8]) throws(CommandError) -> SortedSetValue {
        if let zset = try zsetValue(db, key) { return zset }
        let zset = SortedSetValue()
        database(db).entries[key] = .zset(zset)
        return zset
    }

    /// Stores a value, replacing whatever was there; the expiry is cleared unless `keepTTL`.
    func store(_ db: Int, _ key: [UInt8], _ value: StoredValue, keepTTL: Bool = false) {
        let database = database(db)
        database.entries[key] = value
        if !keepTTL && !database.expires.isEmpty { database.expires[key] = nil }
    }

    /// Removes a key and its expiry; returns true when it existed. Does not signal.
    @discardableResult
    func removeKey(_ db: Int, _ key: [UInt8]) -> Bool {
        let database = database(db)
        guard database.entries.removeValue(forKey: key) != nil else { return false }
        if !database.expires.isEmpty { database.expires[key] = nil }
        return true
    }

    /// Removes an aggregate that a command emptied: Redis never keeps empty lists, hashes,
    /// sets or sorted sets.
    func removeIfEmpty(_ db: Int, _ key: [UInt8], count: Int) {
        if count == 0 { removeKey(db, key) }
    }

    /// Milliseconds since the epoch at which `key` expires, if it has an expiry.
    func expiry(_ db: Int, _ key: [UInt8]) -> Int64? {
        database(db).expires[key]
    }

    func setExpiry(_ db: Int, _ key: [UInt8], at milliseconds: Int64) {
        database(db).expires[key] = milliseconds
        scheduleExpiry(db, key, at: milliseconds)
    }
}
