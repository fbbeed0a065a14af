import CeleriacRESP

/// HSET HSETNX HGET HMGET HDEL HGETALL HLEN HEXISTS HKEYS HVALS HINCRBY HSCAN.
extension BrokerEngine {
    func hsetCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let isHmset = ArgumentParsing.matches(call.args[0], "hmset")
        guard call.args.count % 2 == 0 else { throw CommandError.arity(isHmset ? "hmset" : "hset") }
        let db = call.client.db
        let hash = try hashForWriting(db, call.args[1])
        var created: Int64 = 0
        for index in stride(from: 2, to: call.args.count, by: 2) where hash.set(call.args[index], call.args[index + 1]) {
            created += 1
        }
        signalModified(db, call.args[1])
        return .reply(isHmset ? .ok : .integer(created))
    }

    func hsetnxCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        if let hash = try hashValue(db, call.args[1]), hash[call.args[2]] != nil { return .reply(.integer(0)) }
        try hashForWriting(db, call.args[1]).set(call.args[2], call.args[3])
        signalModified(db, call.args[1])
        return .reply(.integer(1))
    }

    func hgetCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard let value = try hashValue(call.client.db, call.args[1])?[call.args[2]] else { return .reply(.null) }
        return .reply(.bulkString(value))
    }

    func hmgetCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let hash = try hashValue(call.client.db, call.args[1])
        return .reply(.array(call.args.dropFirst(2).map { field in hash?[field].map { .bulkString($0) } ?? .null }))
    }

    func hdelCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        guard let hash = try hashValue(db, call.args[1]) else { return .reply(.integer(0)) }
        var removed: Int64 = 0
        for field in call.args.dropFirst(2) where hash.remove(field) { removed += 1 }
        removeIfEmpty(db, call.args[1], count: hash.count)
        if removed > 0 { signalModified(db, call.args[1], changes: removed) }
        return .reply(.integer(removed))
    }

    func hgetallCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let hash = try hashValue(call.client.db, call.args[1])
        let pairs = (hash?.pairs ?? []).map { RESPPair(.bulkString($0.field), .bulkString($0.value)) }
        return .reply(.map(pairs))
    }

    func hlenCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(Int64(try hashValue(call.client.db, call.args[1])?.count ?? 0)))
    }

    func hexistsCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(try hashValue(call.client.db, call.args[1])?[call.args[2]] == nil ? 0 : 1))
    }

    func hkeysCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let hash = try hashValue(call.client.db, call.args[1])
        let wantKeys = ArgumentParsing.matches(call.args[0], "hkeys")
        return .reply(.array((hash?.pairs ?? []).map { .bulkString(wantKeys ? $0.field : $0.value) }))
    }

    func hincrbyCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let delta = try ArgumentParsing.requireInteger(call.args[3])
        let db = call.client.db
        var current: Int64 = 0
        if let existing = try hashValue(db, call.args[1])?[call.args[2]] {
            guard let number = ArgumentParsing.integer(existing) else { throw CommandError("ERR hash value is not an integer") }
            current = number
        }
        let (result, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { throw CommandError.overflow }
        try hashForWriting(db, call.args[1]).set(call.args[2], ArgumentParsing.bytes(result))
        signalModified(db, call.args[1])
        return .reply(.integer(result))
    }

    func hscanCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let cursor = try ScanCursor.parse(call.args[2])
        let options = try ScanOptions.parse(call.args, from: 3, allowType: false)
        guard let hash = try hashValue(call.client.db, call.args[1]) else {
            return .reply(.array([.bulk("0"), .array([])]))
        }
        // A listpack-sized hash comes back whole, in order, with cursor 0, as from Redis.
        let page = hash.isCompact
            ? (items: hash.pairs.map(\.field), next: UInt64(0))
            : hash.scan(from: cursor, count: options.count)
        var items: [RESPValue] = []
        for field in page.items {
            if let pattern = options.pattern, !GlobMatch.matches(pattern: pattern, string: field) { continue }
            items.append(.bulkString(field))
            items.append(.bulkString(hash[field] ?? []))
        }
        return .reply(.array([.bulk(String(page.next)), .array(items)]))
    }
}
