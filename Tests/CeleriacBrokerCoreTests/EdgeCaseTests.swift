import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct EdgeCaseTests {
    @Test func extremeExpiryTimesDoNotOverflow() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "SET", "k", "v")
        #expect(h.run(c, "PEXPIREAT", "k", "9223372036854775807") == .integer(1))
        let remaining = Int64.max - h.clock.microseconds / 1000
        #expect(h.run(c, "TTL", "k") == .integer(remaining / 1000 + (remaining % 1000 >= 500 ? 1 : 0)))
        #expect(h.run(c, "EXPIRE", "k", "9223372036854775807") == .error("ERR invalid expire time in 'expire' command"))
        #expect(h.run(c, "SET", "k", "v", "EX", "9223372036854775807") == .error("ERR invalid expire time in 'set' command"))
        #expect(h.run(c, "LRANGE", "k2", "-9223372036854775808", "9223372036854775807") == [])
        h.run(c, "RPUSH", "l", "a", "b")
        #expect(h.run(c, "LRANGE", "l", "-9223372036854775808", "9223372036854775807") == ["a", "b"])
        #expect(h.run(c, "LREM", "l", "-9223372036854775808", "a") == .integer(1))
        #expect(h.run(c, "BLPOP", "x", "1e300") == .error("ERR timeout is not a float or out of range"))
    }

    @Test func selfReferencingAndHugeLuaTables() {
        let h = EngineHarness()
        let c = h.client()
        let nested = h.run(c, "EVAL", "local t = {} t[1] = t return t", "0")
        // Nesting is cut off instead of recursing forever.
        var depth = 0
        var value = nested
        while case .array(let items) = value, let first = items.first {
            depth += 1
            value = first
        }
        #expect(depth > 10 && depth < 100)
        guard case .array(let big) = h.run(c, "EVAL", "local t = {} for i = 1, 100000 do t[i] = i end return t", "0") else {
            Issue.record("a large table is an array reply")
            return
        }
        #expect(big.count == 100_000)
        #expect(h.run(c, "EVAL", "return redis.call(unpack({'ping'}))", "0") == .status("PONG"))
        // Metamethods that raise must never run from Swift (reading err/ok uses raw access).
        let hostile = "return setmetatable({1, 2}, {__index = function() error('boom') end})"
        #expect(h.run(c, "EVAL", hostile, "0") == [1, 2])
        let hostileError = "error(setmetatable({}, {__index = function() error('boom') end}))"
        #expect(h.run(c, "EVAL", hostileError, "0").isError)
        #expect(h.run(c, "PING") == .status("PONG"))
    }
}
