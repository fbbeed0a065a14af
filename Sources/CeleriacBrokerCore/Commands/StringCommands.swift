import CeleriacRESP

/// GET SET SETEX PSETEX SETNX GETDEL MGET MSET INCR INCRBY DECR DECRBY APPEND STRLEN.
extension BrokerEngine {
    func getCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        replyBulk(try stringValue(call.client.db, call.args[1]), call)
    }

    func setCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        var condition: SetCondition = .always
        var returnOld = false
        var keepTTL = false
        var expireUnit: ExpireUnit?
        var expireArgument: [UInt8] = []
        var index = 3
        let db = call.client.db
        // Repeating an option is allowed; combining exclusive ones is a syntax error (Redis 7.0).
        while index < call.args.count {
            let option = call.args[index]
            let hasNext = index + 1 < call.args.count
            if ArgumentParsing.matches(option, "nx"), condition != .ifExists {
                condition = .ifMissing
            } else if ArgumentParsing.matches(option, "xx"), condition != .ifMissing {
                condition = .ifExists
            } else if ArgumentParsing.matches(option, "get") {
                returnOld = true
            } else if ArgumentParsing.matches(option, "keepttl"), expireUnit == nil {
                keepTTL = true
            } else if let unit = ExpireUnit(option), !keepTTL, expireUnit == nil || expireUnit == unit, hasNext {
                expireUnit = unit
                index += 1
                expireArgument = call.args[index]
            } else {
                throw CommandError.syntax
            }
            index += 1
        }
        let expireAt = try expireUnit?.absoluteMilliseconds(expireArgument, now: nowMillis, command: "set")
        let key = call.args[1]
        let old = lookup(db, key)
        var oldBytes: [UInt8]?
        if returnOld, let old {
            guard case .string(let bytes) = old else { throw CommandError.wrongType }
            oldBytes = bytes
        }
        if condition == .ifMissing && old != nil || condition == .ifExists && old == nil {
            return replyBulk(returnOld ? oldBytes : nil, call)
        }
        // SET accounts its own memory (see CommandFlags.accountsOwnMemory): the old entry's
        // size from the value in hand, the new one's from what is stored.
        let sizeBefore = old.map { entrySize(db, key, $0) } ?? 0
        let value = StoredValue.string(call.args[2])
        writeString(db, key, call.args[2], expireAt: expireAt, keepTTL: keepTTL)
        usedMemory += entrySize(db, key, value) - sizeBefore
        // The record is built only when there is a log to take it.
        if appendOnlySink != nil {
            if let expireAt {
                call.propagateAs = [[Array("SET".utf8), key, call.args[2], Array("PXAT".utf8), ArgumentParsing.bytes(expireAt)]]
            } else {
                var record = [Array("SET".utf8), key, call.args[2]]
                if keepTTL { record.append(Array("KEEPTTL".utf8)) }
                call.propagateAs = [record]
            }
        }
        return returnOld ? replyBulk(oldBytes, call) : replyOK(call)
    }

    /// Stores a string and signals the change; an absolute expiry is set when given.
    func writeString(_ db: Int, _ key: [UInt8], _ value: [UInt8], expireAt: Int64?, keepTTL: Bool = false) {
        store(db, key, .string(value), keepTTL: keepTTL)
        if let expireAt { setExpiry(db, key, at: expireAt) }
        signalModified(db, key)
    }

    func setexCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let unit: ExpireUnit = ArgumentParsing.matches(call.args[0], "psetex") ? .milliseconds : .seconds
        let name = unit == .milliseconds ? "psetex" : "setex"
        let expireAt = try unit.absoluteMilliseconds(call.args[2], now: nowMillis, command: name)
        let key = call.args[1]
        writeString(call.client.db, key, call.args[3], expireAt: expireAt)
        call.propagateAs = [[Array("SET".utf8), key, call.args[3], Array("PXAT".utf8), ArgumentParsing.bytes(expireAt)]]
        return .reply(.ok)
    }

    func setnxCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        guard lookup(db, call.args[1]) == nil else { return .reply(.integer(0)) }
        writeString(db, call.args[1], call.args[2], expireAt: nil)
        return .reply(.integer(1))
    }

    func getdelCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        guard let value = try stringValue(db, call.args[1]) else { return .reply(.null) }
        removeKey(db, call.args[1])
        signalModified(db, call.args[1])
        call.propagateAs = [[Array("DEL".utf8), call.args[1]]]
        return .reply(.bulkString(value))
    }

    func mgetCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let values: [RESPValue] = call.args.dropFirst().map { key in
            if case .string(let bytes)? = lookup(db, key) { return .bulkString(bytes) }
            return .null
        }
        return .reply(.array(values))
    }

    func msetCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.args.count % 2 == 1 else { throw CommandError.arity("mset") }
        for index in stride(from: 1, to: call.args.count, by: 2) {
            writeString(call.client.db, call.args[index], call.args[index + 1], expireAt: nil)
        }
        return .reply(.ok)
    }

    func incrCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let name = ArgumentParsing.lowercased(call.args[0])
        var delta: Int64
        switch name {
        case "incr": delta = 1
        case "decr": delta = -1
        case "incrby": delta = try ArgumentParsing.requireInteger(call.args[2])
        default:
            delta = try ArgumentParsing.requireInteger(call.args[2])
            guard delta != Int64.min else { throw CommandError("ERR decrement would overflow") }
            delta = -delta
        }
        let db = call.client.db
        let key = call.args[1]
        var current: Int64 = 0
        if let bytes = try stringValue(db, key) {
            guard let number = ArgumentParsing.integer(bytes) else { throw CommandError.notInteger }
            current = number
        }
        let (result, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { throw CommandError.overflow }
        store(db, key, .string(ArgumentParsing.bytes(result)), keepTTL: true)
        signalModified(db, key)
        return .reply(.integer(result))
    }

    func appendCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        let key = call.args[1]
        let value = (try stringValue(db, key) ?? []) + call.args[2]
        store(db, key, .string(value), keepTTL: true)
        signalModified(db, key)
        return .reply(.integer(Int64(value.count)))
    }

    func strlenCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(Int64(try stringValue(call.client.db, call.args[1])?.count ?? 0)))
    }
}

