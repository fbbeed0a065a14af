import CeleriacRESP
import DequeModule

/// LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LREM LTRIM LSET LMOVE RPOPLPUSH.
extension BrokerEngine {
    func pushCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        // LPUSH RPUSH LPUSHX RPUSHX, told apart by their first and last letters (any case).
        let front = (call.args[0].first ?? 0) | 0x20 == UInt8(ascii: "l")
        let onlyIfExists = (call.args[0].last ?? 0) | 0x20 == UInt8(ascii: "x")
        let db = call.client.db
        let key = call.args[1]
        // The pushes account their own memory (CommandFlags.accountsOwnMemory): the list's
        // growth, plus the entry itself when the list is new.
        let existing = try listValue(db, key)
        if onlyIfExists && existing == nil { return replyInteger(0, call) }
        let list: ListValue
        if let existing {
            list = existing
        } else {
            list = ListValue()
            database(db).entries[key] = .list(list)
        }
        let bytesBefore = list.bytes
        for index in 2..<call.args.count {
            if front { list.pushFront(call.args[index]) } else { list.pushBack(call.args[index]) }
        }
        usedMemory += existing == nil ? entrySize(db, key, .list(list)) : list.bytes - bytesBefore
        signalModified(db, key, changes: Int64(call.args.count - 2))
        signalReady(db, key)
        return replyInteger(Int64(list.count), call)
    }

    func popCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let front = (call.args[0].first ?? 0) | 0x20 == UInt8(ascii: "l")
        let db = call.client.db
        let key = call.args[1]
        guard call.args.count <= 3 else { throw CommandError.syntax }
        var count: Int64?
        if call.args.count == 3 {
            let value = try ArgumentParsing.requireInteger(call.args[2])
            guard value >= 0 else { throw CommandError.notPositive }
            count = value
        }
        guard let list = try listValue(db, key) else { return replyBulk(nil, call) }
        // The pops account their own memory (CommandFlags.accountsOwnMemory): the list's
        // shrinking, or the whole entry when it goes.
        let sizeBefore = entrySize(db, key, .list(list))
        let bytesBefore = list.bytes
        defer { usedMemory -= list.count == 0 ? sizeBefore : bytesBefore - list.bytes }
        guard let count else {
            let item = front ? list.popFront() : list.popBack()
            removeIfEmpty(db, key, count: list.count)
            signalModified(db, key)
            return replyBulk(item, call)
        }
        var items: [RESPValue] = []
        while Int64(items.count) < count, let item = front ? list.popFront() : list.popBack() {
            items.append(.bulkString(item))
        }
        removeIfEmpty(db, key, count: list.count)
        if !items.isEmpty { signalModified(db, key, changes: Int64(items.count)) }
        return .reply(.array(items))
    }

    func llenCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(Int64(try listValue(call.client.db, call.args[1])?.count ?? 0)))
    }

    /// Resolves Redis's start/stop indices (negative from the end) to a clamped range.
    static func listRange(start: Int64, stop: Int64, count: Int) -> Range<Int>? {
        let length = Int64(count)
        var from = start < 0 ? length + start : start
        var to = stop < 0 ? length + stop : stop
        if from < 0 { from = 0 }
        guard from <= to, from < length else { return nil }
        if to >= length { to = length - 1 }
        return Int(from)..<Int(to + 1)
    }

    func lrangeCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let start = try ArgumentParsing.requireInteger(call.args[2])
        let stop = try ArgumentParsing.requireInteger(call.args[3])
        guard let list = try listValue(call.client.db, call.args[1]),
            let range = Self.listRange(start: start, stop: stop, count: list.count)
        else { return .reply(.array([])) }
        return .reply(.array(list.items[range].map { .bulkString($0) }))
    }

    func lindexCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        // Like Redis, the key is looked up before the index is parsed.
        guard let list = try listValue(call.client.db, call.args[1]) else { return .reply(.null) }
        let index = try ArgumentParsing.requireInteger(call.args[2])
        let position = index < 0 ? Int64(list.count) + index : index
        guard position >= 0, position < Int64(list.count) else { return .reply(.null) }
        return .reply(.bulkString(list.items[Int(position)]))
    }

    func lremCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let count = try ArgumentParsing.requireInteger(call.args[2])
        let db = call.client.db
        let key = call.args[1]
        let target = call.args[3]
        guard let list = try listValue(db, key) else { return .reply(.integer(0)) }
        var removed: Int64 = 0
        let limit = count == 0 ? Int64.max : count.magnitude > UInt64(Int64.max) ? Int64.max : abs(count)
        var kept = Deque<[UInt8]>()
        if count >= 0 {
            for item in list.items {
                if item == target && removed < limit { removed += 1 } else { kept.append(item) }
            }
        } else {
            for item in list.items.reversed() {
                if item == target && removed < limit { removed += 1 } else { kept.prepend(item) }
            }
        }
        guard removed > 0 else { return .reply(.integer(0)) }
        list.replaceAll(kept)
        removeIfEmpty(db, key, count: list.count)
        signalModified(db, key)
        return .reply(.integer(removed))
    }

    func ltrimCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let start = try ArgumentParsing.requireInteger(call.args[2])
        let stop = try ArgumentParsing.requireInteger(call.args[3])
        let db = call.client.db
        let key = call.args[1]
        guard let list = try listValue(db, key) else { return .reply(.ok) }
        if let range = Self.listRange(start: start, stop: stop, count: list.count) {
            list.replaceAll(Deque(list.items[range]))
        } else {
            list.replaceAll([])
        }
        removeIfEmpty(db, key, count: list.count)
        signalModified(db, key)
        return .reply(.ok)
    }

    func lsetCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        guard let list = try listValue(db, call.args[1]) else { throw CommandError.noSuchKey }
        let index = try ArgumentParsing.requireInteger(call.args[2])
        let position = index < 0 ? Int64(list.count) + index : index
        guard position >= 0, position < Int64(list.count) else { throw CommandError.indexOutOfRange }
        list.replace(at: Int(position), with: call.args[3])
        signalModified(db, call.args[1])
        return .reply(.ok)
    }

    func lmoveCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let (fromLeft, toLeft) = try Self.moveSides(call.args, fixedName: "rpoplpush")
        let moved = try moveListElement(
            db: call.client.db, source: call.args[1], destination: call.args[2], fromLeft: fromLeft, toLeft: toLeft)
        return .reply(moved.map { .bulkString($0) } ?? .null)
    }

    /// LEFT / RIGHT.
    /// The sides LMOVE/BLMOVE name in arguments 3 and 4, or the right-to-left of the older
    /// RPOPLPUSH/BRPOPLPUSH (`fixedName`), which take none.
    static func moveSides(_ args: [[UInt8]], fixedName: String) throws(CommandError) -> (fromLeft: Bool, toLeft: Bool) {
        if ArgumentParsing.matches(args[0], fixedName) { return (false, true) }
        return (try parseSide(args[3]), try parseSide(args[4]))
    }

    static func parseSide(_ argument: [UInt8]) throws(CommandError) -> Bool {
        if ArgumentParsing.matches(argument, "left") { return true }
        if ArgumentParsing.matches(argument, "right") { return false }
        throw CommandError.syntax
    }

    /// Pops from `source` and pushes onto `destination` (LMOVE's effect); nil when the source
    /// is empty. The destination's type is checked before anything moves.
    func moveListElement(
        db: Int, source: [UInt8], destination: [UInt8], fromLeft: Bool, toLeft: Bool
    ) throws(CommandError) -> [UInt8]? {
        guard let list = try listValue(db, source), list.count > 0 else { return nil }
        _ = try listValue(db, destination)
        guard let item = fromLeft ? list.popFront() : list.popBack() else { return nil }
        removeIfEmpty(db, source, count: list.count)
        signalModified(db, source)
        let target = try listForWriting(db, destination)
        if toLeft { target.pushFront(item) } else { target.pushBack(item) }
        signalModified(db, destination)
        signalReady(db, destination)
        return item
    }
}
