import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct StringCommandTests {
    @Test func getSetAndOptions() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "GET", "k") == .null)
        #expect(h.run(c, "SET", "k", "v") == .ok)
        #expect(h.run(c, "GET", "k") == "v")
        #expect(h.run(c, "SET", "k", "w", "NX") == .null)
        #expect(h.run(c, "SET", "k", "w", "XX", "GET") == "v")
        #expect(h.run(c, "SET", "n", "w", "XX") == .null)
        #expect(h.run(c, "SET", "k", "v", "NX", "XX") == .error("ERR syntax error"))
        #expect(h.run(c, "SET", "k", "v", "EX", "0") == .error("ERR invalid expire time in 'set' command"))
        #expect(h.run(c, "SET", "k", "v", "EX", "abc") == .error("ERR value is not an integer or out of range"))
        #expect(h.run(c, "SET", "k", "v", "EX", "10", "KEEPTTL") == .error("ERR syntax error"))
        #expect(h.run(c, "SET", "lock", "tok", "NX", "PX", "300000") == .ok)
        #expect(h.run(c, "PTTL", "lock") == .integer(300_000))
        #expect(h.run(c, "SET", "lock", "tok2", "NX", "PX", "300000") == .null)
        #expect(h.run(c, "SETEX", "r", "86400", "x") == .ok)
        #expect(h.run(c, "TTL", "r") == .integer(86400))
        #expect(h.run(c, "SETEX", "r", "-1", "x") == .error("ERR invalid expire time in 'setex' command"))
        #expect(h.run(c, "SET", "r", "y", "KEEPTTL") == .ok)
        #expect(h.run(c, "TTL", "r") == .integer(86400))
        #expect(h.run(c, "SET", "r", "y") == .ok)
        #expect(h.run(c, "TTL", "r") == .integer(-1))
    }

    @Test func countersAndMultiKey() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "INCR", "i") == .integer(1))
        #expect(h.run(c, "INCRBY", "i", "41") == .integer(42))
        #expect(h.run(c, "DECRBY", "i", "2") == .integer(40))
        #expect(h.run(c, "DECR", "i") == .integer(39))
        #expect(h.run(c, "SET", "i", "9223372036854775807") == .ok)
        #expect(h.run(c, "INCR", "i") == .error("ERR increment or decrement would overflow"))
        #expect(h.run(c, "DECRBY", "i", "-9223372036854775808") == .error("ERR decrement would overflow"))
        #expect(h.run(c, "SET", "s", "abc") == .ok)
        #expect(h.run(c, "INCR", "s") == .error("ERR value is not an integer or out of range"))
        #expect(h.run(c, "APPEND", "s", "de") == .integer(5))
        #expect(h.run(c, "STRLEN", "s") == .integer(5))
        #expect(h.run(c, "MSET", "a", "1", "b", "2") == .ok)
        #expect(h.run(c, "MSET", "a", "1", "b") == .error("ERR wrong number of arguments for 'mset' command"))
        #expect(h.run(c, "MGET", "a", "nope", "b") == ["1", .null, "2"])
        #expect(h.run(c, "SETNX", "a", "x") == .integer(0))
        #expect(h.run(c, "SETNX", "c", "x") == .integer(1))
        #expect(h.run(c, "GETDEL", "c") == "x")
        #expect(h.run(c, "EXISTS", "c") == .integer(0))
        #expect(h.run(c, "LPUSH", "l", "x") == .integer(1))
        #expect(h.run(c, "GET", "l") == .error("WRONGTYPE Operation against a key holding the wrong kind of value"))
        #expect(h.run(c, "MGET", "l") == [.null])
    }
}

