import CeleriacBrokerCore
import CeleriacRESP
import CeleriacTestSupport
import Testing

/// CONFIG SET / GET / RESETSTAT / REWRITE: the replies and error texts of redis-server 7.0,
/// compared with a real one, and the engine's side of each change.
@Suite(.serialized) struct ConfigCommandTests {
    /// Commands both answer the same way (every parameter here exists in both).
    static let script: [[String]] = [
        ["CONFIG", "SET", "foo", "bar"],
        ["CONFIG", "SET", "maxmemory"],
        ["CONFIG", "SET", "maxmemory", "1", "timeout"],
        ["CONFIG", "SET", "maxmemory", "abc"],
        ["CONFIG", "SET", "maxmemory", "-1"],
        ["CONFIG", "SET", "maxmemory", "1.5"],
        ["CONFIG", "SET", "maxmemory", "10mb"],
        ["CONFIG", "GET", "maxmemory"],
        ["CONFIG", "SET", "MAXMEMORY", "1gb"],
        ["CONFIG", "GET", "maxmemory"],
        ["CONFIG", "SET", "maxmemory", "5", "maxmemory", "6"],
        ["CONFIG", "SET", "maxmemory", "7", "nosuch", "1", "timeout", "x"],
        ["CONFIG", "SET", "maxmemory", "8", "timeout", "x"],
        ["CONFIG", "GET", "maxmemory"],
        ["CONFIG", "SET", "maxmemory", "0"],
        ["CONFIG", "SET", "maxclients", "0"],
        ["CONFIG", "SET", "maxclients", "500"],
        ["CONFIG", "GET", "maxclients"],
        ["CONFIG", "SET", "appendfsync", "bogus"],
        ["CONFIG", "SET", "appendfsync", "ALWAYS"],
        ["CONFIG", "GET", "appendfsync"],
        ["CONFIG", "SET", "appendfsync", "everysec"],
        ["CONFIG", "SET", "appendonly", "maybe"],
        ["CONFIG", "SET", "timeout", "-1"],
        ["CONFIG", "SET", "timeout", "2147483648"],
        ["CONFIG", "SET", "timeout", "30"],
        ["CONFIG", "GET", "timeout"],
        ["CONFIG", "SET", "timeout", "0"],
        ["CONFIG", "SET", "busy-reply-threshold", "x"],
        ["CONFIG", "SET", "lua-time-limit", "200"],
        ["CONFIG", "GET", "busy-reply-threshold"],
        ["CONFIG", "SET", "lua-time-limit", "100", "busy-reply-threshold", "300"],
        ["CONFIG", "SET", "busy-reply-threshold", "5000"],
        ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
        ["CONFIG", "SET", "databases", "4"],
        ["CONFIG", "SET", "requirepass", "secret"],
        ["CONFIG", "GET", "requirepass"],
        ["CONFIG", "SET", "requirepass", ""],
        ["CONFIG", "GET", "requirepass"],
        ["CONFIG", "REWRITE"],
        ["CONFIG", "REWRITE", "extra"],
        ["CONFIG", "RESETSTAT"],
        ["CONFIG", "RESETSTAT", "extra"],
        ["CONFIG", "NOSUCH"],
        ["CONFIG"],
        ["CONFIG", "GET"],
    ]

    @Test func configRepliesMatchRedisServer() throws {
        try withRedisServer { redis, _ in
            let mismatches = try mismatchesAgainstRedis(Self.script, redis: redis)
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        }
    }

    @Test func configSetChangesTheEngine() {
        let h = EngineHarness()
        let c = h.client()
        // maxmemory takes effect at once: writes are refused over the limit.
        h.run(c, "SET", "k", String(repeating: "x", count: 1000))
        #expect(h.run(c, "CONFIG", "SET", "maxmemory", "100") == .ok)
        #expect(h.run(c, "SET", "k2", "v") == .error("OOM command not allowed when used memory > 'maxmemory'."))
        #expect(h.run(c, "CONFIG", "SET", "maxmemory", "0") == .ok)
        #expect(h.run(c, "SET", "k2", "v") == .ok)
        // requirepass: new connections must authenticate; this one stays authenticated.
        #expect(h.run(c, "CONFIG", "SET", "requirepass", "pw") == .ok)
        #expect(h.run(c, "GET", "k2") == .bulk("v"))
        let other = h.client()
        #expect(h.run(other, "GET", "k2") == .error("NOAUTH Authentication required."))
        #expect(h.run(other, "AUTH", "pw") == .ok)
        #expect(h.run(other, "GET", "k2") == .bulk("v"))
        #expect(h.run(c, "CONFIG", "SET", "requirepass", "") == .ok)
        #expect(h.run(h.client(), "GET", "k2") == .bulk("v"))
        // RESETSTAT zeroes INFO's counters.
        h.run(c, "CONFIG", "RESETSTAT")
        guard case .verbatimString(_, let text) = h.run(c, "INFO", "stats") else {
            Issue.record("INFO did not answer text")
            return
        }
        #expect(String(decoding: text, as: UTF8.self).contains("keyspace_hits:0\r\n"))
    }

    @Test func configSetIsAllOrNothing() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "CONFIG", "SET", "maxmemory", "1000", "maxclients", "0")
            == .error("ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"))
        #expect(h.run(c, "CONFIG", "GET", "maxmemory") == .map([RESPPair(.bulk("maxmemory"), .bulk("0"))]))
        // The server's hook may refuse too; the engine then keeps the old values.
        h.engine.configurationDidChange = { _ in ("appendonly", "cannot open the log") }
        #expect(h.run(c, "CONFIG", "SET", "appendonly", "yes", "maxmemory", "5")
            == .error("ERR CONFIG SET failed (possibly related to argument 'appendonly') - cannot open the log"))
        #expect(h.run(c, "CONFIG", "GET", "appendonly") == .map([RESPPair(.bulk("appendonly"), .bulk("no"))]))
        #expect(h.run(c, "CONFIG", "GET", "maxmemory") == .map([RESPPair(.bulk("maxmemory"), .bulk("0"))]))
    }

    @Test func idleClientsAreClosedAfterTheTimeout() {
        let h = EngineHarness()
        let idle = h.client()
        let busy = h.client()
        let subscriber = h.client()
        h.run(subscriber, "SUBSCRIBE", "news")
        _ = h.events()
        #expect(h.run(busy, "CONFIG", "SET", "timeout", "2") == .ok)
        h.clock.advance(milliseconds: 1500)
        h.run(busy, "PING")
        h.engine.runTimers()
        #expect(h.events().isEmpty)
        h.clock.advance(milliseconds: 1500)
        h.engine.runTimers()
        #expect(h.events() == [.disconnect(idle)])
        // Told once, not on every tick.
        h.clock.advance(milliseconds: 1500)
        h.engine.runTimers()
        #expect(h.events() == [.disconnect(busy)])
    }
}
