import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct AppendOnlyLogTests {
    @Test func recordsAreRewrittenLikeRedis7() {
        let h = EngineHarness(logging: true)
        let c = h.client()
        let now = h.clock.microseconds / 1000
        h.run(c, "SET", "a", "1", "EX", "10", "NX")
        h.run(c, "SETEX", "b", "5", "x")
        h.run(c, "EXPIRE", "a", "100")
        h.run(c, "GET", "a")
        h.run(c, "SADD", "s", "m")
        h.run(c, "SADD", "s", "m")
        h.run(c, "GETDEL", "b")
        h.run(c, "RPUSH", "q", "x")
        h.run(c, "BRPOP", "q", "1")
        h.run(c, "SELECT", "3")
        h.run(c, "SET", "c", "1", "GET")
        h.run(c, "MULTI")
        h.run(c, "INCR", "n")
        h.run(c, "LLEN", "q")
        h.run(c, "INCR", "n")
        h.run(c, "EXEC")
        h.run(c, "MULTI")
        h.run(c, "INCR", "n")
        h.run(c, "EXEC")
        h.run(c, "EXPIRE", "n", "-1")
        h.run(c, "FLUSHDB")
        #expect(h.sink.lines == [
            "SELECT 0",
            "SET a 1 PXAT \(now + 10_000)",
            "SET b x PXAT \(now + 5000)",
            "PEXPIREAT a \(now + 100_000)",
            "SADD s m",
            "DEL b",
            "RPUSH q x",
            "RPOP q",
            "SELECT 3",
            "SET c 1",
            "MULTI", "INCR n", "INCR n", "EXEC",
            "INCR n",
            "DEL n",
            "FLUSHDB",
        ])
    }

    @Test func roundTripReproducesTheDataset() throws {
        let source = EngineHarness(logging: true)
        let c = source.client()
        var generator = SeededGenerator(seed: 42)
        for step in 0..<3000 {
            let key = "k\(Int.random(in: 0..<40, using: &generator))"
            let value = "v\(step)"
            switch Int.random(in: 0..<14, using: &generator) {
            case 0: source.run(c, "SET", key, value)
            case 1: source.run(c, "SET", key, value, "PX", String(Int.random(in: 1..<5000, using: &generator)))
            case 2: source.run(c, "LPUSH", "l" + key, value)
            case 3: source.run(c, "RPOP", "l" + key)
            case 4: source.run(c, "HSET", "h" + key, "f\(step % 7)", value)
            case 5: source.run(c, "HDEL", "h" + key, "f\(step % 7)")
            case 6: source.run(c, "SADD", "s" + key, value)
            case 7: source.run(c, "ZADD", "z" + key, String(Double(step) / 7), value)
            case 8: source.run(c, "ZREM", "z" + key, "v\(step - 1)")
            case 9: source.run(c, "DEL", key)
            case 10: source.run(c, "EXPIRE", "h" + key, String(Int.random(in: 1..<5, using: &generator)))
            case 11: source.run(c, "SELECT", String(Int.random(in: 0..<3, using: &generator)))
            case 12: source.run(c, "EVAL", "redis.call('incr', KEYS[1]); return redis.call('rpush', KEYS[2], ARGV[1])", "2", "n" + key, "l" + key, value)
            default:
                source.run(c, "MULTI")
                source.run(c, "INCRBY", "n" + key, "3")
                source.run(c, "LMOVE", "l" + key, "m" + key, "LEFT", "RIGHT")
                source.run(c, "EXEC")
            }
            if step % 100 == 0 {
                source.clock.advance(milliseconds: 250)
                source.engine.runTimers()
            }
        }
        let log = AppendOnlyLog.encode(source.sink.records)
        let target = EngineHarness()
        target.clock.microseconds = source.clock.microseconds
        let report = try target.engine.replay(log)
        #expect(report.truncatedBytes == 0)
        #expect(report.validLength == log.count)
        #expect(datasetDifference(target.engine, source.engine) == nil)
        #expect(target.engine.usedMemory == source.engine.usedMemory)

        // A rewrite is itself a log that rebuilds the same dataset.
        let compacted = AppendOnlyLog.encode(source.engine.rewrite())
        #expect(compacted.count < log.count)
        let fromRewrite = EngineHarness()
        fromRewrite.clock.microseconds = source.clock.microseconds
        _ = try fromRewrite.engine.replay(compacted)
        #expect(datasetDifference(fromRewrite.engine, source.engine) == nil)
    }

    @Test func truncatedLastRecordIsReportedNotApplied() throws {
        let log = AppendOnlyLog.encode([["SET", "a", "1"], ["SET", "b", "2"], ["SET", "c", "3"]].map { $0.map { Array($0.utf8) } })
        let cut = Array(log.dropLast(5))
        let h = EngineHarness()
        let report = try h.engine.replay(cut)
        let lastStart = AppendOnlyLog.encode([["SET", "a", "1"], ["SET", "b", "2"]].map { $0.map { Array($0.utf8) } }).count
        #expect(report == ReplayReport(recordsApplied: 2, validLength: lastStart, truncatedBytes: cut.count - lastStart))
        let c = h.client()
        #expect(h.run(c, "MGET", "a", "b", "c") == ["1", "2", .null])
    }

    @Test func unfinishedTransactionIsTreatedAsTruncated() throws {
        let records = [["SET", "a", "1"], ["MULTI"], ["SET", "b", "2"]].map { $0.map { Array($0.utf8) } }
        let log = AppendOnlyLog.encode(records)
        let h = EngineHarness()
        let report = try h.engine.replay(log)
        let multiStart = AppendOnlyLog.encode([records[0]]).count
        #expect(report.validLength == multiStart)
        #expect(report.truncatedBytes == log.count - multiStart)
        let c = h.client()
        #expect(h.run(c, "MGET", "a", "b") == ["1", .null])
    }

    @Test func corruptionNamesTheByteOffset() {
        let first = AppendOnlyLog.encode([Array("SET".utf8), Array("a".utf8), Array("1".utf8)])
        var log = first + AppendOnlyLog.encode([Array("SET".utf8), Array("b".utf8), Array("2".utf8)])
        // Damage the length line of the second record's first argument: "$3" → "$x".
        let damaged = first.count + 5
        #expect(log[damaged] == UInt8(ascii: "3"))
        log[damaged] = UInt8(ascii: "x")
        let h = EngineHarness()
        #expect(throws: ReplayError.self) { try h.engine.replay(log) }
        do {
            _ = try h.engine.replay(log)
        } catch {
            #expect(error.offset == damaged)
            #expect(error.description.contains("at byte \(damaged)"))
        }
        let unknown = AppendOnlyLog.encode([Array("FROB".utf8), Array("a".utf8)])
        do {
            _ = try EngineHarness().engine.replay(first + unknown)
            Issue.record("an unknown command must fail the replay")
        } catch {
            #expect(error.offset == first.count)
        }
        do {
            _ = try EngineHarness().engine.replay(first + Array(":12\r\n".utf8))
            Issue.record("a non-array record must fail the replay")
        } catch {
            #expect(error.offset == first.count)
        }
    }

    @Test func rotationMakesTheNextRecordSelectItsDatabase() {
        let h = EngineHarness(logging: true)
        let c = h.client()
        h.run(c, "SET", "a", "1")
        _ = h.engine.rewrite()
        h.run(c, "SET", "b", "2")
        h.engine.appendOnlyLogDidRotate()
        h.run(c, "SET", "c", "3")
        #expect(h.sink.lines == ["SELECT 0", "SET a 1", "SET b 2", "SELECT 0", "SET c 3"])
    }

    @Test func rewriteIsMinimalAndCarriesExpiries() {
        let h = EngineHarness()
        let c = h.client()
        let now = h.clock.microseconds / 1000
        h.run(c, "SET", "s", "v", "PX", "5000")
        for index in 0..<130 { h.run(c, "RPUSH", "q", String(index)) }
        h.run(c, "ZADD", "z", "1.5", "a")
        h.run(c, "SELECT", "2")
        h.run(c, "HSET", "h", "f", "v")
        let lines = h.engine.rewrite().map { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ") }
        #expect(lines.count == 9)
        #expect(lines[0] == "SELECT 0")
        #expect(lines[1].hasPrefix("RPUSH q 0 1 2"))
        #expect(lines[4] == "SET s v")
        #expect(lines[5] == "PEXPIREAT s \(now + 5000)")
        #expect(lines[6] == "ZADD z 1.5 a")
        #expect(lines[7...] == ["SELECT 2", "HSET h f v"])
    }
}
