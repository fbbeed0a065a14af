import CeleriacRESP

/// ZADD ZREM ZRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZREMRANGEBYSCORE ZCARD ZSCORE ZINCRBY ZCOUNT
/// ZPOPMIN.
extension BrokerEngine {
    func zaddCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        var nx = false, xx = false, gt = false, lt = false, ch = false, incr = false
        var index = 2
        while index < call.args.count {
            let option = call.args[index]
            if ArgumentParsing.matches(option, "nx") {
                nx = true
            } else if ArgumentParsing.matches(option, "xx") {
                xx = true
            } else if ArgumentParsing.matches(option, "gt") {
                gt = true
            } else if ArgumentParsing.matches(option, "lt") {
                lt = true
            } else if ArgumentParsing.matches(option, "ch") {
                ch = true
            } else if ArgumentParsing.matches(option, "incr") {
                incr = true
            } else {
                break
            }
            index += 1
        }
        let pairCount = call.args.count - index
        guard pairCount > 0, pairCount % 2 == 0 else { throw CommandError.syntax }
        if nx && xx { throw CommandError("ERR XX and NX options at the same time are not compatible") }
        if (gt && nx) || (lt && nx) || (gt && lt) {
            throw CommandError("ERR GT, LT, and/or NX options at the same time are not compatible")
        }
        if incr && pairCount > 2 { throw CommandError("ERR INCR option supports a single increment-element pair") }
        var pairs: [(Double, [UInt8])] = []
        for position in stride(from: index, to: call.args.count, by: 2) {
            pairs.append((try ArgumentParsing.requireDouble(call.args[position]), call.args[position + 1]))
        }
        let db = call.client.db
        let key = call.args[1]
        if xx, try zsetValue(db, key) == nil {
            return .reply(incr ? .null : .integer(0))
        }
        let zset = try zsetForWriting(db, key)
        var added: Int64 = 0
        var updated: Int64 = 0
        var incrResult: Double?
        for (score, member) in pairs {
            if let current = zset.score(of: member) {
                if nx { continue }
                var newScore = score
                if incr {
                    newScore = current + score
                    guard !newScore.isNaN else {
                        removeIfEmpty(db, key, count: zset.count)
                        throw CommandError("ERR resulting score is not a number (NaN)")
                    }
                }
                if (gt && newScore <= current) || (lt && newScore >= current) { continue }
                incrResult = newScore
                if newScore != current {
                    zset.set(member, score: newScore)
                    updated += 1
                }
            } else {
                if xx { continue }
                zset.set(member, score: score)
                incrResult = score
                added += 1
            }
        }
        removeIfEmpty(db, key, count: zset.count)
        if added + updated > 0 { signalModified(db, key, changes: added + updated) }
        if incr { return .reply(incrResult.map { .double($0) } ?? .null) }
        return .reply(.integer(ch ? added + updated : added))
    }

    func zincrbyCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let delta = try ArgumentParsing.requireDouble(call.args[2])
        let db = call.client.db
        let key = call.args[1]
        let zset = try zsetForWriting(db, key)
        let newScore = (zset.score(of: call.args[3]) ?? 0) + delta
        guard !newScore.isNaN else {
            removeIfEmpty(db, key, count: zset.count)
            throw CommandError("ERR resulting score is not a number (NaN)")
        }
        zset.set(call.args[3], score: newScore)
        signalModified(db, key)
        return .reply(.double(newScore))
    }

    func zremCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let db = call.client.db
        guard let zset = try zsetValue(db, call.args[1]) else { return .reply(.integer(0)) }
        var removed: Int64 = 0
        for member in call.args.dropFirst(2) where zset.remove(member) { removed += 1 }
        removeIfEmpty(db, call.args[1], count: zset.count)
        if removed > 0 { signalModified(db, call.args[1], changes: removed) }
        return .reply(.integer(removed))
    }

    func zcardCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(Int64(try zsetValue(call.client.db, call.args[1])?.count ?? 0)))
    }

    func zscoreCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard let score = try zsetValue(call.client.db, call.args[1])?.score(of: call.args[2]) else { return .reply(.null) }
        return .reply(.double(score))
    }

    func zcountCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let range = try ScoreRange(min: call.args[2], max: call.args[3])
        guard let zset = try zsetValue(call.client.db, call.args[1]) else { return .reply(.integer(0)) }
        let bounds = range.positions(in: zset)
        return .reply(.integer(Int64(bounds.count)))
    }

    func zremrangebyscoreCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let range = try ScoreRange(min: call.args[2], max: call.args[3])
        let db = call.client.db
        guard let zset = try zsetValue(db, call.args[1]) else { return .reply(.integer(0)) }
        let doomed = zset.entries(range.positions(in: zset))
        for entry in doomed { zset.remove(entry.member) }
        removeIfEmpty(db, call.args[1], count: zset.count)
        if !doomed.isEmpty { signalModified(db, call.args[1], changes: Int64(doomed.count)) }
        return .reply(.integer(Int64(doomed.count)))
    }

    func zpopminCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.args.count <= 3 else { throw CommandError.syntax }
        var count = 1
        if call.args.count == 3 {
            let value = try ArgumentParsing.requireInteger(call.args[2])
            guard value >= 0 else { throw CommandError.notPositive }
            count = Int(min(value, Int64(Int32.max)))
        }
        let db = call.client.db
        guard let zset = try zsetValue(db, call.args[1]) else { return .reply(.array([])) }
        let popped = zset.entries(0..<min(count, zset.count))
        for entry in popped { zset.remove(entry.member) }
        removeIfEmpty(db, call.args[1], count: zset.count)
        if !popped.isEmpty { signalModified(db, call.args[1], changes: Int64(popped.count)) }
        let nested = call.args.count == 3 && call.resp3
        return .reply(.array(Self.scoredReply(popped, withScores: true, nested: nested)))
    }

    /// ZRANGE and its older spellings.
    func zrangeCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let name = ArgumentParsing.lowercased(call.args[0])
        var mode: ZRangeMode = .rank
        var reverse = false
        var withScores = false
        var limit: (offset: Int64, count: Int64)?
        if name == "zrangebyscore" { mode = .score }
        if name == "zrevrangebyscore" {
            mode = .score
            reverse = true
        }
        if name == "zrevrange" { reverse = true }
        var index = 4
        while index < call.args.count {
            let option = call.args[index]
            let remaining = call.args.count - index - 1
            if ArgumentParsing.matches(option, "withscores") {
                withScores = true
            } else if ArgumentParsing.matches(option, "limit"), remaining >= 2 {
                limit = (try ArgumentParsing.requireInteger(call.args[index + 1]), try ArgumentParsing.requireInteger(call.args[index + 2]))
                index += 2
            } else if name == "zrange", ArgumentParsing.matches(option, "byscore") {
                mode = .score
            } else if name == "zrange", ArgumentParsing.matches(option, "bylex") {
                mode = .lex
            } else if name == "zrange", ArgumentParsing.matches(option, "rev") {
                reverse = true
            } else {
                throw CommandError.syntax
            }
            index += 1
        }
        if limit != nil && mode == .rank {
            throw CommandError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
        }
        if withScores && mode == .lex {
            throw CommandError("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
        }
        let key = call.args[1]
        // With REV (and ZREVRANGEBYSCORE) the first bound is the high one.
        let low = reverse && mode != .rank ? call.args[3] : call.args[2]
        let high = reverse && mode != .rank ? call.args[2] : call.args[3]
        var entries: [ScoredMember]
        switch mode {
        case .rank:
            let start = try ArgumentParsing.requireInteger(call.args[2])
            let stop = try ArgumentParsing.requireInteger(call.args[3])
            guard let zset = try zsetValue(call.client.db, key),
                let range = Self.listRange(start: start, stop: stop, count: zset.count)
            else { return .reply(.array([])) }
            if reverse {
                let count = zset.count
                entries = zset.entries((count - range.upperBound)..<(count - range.lowerBound)).reversed()
            } else {
                entries = zset.entries(range)
            }
        case .score, .lex:
            let positions: Range<Int>
            let zsetOrNil: SortedSetValue?
            if mode == .score {
                let range = try ScoreRange(min: low, max: high)
                zsetOrNil = try zsetValue(call.client.db, key)
                positions = zsetOrNil.map { range.positions(in: $0) } ?? 0..<0
            } else {
                let range = try LexRange(min: low, max: high)
                zsetOrNil = try zsetValue(call.client.db, key)
                positions = zsetOrNil.map { range.positions(in: $0) } ?? 0..<0
            }
            guard let zset = zsetOrNil else { return .reply(.array([])) }
            var offset = 0
            var count = positions.count
            if let limit {
                guard limit.offset >= 0 else { return .reply(.array([])) }
                offset = Int(min(limit.offset, Int64(positions.count)))
                if limit.count >= 0 { count = Int(min(limit.count, Int64(positions.count))) }
            }
            let available = positions.count - offset
            let take = min(count, available)
            guard take > 0 else { return .reply(.array([])) }
            if reverse {
                let upper = positions.upperBound - offset
                entries = zset.entries((upper - take)..<upper).reversed()
            } else {
                let lower = positions.lowerBound + offset
                entries = zset.entries(lower..<(lower + take))
            }
        }
        return .reply(.array(Self.scoredReply(entries, withScores: withScores, nested: call.resp3)))
    }

    /// Members, or members with scores: flat `[m, s, ...]` in RESP2, `[[m, s], ...]` in RESP3.
    static func scoredReply(_ entries: [ScoredMember], withScores: Bool, nested: Bool) -> [RESPValue] {
        guard withScores else { return entries.map { .bulkString($0.member) } }
        if nested { return entries.map { .array([.bulkString($0.member), .double($0.score)]) } }
        return entries.flatMap { [RESPValue.bulkString($0.member), .double($0.score)] }
    }
}
