import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct GlobMatchTests {
    /// Expected values recorded from redis-server 7.0.15 (KEYS <pattern> against one key).
    @Test(arguments: [
        ("/0.celeryev/*", "/0.celeryev/task.multi", true),
        ("/0.celeryev/worker.*", "/0.celeryev/worker.heartbeat", true),
        ("/0.celeryev/worker.*", "/0.celeryev/task.multi", false),
        ("/0.celery.pidbox", "/0.celery.pidbox", true),
        ("/0.celery.pidbox", "/0.celery.pidboxx", false),
        ("h?llo", "hello", true),
        ("h?llo", "hllo", false),
        ("h[ae]llo", "hallo", true),
        ("h[ae]llo", "hillo", false),
        ("h[^e]llo", "hallo", true),
        ("h[^e]llo", "hello", false),
        ("h[a-b]llo", "hbllo", true),
        ("h[b-a]llo", "hallo", true),
        ("h\\*llo", "h*llo", true),
        ("h\\*llo", "hello", false),
        ("*", "x", true),
        ("a*b*c", "axxbyyc", true),
        ("a*b*c", "axxbyy", false),
        ("[abc", "a", true),
        ("[abc", "abc", false),
        ("a[", "a[", false),
        ("a\\", "a\\", true),
        ("**x", "abx", true),
        ("[\\]]", "]", true),
        ("[a-]", "-", false),
        ("?", "", false),
        ("x*", "x", true),
        ("*.*", "a/b.c", true),
        ("[^]", "a", true),
    ])
    func matchesLikeRedis(pattern: String, string: String, expected: Bool) {
        #expect(GlobMatch.matches(pattern: Array(pattern.utf8), string: Array(string.utf8)) == expected)
    }

    @Test func starDoesNotMatchTheEmptyString() {
        // PUBLISH "" to a `*` subscriber reaches nobody in Redis 7.0.
        #expect(!GlobMatch.matches(pattern: Array("*".utf8), string: []))
    }

    @Test func pathologicalPatternTerminates() {
        let pattern = Array(String(repeating: "a*", count: 30).utf8) + [UInt8(ascii: "b")]
        #expect(!GlobMatch.matches(pattern: pattern, string: [UInt8](repeating: UInt8(ascii: "a"), count: 200)))
    }
}

@Suite struct PubSubTests {
    @Test func resp2SubscribeFlow() {
        let h = EngineHarness()
        let s = h.client()
        let p = h.client()
        #expect(h.outcome(s, "SUBSCRIBE", "a", "b") == .replies([.push(["subscribe", "a", 1]), .push(["subscribe", "b", 2])]))
        #expect(h.run(s, "PING") == ["pong", ""])
        #expect(h.run(s, "PING", "redis-py-health-check") == ["pong", "redis-py-health-check"])
        #expect(h.run(s, "GET", "k") == .error("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"))
        #expect(h.run(p, "PUBLISH", "a", "hello") == .integer(1))
        #expect(h.events() == [.push(s, .push(["message", "a", "hello"]))])
        #expect(h.run(p, "PUBSUB", "NUMSUB", "a", "zz") == ["a", 1, "zz", 0])
        #expect(h.run(p, "PUBSUB", "CHANNELS") == ["a", "b"])
        #expect(h.outcome(s, "UNSUBSCRIBE") == .replies([.push(["unsubscribe", "a", 1]), .push(["unsubscribe", "b", 0])]))
        #expect(h.outcome(s, "UNSUBSCRIBE") == .replies([.push(["unsubscribe", .null, 0])]))
        #expect(h.run(s, "GET", "k") == .null)
        // RESP2 encodes pushes as arrays.
        #expect(RESPValue.push(["subscribe", "a", 1]).encoded(version: .v2) == Array("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n".utf8))
    }

    @Test func resp3PatternsAndPing() {
        let h = EngineHarness()
        let s = h.client(resp3: true)
        let p = h.client()
        #expect(h.outcome(s, "PSUBSCRIBE", "/0.celeryev/*", "/0.celery.pidbox") == .replies([
            .push(["psubscribe", "/0.celeryev/*", 1]), .push(["psubscribe", "/0.celery.pidbox", 2]),
        ]))
        #expect(h.run(s, "PING", "hc") == "hc")
        #expect(h.run(s, "SET", "k", "v") == .ok)
        #expect(h.run(p, "PUBLISH", "/0.celeryev/worker.heartbeat", "{}") == .integer(1))
        #expect(h.events() == [.push(s, .push(["pmessage", "/0.celeryev/*", "/0.celeryev/worker.heartbeat", "{}"]))])
        #expect(h.run(p, "PUBLISH", "/0.celery.pidboxx", "x") == .integer(0))
        #expect(h.run(p, "PUBSUB", "NUMPAT") == .integer(2))
        #expect(h.outcome(s, "PUNSUBSCRIBE", "/0.celery.pidbox") == .replies([.push(["punsubscribe", "/0.celery.pidbox", 1])]))
    }

    @Test func publisherSubscribedToItselfGetsThePushBeforeTheReply() {
        let h = EngineHarness()
        let s = h.client(resp3: true)
        _ = h.outcome(s, "SUBSCRIBE", "c")
        #expect(h.outcome(s, "PUBLISH", "c", "m") == .replies([.push(["message", "c", "m"]), .integer(1)]))
        #expect(h.events() == [])
    }

    @Test func channelAndPatternBothDeliver() {
        let h = EngineHarness()
        let a = h.client()
        let b = h.client()
        _ = h.outcome(a, "SUBSCRIBE", "celery-task-meta-1")
        _ = h.outcome(b, "PSUBSCRIBE", "celery-task-meta-*")
        #expect(h.run(h.client(), "PUBLISH", "celery-task-meta-1", "r") == .integer(2))
        #expect(h.events().count == 2)
        h.engine.removeClient(a)
        #expect(h.run(h.client(), "PUBLISH", "celery-task-meta-1", "r") == .integer(1))
    }
}