/// SET's NX / XX.
enum SetCondition {
    case always, ifMissing, ifExists
}

/// EX / PX / EXAT / PXAT: how an expiry argument is expressed.
enum ExpireUnit {
    case seconds, milliseconds, unixSeconds, unixMilliseconds

    init?(_ option: [UInt8]) {
        if ArgumentParsing.matches(option, "ex") {
            self = .seconds
        } else if ArgumentParsing.matches(option, "px") {
            self = .milliseconds
        } else if ArgumentParsing.matches(option, "exat") {
            self = .unixSeconds
        } else if ArgumentParsing.matches(option, "pxat") {
            self = .unixMilliseconds
        } else {
            return nil
        }
    }

    /// The absolute time in milliseconds; Redis refuses non-positive values and overflows.
    func absoluteMilliseconds(_ argument: [UInt8], now: Int64, command: String) throws(CommandError) -> Int64 {
        let value = try ArgumentParsing.requireInteger(argument)
        guard value > 0 else { throw CommandError.invalidExpire(command) }
        switch self {
        case .seconds:
            let (milliseconds, overflowA) = value.multipliedReportingOverflow(by: 1000)
            let (absolute, overflowB) = milliseconds.addingReportingOverflow(now)
            guard !overflowA, !overflowB else { throw CommandError.invalidExpire(command) }
            return absolute
        case .milliseconds:
            let (absolute, overflow) = value.addingReportingOverflow(now)
            guard !overflow else { throw CommandError.invalidExpire(command) }
            return absolute
        case .unixSeconds:
            let (milliseconds, overflow) = value.multipliedReportingOverflow(by: 1000)
            guard !overflow else { throw CommandError.invalidExpire(command) }
            return milliseconds
        case .unixMilliseconds:
            return value
        }
    }
}