@Suite struct KeyCommandTests {
    @Test func deleteExistsType() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "SET", "a", "1")
        h.run(c, "RPUSH", "l", "1")
        h.run(c, "HSET", "h", "f", "v")
        h.run(c, "SADD", "s", "m")
        h.run(c, "ZADD", "z", "1", "m")
        #expect(h.run(c, "TYPE", "a") == .status("string"))
        #expect(h.run(c, "TYPE", "l") == .status("list"))
        #expect(h.run(c, "TYPE", "h") == .status("hash"))
        #expect(h.run(c, "TYPE", "s") == .status("set"))
        #expect(h.run(c, "TYPE", "z") == .status("zset"))
        #expect(h.run(c, "TYPE", "none") == .status("none"))
        #expect(h.run(c, "EXISTS", "a", "a", "none") == .integer(2))
        #expect(h.run(c, "DEL", "a", "l", "none") == .integer(2))
        #expect(h.run(c, "UNLINK", "h") == .integer(1))
        #expect(h.run(c, "DBSIZE") == .integer(2))
    }

    @Test func expireFamilyAndTTL() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "SET", "k", "v")
        #expect(h.run(c, "EXPIRE", "k", "10", "foo") == .error("ERR Unsupported option foo"))
        #expect(h.run(c, "EXPIRE", "k", "10", "NX", "XX") == .error("ERR NX and XX, GT or LT options at the same time are not compatible"))
        #expect(h.run(c, "EXPIRE", "k", "10", "GT") == .integer(0))
        #expect(h.run(c, "EXPIRE", "k", "10") == .integer(1))
        #expect(h.run(c, "TTL", "k") == .integer(10))
        #expect(h.run(c, "PEXPIRE", "k", "1500") == .integer(1))
        #expect(h.run(c, "TTL", "k") == .integer(2))
        #expect(h.run(c, "PTTL", "k") == .integer(1500))
        let now = h.clock.microseconds / 1000
        #expect(h.run(c, "PEXPIREAT", "k", String(now + 5000)) == .integer(1))
        #expect(h.run(c, "EXPIREAT", "k", String(now / 1000 + 100)) == .integer(1))
        #expect(h.run(c, "PERSIST", "k") == .integer(1))
        #expect(h.run(c, "PERSIST", "k") == .integer(0))
        #expect(h.run(c, "TTL", "k") == .integer(-1))
        #expect(h.run(c, "TTL", "missing") == .integer(-2))
        #expect(h.run(c, "EXPIRE", "missing", "10") == .integer(0))
        #expect(h.run(c, "EXPIRE", "k", "-1") == .integer(1))
        #expect(h.run(c, "EXISTS", "k") == .integer(0))
    }

    @Test func keysScanRename() {
        let h = EngineHarness()
        let c = h.client()
        for index in 0..<50 { h.run(c, "SET", "key:\(index)", "v") }
        h.run(c, "SET", "other", "v")
        h.run(c, "RPUSH", "list:1", "x")
        if case .array(let keys) = h.run(c, "KEYS", "key:*") { #expect(keys.count == 50) } else { Issue.record("KEYS") }
        var cursor = "0"
        var seen = Set<String>()
        repeat {
            let reply = h.run(c, "SCAN", cursor, "MATCH", "key:*", "COUNT", "7")
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].string, let keys = parts[1].array else {
                Issue.record("bad SCAN reply \(reply)")
                return
            }
            for key in keys { seen.insert(key.string ?? "") }
            cursor = next
        } while cursor != "0"
        #expect(seen.count == 50)
        let typed = h.run(c, "SCAN", "0", "COUNT", "1000", "TYPE", "list")
        #expect(typed == ["0", ["list:1"]])
        #expect(h.run(c, "SCAN", "x") == .error("ERR invalid cursor"))
        #expect(h.run(c, "SCAN", "0", "MATCH") == .error("ERR syntax error"))
        #expect(h.run(c, "RENAME", "nokey", "a") == .error("ERR no such key"))
        h.run(c, "EXPIRE", "other", "100")
        #expect(h.run(c, "RENAME", "other", "renamed") == .ok)
        #expect(h.run(c, "TTL", "renamed") == .integer(100))
        #expect(h.run(c, "EXISTS", "other") == .integer(0))
    }
}
