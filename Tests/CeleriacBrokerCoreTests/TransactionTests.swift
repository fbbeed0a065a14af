import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct TransactionTests {
    @Test func queueAndExecWithTypedReplies() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "MULTI") == .ok)
        #expect(h.run(c, "MULTI") == .error("ERR MULTI calls can not be nested"))
        #expect(h.run(c, "SET", "a", "1") == .status("QUEUED"))
        #expect(h.run(c, "LPUSH", "a", "x") == .status("QUEUED"))
        #expect(h.run(c, "EXEC") == [.ok, .error("WRONGTYPE Operation against a key holding the wrong kind of value")])
        #expect(h.run(c, "EXEC") == .error("ERR EXEC without MULTI"))
        #expect(h.run(c, "DISCARD") == .error("ERR DISCARD without MULTI"))
    }

    @Test func queueTimeErrorsAbort() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "MULTI")
        #expect(h.run(c, "GET") == .error("ERR wrong number of arguments for 'get' command"))
        #expect(h.run(c, "foo") == .error("ERR unknown command 'foo', with args beginning with: "))
        #expect(h.run(c, "WATCH", "x") == .error("ERR WATCH inside MULTI is not allowed"))
        h.run(c, "SET", "a", "1")
        #expect(h.run(c, "EXEC") == .error("EXECABORT Transaction discarded because of previous errors."))
        #expect(h.run(c, "GET", "a") == .null)
    }

    @Test func watchAbortsWhenAnotherClientWrites() {
        let h = EngineHarness()
        let worker = h.client()
        let other = h.client()
        h.run(other, "HSET", "unacked", "tag", "payload")
        #expect(h.run(worker, "WATCH", "unacked") == .ok)
        #expect(h.run(worker, "HGET", "unacked", "tag") == "payload")
        h.run(other, "HSET", "unacked", "tag2", "p2")
        h.run(worker, "MULTI")
        h.run(worker, "HDEL", "unacked", "tag")
        #expect(h.run(worker, "EXEC") == .null)
        #expect(h.run(worker, "HLEN", "unacked") == .integer(2))
        // The retry succeeds: EXEC cleared the WATCH.
        h.run(worker, "WATCH", "unacked")
        h.run(worker, "MULTI")
        h.run(worker, "HDEL", "unacked", "tag")
        #expect(h.run(worker, "EXEC") == [.integer(1)])
    }

    @Test func watchAbortsOnExpiryAndDeletionButNotOnNoops() {
        let h = EngineHarness()
        let c = h.client()
        let other = h.client()
        h.run(c, "SET", "k", "v", "PX", "100")
        h.run(c, "WATCH", "k")
        h.clock.advance(milliseconds: 200)
        h.run(c, "MULTI")
        h.run(c, "GET", "x")
        #expect(h.run(c, "EXEC") == .null)

        h.run(c, "SADD", "s", "m")
        h.run(c, "WATCH", "s")
        h.run(other, "SADD", "s", "m")
        h.run(c, "MULTI")
        h.run(c, "SCARD", "s")
        #expect(h.run(c, "EXEC") == [.integer(1)])

        h.run(c, "WATCH", "s")
        h.run(other, "DEL", "s")
        h.run(c, "MULTI")
        #expect(h.run(c, "EXEC") == .null)

        h.run(c, "WATCH", "s")
        h.run(c, "UNWATCH")
        h.run(other, "SADD", "s", "z")
        h.run(c, "MULTI")
        #expect(h.run(c, "EXEC") == [])
    }

    @Test func discardDropsQueueAndWatches() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "WATCH", "k")
        h.run(c, "MULTI")
        h.run(c, "SET", "k", "v")
        #expect(h.run(c, "DISCARD") == .ok)
        #expect(h.run(c, "GET", "k") == .null)
    }

    @Test func kombuQueueDeclareTransaction() {
        let h = EngineHarness()
        let c = h.client(resp3: true)
        h.run(c, "MULTI")
        for key in ["celery", "celery\u{06}\u{16}3", "celery\u{06}\u{16}6", "celery\u{06}\u{16}9"] { h.run(c, "LLEN", key) }
        #expect(h.run(c, "EXEC") == [0, 0, 0, 0])
    }
}
