import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct ExpiryTests {
    @Test func lazyExpiryOnAccess() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "SETEX", "celery-task-meta-1", "10", "{}")
        h.clock.advance(milliseconds: 9_999)
        #expect(h.run(c, "GET", "celery-task-meta-1") == "{}")
        // As in Redis (`now > when`), a key lives through its expiry millisecond.
        h.clock.advance(milliseconds: 1)
        #expect(h.run(c, "GET", "celery-task-meta-1") == "{}")
        #expect(h.run(c, "PTTL", "celery-task-meta-1") == .integer(0))
        h.engine.runTimers()
        #expect(h.engine.keyCount() == 1)
        h.clock.advance(milliseconds: 1)
        #expect(h.run(c, "GET", "celery-task-meta-1") == .null)
        #expect(h.engine.keyCount() == 0)
    }

    @Test func activeCycleRemovesDueKeysAndLogsThem() {
        let h = EngineHarness(logging: true)
        let c = h.client()
        for index in 0..<100 { h.run(c, "SET", "k\(index)", "v", "PX", String(100 + index)) }
        h.run(c, "SET", "forever", "v")
        h.run(c, "SET", "k5", "rewritten")
        // Due: the keys whose time (100…150 ms) has passed, k5 (no expiry now) aside.
        h.clock.advance(milliseconds: 151)
        h.sink.records.removeAll()
        h.engine.runTimers()
        #expect(h.engine.keyCount() == 51)
        #expect(h.sink.lines.count == 50)
        #expect(h.sink.lines.allSatisfy { $0.hasPrefix("DEL k") })
        h.clock.advance(milliseconds: 1000)
        h.engine.runTimers()
        #expect(h.engine.keyCount() == 2)
        #expect(h.run(c, "GET", "k5") == "rewritten")
    }

    @Test func expiredKeysAreInvisible() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "RPUSH", "q", "a")
        h.run(c, "PEXPIRE", "q", "10")
        h.clock.advance(milliseconds: 11)
        #expect(h.run(c, "LLEN", "q") == .integer(0))
        #expect(h.run(c, "KEYS", "*") == [])
        #expect(h.run(c, "EXISTS", "q") == .integer(0))
        #expect(h.run(c, "TTL", "q") == .integer(-2))
    }
}

@Suite struct MemoryTests {
    @Test func usedMemoryFollowsTheDataset() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.engine.usedMemory == 0)
        let payload = String(repeating: "x", count: 1000)
        for index in 0..<100 { h.run(c, "LPUSH", "q", payload + String(index)) }
        let afterPush = h.engine.usedMemory
        #expect(afterPush > 100_000)
        for _ in 0..<100 { h.run(c, "RPOP", "q") }
        #expect(h.engine.usedMemory == 0)
        h.run(c, "HSET", "h", "f", payload)
        h.run(c, "SET", "s", payload, "PX", "10")
        #expect(h.engine.usedMemory > 2000)
        h.clock.advance(milliseconds: 11)
        h.engine.runTimers()
        h.run(c, "HDEL", "h", "f")
        #expect(h.engine.usedMemory == 0)
    }

    @Test func writesAreRefusedPastMaxMemory() {
        let h = EngineHarness(configuration: .init(maxMemory: 10_000))
        let c = h.client()
        let payload = String(repeating: "x", count: 4000)
        #expect(h.run(c, "SET", "a", payload) == .ok)
        #expect(h.run(c, "SET", "b", payload) == .ok)
        #expect(h.run(c, "SET", "c", payload) == .ok)
        #expect(h.run(c, "SET", "d", payload) == .error("OOM command not allowed when used memory > 'maxmemory'."))
        #expect(h.run(c, "LPUSH", "q", "x") == .error("OOM command not allowed when used memory > 'maxmemory'."))
        #expect(h.run(c, "EVAL", "return redis.call('set', 'e', 'x')", "0").errorMessage?.hasPrefix("OOM command not allowed") == true)
        // Reads and deletions still work, and free memory.
        #expect(h.run(c, "GET", "a") == .bulk(payload))
        #expect(h.run(c, "DEL", "a", "b") == .integer(2))
        #expect(h.run(c, "SET", "d", payload) == .ok)
        h.run(c, "MULTI")
        h.run(c, "SET", "e", payload)
        h.run(c, "SET", "f", payload)
        #expect(h.run(c, "EXEC") == [.ok, .error("OOM command not allowed when used memory > 'maxmemory'.")])
    }

    /// While the server says the log cannot be written or synced, replies must not claim
    /// durability: writes (also inside scripts and transactions) and PING get Redis's
    /// MISCONF; reads go on; everything works again once the disk does.
    @Test func writesAreRefusedWhileTheLogFails() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "SET", "a", "1") == .ok)
        h.engine.persistenceFailure = "No space left on device"
        let refusal = RESPValue.error("MISCONF Errors writing to the AOF file: No space left on device")
        #expect(h.run(c, "SET", "b", "2") == refusal)
        #expect(h.run(c, "LPUSH", "q", "x") == refusal)
        #expect(h.run(c, "PING") == refusal)
        #expect(h.run(c, "EVAL", "return redis.call('set', 'e', 'x')", "0").errorMessage?.hasPrefix("MISCONF Errors writing") == true)
        #expect(h.run(c, "GET", "a") == .bulk("1"))
        #expect(h.run(c, "LLEN", "q") == .integer(0))
        h.run(c, "MULTI")
        #expect(h.run(c, "SET", "f", "x") == refusal)
        #expect(h.run(c, "EXEC").errorMessage?.hasPrefix("EXECABORT") == true)
        h.engine.persistenceFailure = nil
        #expect(h.run(c, "SET", "b", "2") == .ok)
        #expect(h.run(c, "PING") == .simpleString("PONG"))
    }
}
