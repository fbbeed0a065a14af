import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct ListCommandTests {
    @Test func pushPopRange() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "LPUSH", "q", "a", "b") == .integer(2))
        #expect(h.run(c, "RPUSH", "q", "c") == .integer(3))
        #expect(h.run(c, "LRANGE", "q", "0", "-1") == ["b", "a", "c"])
        #expect(h.run(c, "LRANGE", "q", "-2", "10") == ["a", "c"])
        #expect(h.run(c, "LRANGE", "q", "5", "10") == [])
        #expect(h.run(c, "LINDEX", "q", "-1") == "c")
        #expect(h.run(c, "LINDEX", "q", "9") == .null)
        #expect(h.run(c, "LLEN", "q") == .integer(3))
        #expect(h.run(c, "RPOP", "q") == "c")
        #expect(h.run(c, "LPOP", "q", "5") == ["b", "a"])
        #expect(h.run(c, "EXISTS", "q") == .integer(0))
        #expect(h.run(c, "LPOP", "q", "0") == .null)
        #expect(h.run(c, "LPOP", "q") == .null)
        h.run(c, "RPUSH", "q", "x")
        #expect(h.run(c, "LPOP", "q", "0") == [])
        #expect(h.run(c, "LPOP", "q", "-1") == .error("ERR value is out of range, must be positive"))
        #expect(h.run(c, "LPUSHX", "none", "a") == .integer(0))
        #expect(h.run(c, "RPUSHX", "q", "y") == .integer(2))
    }

    @Test func removeTrimSetMove() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "RPUSH", "l", "a", "b", "a", "c", "a")
        #expect(h.run(c, "LREM", "l", "-2", "a") == .integer(2))
        #expect(h.run(c, "LRANGE", "l", "0", "-1") == ["a", "b", "c"])
        #expect(h.run(c, "LSET", "l", "1", "B") == .ok)
        #expect(h.run(c, "LSET", "l", "9", "B") == .error("ERR index out of range"))
        #expect(h.run(c, "LSET", "none", "0", "B") == .error("ERR no such key"))
        #expect(h.run(c, "LTRIM", "l", "1", "-1") == .ok)
        #expect(h.run(c, "LRANGE", "l", "0", "-1") == ["B", "c"])
        #expect(h.run(c, "LMOVE", "l", "m", "LEFT", "RIGHT") == "B")
        #expect(h.run(c, "RPOPLPUSH", "l", "m") == "c")
        #expect(h.run(c, "LRANGE", "m", "0", "-1") == ["c", "B"])
        #expect(h.run(c, "EXISTS", "l") == .integer(0))
        #expect(h.run(c, "LMOVE", "m", "m", "UP", "LEFT") == .error("ERR syntax error"))
        #expect(h.run(c, "LTRIM", "m", "5", "9") == .ok)
        #expect(h.run(c, "EXISTS", "m") == .integer(0))
    }
}

@Suite struct BlockingPopTests {
    @Test func servedImmediatelyWhenDataExists() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "LPUSH", "q2", "m")
        #expect(h.run(c, "BRPOP", "q1", "q2", "1") == ["q2", "m"])
        #expect(h.run(c, "BRPOP", "q1", "-1") == .error("ERR timeout is negative"))
        #expect(h.run(c, "BRPOP", "q1", "x") == .error("ERR timeout is not a float or out of range"))
    }

    @Test func waitersAreServedFirstComeFirstServed() {
        let h = EngineHarness()
        let a = h.client()
        let b = h.client()
        let p = h.client()
        #expect(h.outcome(a, "BRPOP", "q", "0") == .blocked)
        #expect(h.outcome(b, "BRPOP", "other", "q", "0") == .blocked)
        #expect(h.run(p, "LPUSH", "q", "m1", "m2", "m3") == .integer(3))
        #expect(h.events() == [.unblocked(a, ["q", "m1"]), .unblocked(b, ["q", "m2"])])
        #expect(h.run(p, "LRANGE", "q", "0", "-1") == ["m3"])
        #expect(h.engine.client(a)?.isBlocked == false)
        // b was removed from "other"'s wait list too.
        h.run(p, "LPUSH", "other", "x")
        #expect(h.events() == [])
    }

    @Test func timeoutRepliesNull() {
        let h = EngineHarness()
        let a = h.client()
        #expect(h.outcome(a, "BLPOP", "q", "0.5") == .blocked)
        h.clock.advance(milliseconds: 499)
        h.engine.runTimers()
        #expect(h.events() == [])
        h.clock.advance(milliseconds: 1)
        h.engine.runTimers()
        #expect(h.events() == [.unblocked(a, .null)])
    }

    @Test func wakeupAfterTransactionCommits() {
        let h = EngineHarness(logging: true)
        let waiter = h.client()
        let writer = h.client()
        #expect(h.outcome(waiter, "BRPOP", "celery", "1") == .blocked)
        h.run(writer, "MULTI")
        #expect(h.run(writer, "LPUSH", "celery", "msg") == .status("QUEUED"))
        #expect(h.events() == [])
        #expect(h.run(writer, "EXEC") == [.integer(1)])
        #expect(h.events() == [.unblocked(waiter, ["celery", "msg"])])
        #expect(h.sink.lines == ["SELECT 0", "LPUSH celery msg", "RPOP celery"])
    }

    @Test func wakeupAfterScript() {
        let h = EngineHarness()
        let waiter = h.client()
        let writer = h.client()
        #expect(h.outcome(waiter, "BLPOP", "q", "0") == .blocked)
        #expect(h.run(writer, "EVAL", "redis.call('rpush', KEYS[1], 'a', 'b'); return redis.call('llen', KEYS[1])", "1", "q") == .integer(2))
        #expect(h.events() == [.unblocked(waiter, ["q", "a"])])
    }

    @Test func blockingInsideMultiDoesNotBlock() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "MULTI")
        h.run(c, "BRPOP", "q", "0")
        #expect(h.run(c, "EXEC") == [.null])
    }

    @Test func blmoveWaitsAndMoves() {
        let h = EngineHarness(logging: true)
        let waiter = h.client()
        let writer = h.client()
        #expect(h.outcome(waiter, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0") == .blocked)
        h.run(writer, "RPUSH", "src", "a", "b")
        #expect(h.events() == [.unblocked(waiter, "b")])
        #expect(h.run(writer, "LRANGE", "dst", "0", "-1") == ["b"])
        #expect(h.sink.lines.suffix(1) == ["LMOVE src dst RIGHT LEFT"])
        #expect(h.outcome(waiter, "BRPOPLPUSH", "empty", "dst", "0") == .blocked)
        h.engine.removeClient(waiter)
        h.run(writer, "RPUSH", "empty", "z")
        #expect(h.events() == [])
        #expect(h.run(writer, "LLEN", "empty") == .integer(1))
    }
}
