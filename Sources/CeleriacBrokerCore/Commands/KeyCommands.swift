import CeleriacRESP

/// DEL UNLINK EXISTS TYPE EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL PERSIST KEYS SCAN RENAME.
extension BrokerEngine {
    func delCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        var deleted: Int64 = 0
        for key in call.args.dropFirst() {
            expireIfNeeded(db, key)
            if removeKey(db, key) {
                signalModified(db, key)
                deleted += 1
            }
        }
        return .reply(.integer(deleted))
    }

    func existsCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let count = call.args.dropFirst().reduce(Int64(0)) { $0 + (lookup(db, $1) == nil ? 0 : 1) }
        return .reply(.integer(count))
    }

    func typeCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.simpleString(lookup(call.client.db, call.args[1])?.typeName ?? "none"))
    }

    func expireCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let name = ArgumentParsing.lowercased(call.args[0])
        let unit: ExpireUnit
        switch name {
        case "expire": unit = .seconds
        case "pexpire": unit = .milliseconds
        case "expireat": unit = .unixSeconds
        default: unit = .unixMilliseconds
        }
        let value = try ArgumentParsing.requireInteger(call.args[2])
        var nx = false, xx = false, gt = false, lt = false
        for option in call.args.dropFirst(3) {
            if ArgumentParsing.matches(option, "nx") {
                nx = true
            } else if ArgumentParsing.matches(option, "xx") {
                xx = true
            } else if ArgumentParsing.matches(option, "gt") {
                gt = true
            } else if ArgumentParsing.matches(option, "lt") {
                lt = true
            } else {
                throw CommandError("ERR Unsupported option \(String(decoding: option, as: UTF8.self))")
            }
        }
        if nx && (xx || gt || lt) {
            throw CommandError("ERR NX and XX, GT or LT options at the same time are not compatible")
        }
        if gt && lt { throw CommandError("ERR GT and LT options at the same time are not compatible") }
        var milliseconds = value
        if unit == .seconds || unit == .unixSeconds {
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 1000)
            guard !overflow else { throw CommandError.invalidExpire(name) }
            milliseconds = scaled
        }
        if unit == .seconds || unit == .milliseconds {
            let (absolute, overflow) = milliseconds.addingReportingOverflow(nowMillis)
            guard !overflow else { throw CommandError.invalidExpire(name) }
            milliseconds = absolute
        }
        let db = call.client.db
        let key = call.args[1]
        guard lookup(db, key) != nil else { return .reply(.integer(0)) }
        let current = expiry(db, key)
        if nx && current != nil || xx && current == nil { return .reply(.integer(0)) }
        if gt {
            // A key without a TTL counts as an infinite TTL.
            guard let current, milliseconds > current else { return .reply(.integer(0)) }
        }
        if lt, let current, milliseconds >= current { return .reply(.integer(0)) }
        if milliseconds <= nowMillis && !loading {
            removeKey(db, key)
            signalModified(db, key)
            call.propagateAs = [[Array("DEL".utf8), key]]
            return .reply(.integer(1))
        }
        setExpiry(db, key, at: milliseconds)
        signalModified(db, key)
        call.propagateAs = [[Array("PEXPIREAT".utf8), key, ArgumentParsing.bytes(milliseconds)]]
        return .reply(.integer(1))
    }

    func ttlCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let key = call.args[1]
        guard lookup(db, key) != nil else { return .reply(.integer(-2)) }
        guard let deadline = expiry(db, key) else { return .reply(.integer(-1)) }
        let remaining = max(0, deadline - nowMillis)
        let inMilliseconds = ArgumentParsing.matches(call.args[0], "pttl")
        // Rounded to the nearest second without `remaining + 500`, which could overflow.
        return .reply(.integer(inMilliseconds ? remaining : remaining / 1000 + (remaining % 1000 >= 500 ? 1 : 0)))
    }

    func persistCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let key = call.args[1]
        guard lookup(db, key) != nil, expiry(db, key) != nil else { return .reply(.integer(0)) }
        database(db).expires[key] = nil
        signalModified(db, key)
        return .reply(.integer(1))
    }

    func keysCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let pattern = call.args[1]
        let matchAll = pattern == [UInt8(ascii: "*")]
        var result: [RESPValue] = []
        for key in Array(database(db).entries.keys) where matchAll || GlobMatch.matches(pattern: pattern, string: key) {
            if !expireIfNeeded(db, key) { result.append(.bulkString(key)) }
        }
        return .reply(.array(result))
    }

    func scanCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let cursor = try ScanCursor.parse(call.args[1])
        let options = try ScanOptions.parse(call.args, from: 2, allowType: true)
        let page = database(db).entries.scan(from: cursor, count: options.count)
        var keys: [RESPValue] = []
        for key in page.keys {
            if expireIfNeeded(db, key) { continue }
            if let pattern = options.pattern, !GlobMatch.matches(pattern: pattern, string: key) { continue }
            if let type = options.type, database(db).entries[key]?.typeName != type { continue }
            keys.append(.bulkString(key))
        }
        return .reply(.array([.bulk(String(page.next)), .array(keys)]))
    }

    func renameCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let source = call.args[1]
        let target = call.args[2]
        guard let value = lookup(db, source) else { throw CommandError.noSuchKey }
        if source == target { return .reply(.ok) }
        let deadline = expiry(db, source)
        removeKey(db, source)
        expireIfNeeded(db, target)
        store(db, target, value)
        if let deadline { setExpiry(db, target, at: deadline) }
        signalModified(db, source)
        signalModified(db, target)
        if case .list = value { signalReady(db, target) }
        return .reply(.ok)
    }
}
