import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct RandomizedRobustnessTests {
    /// 20,000 random and garbage argument lists from a fixed seed: the engine must answer
    /// every one (or block) without crashing, and stay consistent afterwards.
    @Test func garbageArgumentsNeverCrash() {
        let h = EngineHarness(configuration: .init(maxMemory: 2_000_000, scriptTimeLimitMilliseconds: 200), logging: true)
        var generator = SeededGenerator(seed: 20_000)
        let names = [
            "get", "set", "setex", "psetex", "setnx", "getdel", "mget", "mset", "incr", "incrby", "decr", "decrby", "append",
            "strlen", "del", "unlink", "exists", "type", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl",
            "persist", "keys", "scan", "rename", "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange",
            "lindex", "lrem", "ltrim", "lset", "lmove", "rpoplpush", "blpop", "brpop", "blmove", "brpoplpush", "hset",
            "hsetnx", "hget", "hmget", "hdel", "hgetall", "hlen", "hexists", "hkeys", "hvals", "hincrby", "hscan", "sadd",
            "srem", "smembers", "sismember", "scard", "sscan", "zadd", "zrem", "zrange", "zrangebyscore",
            "zrevrangebyscore", "zremrangebyscore", "zcard", "zscore", "zincrby", "zcount", "zpopmin", "subscribe",
            "unsubscribe", "psubscribe", "punsubscribe", "publish", "pubsub", "multi", "exec", "discard", "watch",
            "unwatch", "eval", "evalsha", "script", "ping", "echo", "hello", "auth", "select", "client", "command",
            "info", "config", "dbsize", "time", "reset", "flushdb", "nosuchcommand", "",
        ]
        let words: [[UInt8]] = [
            "k", "k2", "q", "0", "1", "-1", "10", "0.5", "-inf", "+inf", "(1", "[a", "-", "+", "nx", "xx", "gt", "lt",
            "ch", "incr", "ex", "px", "exat", "pxat", "keepttl", "get", "limit", "withscores", "byscore", "bylex", "rev",
            "left", "right", "match", "count", "type", "*", "?", "[", "\\", "9223372036854775807", "-9223372036854775808",
            "99999999999999999999", "nan", "1e400", "", "3", "setname", "kill", "id", "list", "load", "exists", "flush",
            "numsub", "channels", "return redis.call('get', KEYS[1])", "return {1, 2, 3}", "error('x')",
            "return redis.call('lpush', 'q', ARGV[1])", "while true do end",
        ].map { Array($0.utf8) }
        var clients = (0..<4).map { _ in h.client() }
        var replies = 0
        for _ in 0..<20_000 {
            let index = Int.random(in: 0..<clients.count, using: &generator)
            let client = clients[index]
            var args: [[UInt8]] = [Array(names[Int.random(in: 0..<names.count, using: &generator)].utf8)]
            if Bool.random(using: &generator) { args[0] = args[0].map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 } }
            for _ in 0..<Int.random(in: 0..<7, using: &generator) {
                if Int.random(in: 0..<8, using: &generator) == 0 {
                    args.append((0..<Int.random(in: 0..<12, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
                } else {
                    args.append(words[Int.random(in: 0..<words.count, using: &generator)])
                }
            }
            if args[0] == Array("eval".utf8) || args[0] == Array("EVAL".utf8), args.count < 3 || args[1] == Array("while true do end".utf8) {
                // Keep the time-limited spin scripts rare so the test stays quick.
                if Int.random(in: 0..<20, using: &generator) != 0 { args = [Array("ping".utf8)] }
            }
            switch h.engine.execute(args, from: client) {
            case .reply, .replies: replies += 1
            case .blocked:
                h.clock.advance(milliseconds: 20_000)
                h.engine.runTimers()
            case .close, .shutdown:
                h.engine.removeClient(client)
                clients[index] = h.client()
            }
            _ = h.engine.drainEvents()
            if Int.random(in: 0..<50, using: &generator) == 0 {
                h.clock.advance(milliseconds: Int64.random(in: 0..<2000, using: &generator))
                h.engine.runTimers()
            }
        }
        #expect(replies > 15_000)
        // Still consistent: the log replays into the same dataset.
        let fresh = EngineHarness()
        fresh.clock.microseconds = h.clock.microseconds
        #expect(throws: Never.self) { _ = try fresh.engine.replay(AppendOnlyLog.encode(h.sink.records)) }
        #expect(datasetDifference(fresh.engine, h.engine) == nil)
        // The running memory estimate never drifted from a from-scratch count (replay recounts).
        h.engine.runTimers()
        fresh.engine.runTimers()
        #expect(h.engine.usedMemory == fresh.engine.usedMemory)
    }
}
