import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct HashAndSetCommandTests {
    @Test func hashes() {
        let h = EngineHarness()
        let c = h.client()
        let c3 = h.client(resp3: true)
        #expect(h.run(c, "HSET", "h", "a", "1", "b", "2") == .integer(2))
        #expect(h.run(c, "HSET", "h", "a", "3") == .integer(0))
        #expect(h.run(c, "HSET", "h", "a") == .error("ERR wrong number of arguments for 'hset' command"))
        #expect(h.run(c, "HSETNX", "h", "a", "9") == .integer(0))
        #expect(h.run(c, "HGET", "h", "a") == "3")
        #expect(h.run(c, "HGET", "h", "z") == .null)
        #expect(h.run(c, "HMGET", "h", "a", "z") == ["3", .null])
        #expect(h.run(c, "HLEN", "h") == .integer(2))
        #expect(h.run(c, "HEXISTS", "h", "b") == .integer(1))
        #expect(h.run(c, "HINCRBY", "h", "b", "5") == .integer(7))
        h.run(c, "HSET", "h", "s", "x")
        #expect(h.run(c, "HINCRBY", "h", "s", "1") == .error("ERR hash value is not an integer"))
        #expect(h.run(c, "HDEL", "h", "s", "nope") == .integer(1))
        guard case .map(let pairs) = h.run(c3, "HGETALL", "h") else {
            Issue.record("HGETALL in RESP3 must be a map")
            return
        }
        #expect(Set(pairs) == [RESPPair("a", "3"), RESPPair("b", "7")])
        #expect(h.run(c3, "HGETALL", "missing") == .map([]))
        if case .array(let keys) = h.run(c, "HKEYS", "h") { #expect(Set(keys) == ["a", "b"]) } else { Issue.record("HKEYS") }
        if case .array(let values) = h.run(c, "HVALS", "h") { #expect(Set(values) == ["3", "7"]) } else { Issue.record("HVALS") }
        let scan = h.run(c, "HSCAN", "h", "0", "MATCH", "a")
        #expect(scan == ["0", ["a", "3"]])
        #expect(h.run(c, "HSCAN", "h", "0", "TYPE", "x") == .error("ERR syntax error"))
        #expect(h.run(c, "HDEL", "h", "a", "b") == .integer(2))
        #expect(h.run(c, "EXISTS", "h") == .integer(0))
    }

    @Test func sets() {
        let h = EngineHarness()
        let c = h.client()
        let c3 = h.client(resp3: true)
        #expect(h.run(c, "SADD", "s", "a", "b", "a") == .integer(2))
        #expect(h.run(c, "SISMEMBER", "s", "a") == .integer(1))
        #expect(h.run(c, "SISMEMBER", "s", "z") == .integer(0))
        #expect(h.run(c, "SCARD", "s") == .integer(2))
        guard case .set(let members) = h.run(c3, "SMEMBERS", "s") else {
            Issue.record("SMEMBERS is a RESP3 set")
            return
        }
        #expect(Set(members) == ["a", "b"])
        #expect(h.run(c3, "SMEMBERS", "none") == .set([]))
        // RESP2 encodes the set as an array.
        #expect(h.run(c, "SMEMBERS", "none").encoded(version: .v2) == Array("*0\r\n".utf8))
        let scan = h.run(c, "SSCAN", "s", "0", "COUNT", "100", "MATCH", "b")
        #expect(scan == ["0", ["b"]])
        #expect(h.run(c, "SREM", "s", "a", "b", "c") == .integer(2))
        #expect(h.run(c, "EXISTS", "s") == .integer(0))
    }
}

@Suite struct SortedSetCommandTests {
    @Test func zaddOptions() {
        let h = EngineHarness()
        let c = h.client()
        let c3 = h.client(resp3: true)
        #expect(h.run(c, "ZADD", "z", "1", "a", "2.5", "b") == .integer(2))
        #expect(h.run(c, "ZADD", "z", "GT", "CH", "3", "a") == .integer(1))
        #expect(h.run(c, "ZADD", "z", "GT", "CH", "1", "a") == .integer(0))
        #expect(h.run(c, "ZADD", "z", "LT", "2", "a") == .integer(0))
        #expect(h.run(c, "ZSCORE", "z", "a") == .double(2))
        #expect(h.run(c3, "ZADD", "z", "INCR", "1", "a") == .double(3))
        #expect(h.run(c, "ZADD", "z", "XX", "INCR", "1", "nope") == .null)
        #expect(h.run(c, "ZADD", "z", "NX", "XX", "1", "a") == .error("ERR XX and NX options at the same time are not compatible"))
        #expect(h.run(c, "ZADD", "z", "GT", "LT", "1", "a") == .error("ERR GT, LT, and/or NX options at the same time are not compatible"))
        #expect(h.run(c, "ZADD", "z", "INCR", "1", "a", "2", "b") == .error("ERR INCR option supports a single increment-element pair"))
        #expect(h.run(c, "ZADD", "z", "nan", "a") == .error("ERR value is not a valid float"))
        #expect(h.run(c, "ZADD", "z", "1") == .error("ERR wrong number of arguments for 'zadd' command"))
        #expect(h.run(c, "ZADD", "z", "1", "a", "2") == .error("ERR syntax error"))
        #expect(h.run(c, "ZINCRBY", "z", "x", "a") == .error("ERR value is not a valid float"))
        #expect(h.run(c3, "ZINCRBY", "z", "0.5", "a") == .double(3.5))
        #expect(h.run(c, "ZCARD", "z") == .integer(2))
        #expect(h.run(c, "ZREM", "z", "a", "x") == .integer(1))
    }

    @Test func rangesInBothProtocols() {
        let h = EngineHarness()
        let c2 = h.client()
        let c3 = h.client(resp3: true)
        h.run(c2, "ZADD", "z", "1", "a", "2", "b", "3", "c", "2", "bb")
        #expect(h.run(c2, "ZRANGE", "z", "0", "-1") == ["a", "b", "bb", "c"])
        #expect(h.run(c2, "ZRANGE", "z", "0", "1", "REV") == ["c", "bb"])
        #expect(h.run(c2, "ZREVRANGE", "z", "0", "1") == ["c", "bb"])
        #expect(h.run(c2, "ZRANGE", "z", "(1", "3", "BYSCORE") == ["b", "bb", "c"])
        #expect(h.run(c2, "ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2") == ["bb", "b"])
        #expect(h.run(c2, "ZRANGE", "z", "0", "0", "WITHSCORES").encoded(version: .v2) == Array("*2\r\n$1\r\na\r\n$1\r\n1\r\n".utf8))
        #expect(h.run(c3, "ZRANGE", "z", "0", "0", "WITHSCORES") == [["a", .double(1)]])
        // kombu's visibility restore: ZRANGE unacked_index <max> 0 BYSCORE REV WITHSCORES.
        h.run(c2, "ZADD", "unacked_index", "1795588804.680123", "tag1", "1795588805.5", "tag2")
        #expect(h.run(c3, "ZRANGE", "unacked_index", "1795588805", "0", "BYSCORE", "REV", "WITHSCORES") == [["tag1", .double(1795588804.680123)]])
        #expect(h.run(c2, "ZRANGE", "z", "x", "3", "BYSCORE") == .error("ERR min or max is not a float"))
        #expect(h.run(c2, "ZRANGE", "z", "0", "1", "LIMIT", "0", "1") == .error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"))
        #expect(h.run(c2, "ZRANGE", "z", "[a", "(bb", "BYLEX") == ["a", "b"])
        #expect(h.run(c2, "ZRANGE", "z", "a", "c", "BYLEX") == .error("ERR min or max not valid string range item"))
        #expect(h.run(c2, "ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", "1", "1").encoded(version: .v2) == Array("*2\r\n$1\r\nb\r\n$1\r\n2\r\n".utf8))
        #expect(h.run(c2, "ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1") == .error("ERR syntax error"))
        #expect(h.run(c2, "ZREVRANGEBYSCORE", "z", "+inf", "2") == ["c", "bb", "b"])
        #expect(h.run(c2, "ZRANGEBYSCORE", "z", "-inf", "2", "LIMIT", "0", "-1") == ["a", "b", "bb"])
        #expect(h.run(c2, "ZCOUNT", "z", "(1", "3") == .integer(3))
        #expect(h.run(c2, "ZREMRANGEBYSCORE", "z", "(2", "+inf") == .integer(1))
        #expect(h.run(c2, "ZPOPMIN", "z").encoded(version: .v3) == Array("*2\r\n$1\r\na\r\n,1\r\n".utf8))
        #expect(h.run(c3, "ZPOPMIN", "z", "5") == [["b", .double(2)], ["bb", .double(2)]])
        #expect(h.run(c2, "ZPOPMIN", "z") == [])
        #expect(h.run(c2, "EXISTS", "z") == .integer(0))
    }

    @Test func largeSetKeepsOrderAndRanks() {
        let h = EngineHarness()
        let c = h.client()
        var generator = SeededGenerator(seed: 7)
        var expected: [String: Double] = [:]
        for index in 0..<20_000 {
            let score = Double(Int.random(in: 0..<5000, using: &generator))
            expected["m\(index)"] = score
            h.run(c, "ZADD", "big", String(score), "m\(index)")
        }
        for index in stride(from: 0, to: 20_000, by: 3) {
            h.run(c, "ZREM", "big", "m\(index)")
            expected["m\(index)"] = nil
        }
        #expect(h.run(c, "ZCARD", "big") == .integer(Int64(expected.count)))
        let sorted = expected.sorted { $0.value != $1.value ? $0.value < $1.value : Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        let reply = h.run(c, "ZRANGE", "big", "100", "109")
        #expect(reply == .array(sorted[100..<110].map { .bulk($0.key) }))
        let inRange = expected.values.filter { $0 >= 1000 && $0 < 2000 }.count
        #expect(h.run(c, "ZCOUNT", "big", "1000", "(2000") == .integer(Int64(inRange)))
    }
}

/// A small deterministic generator (SplitMix64) for reproducible randomized tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
