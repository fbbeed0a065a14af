import CeleriacRESP

/// SADD SREM SMEMBERS SISMEMBER SCARD SSCAN.
extension BrokerEngine {
    func saddCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let set = try setForWriting(db, call.args[1])
        var added: Int64 = 0
        for member in call.args.dropFirst(2) where set.insert(member) { added += 1 }
        if added > 0 { signalModified(db, call.args[1], changes: added) }
        return .reply(.integer(added))
    }

    func sremCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        guard let set = try setValue(db, call.args[1]) else { return .reply(.integer(0)) }
        var removed: Int64 = 0
        for member in call.args.dropFirst(2) where set.remove(member) { removed += 1 }
        removeIfEmpty(db, call.args[1], count: set.count)
        if removed > 0 { signalModified(db, call.args[1], changes: removed) }
        return .reply(.integer(removed))
    }

    func smembersCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let members = try setValue(call.client.db, call.args[1])?.members ?? []
        return .reply(.set(members.map { .bulkString($0) }))
    }

    func sismemberCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(try setValue(call.client.db, call.args[1])?.contains(call.args[2]) == true ? 1 : 0))
    }

    func scardCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(Int64(try setValue(call.client.db, call.args[1])?.count ?? 0)))
    }

    func sscanCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let cursor = try ScanCursor.parse(call.args[2])
        let options = try ScanOptions.parse(call.args, from: 3, allowType: false)
        guard let set = try setValue(call.client.db, call.args[1]) else {
            return .reply(.array([.bulk("0"), .array([])]))
        }
        // An intset comes back whole, in order, with cursor 0, as from Redis.
        let page = set.isIntset ? (items: set.members, next: UInt64(0)) : set.scan(from: cursor, count: options.count)
        let items: [RESPValue] = page.items.compactMap { member in
            if let pattern = options.pattern, !GlobMatch.matches(pattern: pattern, string: member) { return nil }
            return .bulkString(member)
        }
        return .reply(.array([.bulk(String(page.next)), .array(items)]))
    }
}
