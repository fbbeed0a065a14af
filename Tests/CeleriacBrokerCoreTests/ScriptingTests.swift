import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct ScriptingTests {
    func sha(_ body: String) -> String { SHA1.hex(Array(body.utf8)) }

    @Test func luaToRespConversions() {
        let h = EngineHarness()
        let c = h.client()
        let c3 = h.client(resp3: true)
        #expect(h.run(c, "EVAL", "return nil", "0") == .null)
        #expect(h.run(c3, "EVAL", "return false", "0") == .null)
        #expect(h.run(c, "EVAL", "return true", "0") == .integer(1))
        #expect(h.run(c, "EVAL", "return 3.99", "0") == .integer(3))
        #expect(h.run(c, "EVAL", "return -3.9", "0") == .integer(-3))
        #expect(h.run(c, "EVAL", "return 9007199254740993.7", "0") == .integer(9_007_199_254_740_994))
        #expect(h.run(c, "EVAL", "return 'text'", "0") == "text")
        #expect(h.run(c, "EVAL", "return {1, 2, nil, 4}", "0") == [1, 2])
        #expect(h.run(c, "EVAL", "return {1, {2, 3}, 'x', false}", "0") == [1, [2, 3], "x", .null])
        #expect(h.run(c, "EVAL", "return {err=5}", "0") == [])
        #expect(h.run(c, "EVAL", "return redis.status_reply('FINE')", "0") == .status("FINE"))
        #expect(h.run(c, "EVAL", "return redis.error_reply('My Error')", "0") == .error("My Error"))
        #expect(h.run(c, "EVAL", "return redis.error_reply('-MYCODE boom')", "0") == .error("MYCODE boom"))
        #expect(h.run(c, "EVAL", "return {KEYS[1], KEYS[2], ARGV[1]}", "2", "k1", "k2", "a1") == ["k1", "k2", "a1"])
    }

    @Test func respToLuaConversions() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "EVAL", "return redis.call('get', 'nokey') == false", "0") == .integer(1))
        #expect(h.run(c, "EVAL", "return redis.call('set', 'a', 'b')", "0") == .status("OK"))
        #expect(h.run(c, "EVAL", "return redis.call('set', 'a', 'b')['ok']", "0") == "OK")
        #expect(h.run(c, "EVAL", "return redis.call('ping')", "0") == .status("PONG"))
        #expect(h.run(c, "EVAL", "return type(redis.call('incr', 'n'))", "0") == "number")
        h.run(c, "ZADD", "z", "2.5", "m")
        #expect(h.run(c, "EVAL", "return redis.call('zscore', 'z', 'm')", "0") == "2.5")
        h.run(c, "HSET", "h", "f", "v")
        #expect(h.run(c, "EVAL", "return redis.call('hgetall', 'h')", "0") == ["f", "v"])
        #expect(h.run(c, "EVAL", "return redis.call('smembers', 'h2')", "0") == [])
        let pcall = h.run(c, "EVAL", "local r = redis.pcall('incr', 'a'); return r['err']", "0")
        #expect(pcall == "ERR value is not an integer or out of range")
        #expect(h.run(c, "EVAL", "return redis.pcall('incr', 'a')", "0") == .error("ERR value is not an integer or out of range"))
    }

    @Test func numbersPassedToCommandsUsePercent17g() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "EVAL", "redis.call('set', 'n', 1795588804680)", "0")
        #expect(h.run(c, "GET", "n") == "1795588804680")
        h.run(c, "EVAL", "redis.call('set', 'n', 1795588804680.5)", "0")
        #expect(h.run(c, "GET", "n") == "1795588804680.5")
        h.run(c, "EVAL", "redis.call('set', 'n', 0.1)", "0")
        #expect(h.run(c, "GET", "n") == "0.10000000000000001")
    }

    @Test func errorTextsMatchRedis() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "SET", "k", "v")
        let incr = "return redis.call('incr','k')"
        #expect(h.run(c, "EVAL", incr, "0") == .error("ERR value is not an integer or out of range script: \(sha(incr)), on @user_script:1."))
        let boom = "error('boom')"
        #expect(h.run(c, "EVAL", boom, "0") == .error("ERR user_script:1: boom script: \(sha(boom)), on @user_script:1."))
        let table = "error({err='XX bad'})"
        #expect(h.run(c, "EVAL", table, "0") == .error("XX bad script: \(sha(table)), on @user_script:1."))
        let unknown = "return redis.call('nosuch')"
        #expect(h.run(c, "EVAL", unknown, "0") == .error("ERR Unknown Redis command called from script script: \(sha(unknown)), on @user_script:1."))
        let badArg = "return redis.call('get',{})"
        #expect(h.run(c, "EVAL", badArg, "0") == .error("ERR Lua redis lib command arguments must be strings or integers script: \(sha(badArg)), on @user_script:1."))
        let arity = "return redis.call('get')"
        #expect(h.run(c, "EVAL", arity, "0") == .error("ERR Wrong number of args calling Redis command from script script: \(sha(arity)), on @user_script:1."))
        let forbidden = "return redis.call('subscribe','x')"
        #expect(h.run(c, "EVAL", forbidden, "0") == .error("ERR This Redis command is not allowed from script script: \(sha(forbidden)), on @user_script:1."))
        let blocking = "\nreturn redis.call('brpop','q',0)"
        #expect(h.run(c, "EVAL", blocking, "0") == .error("ERR This Redis command is not allowed from script script: \(sha(blocking)), on @user_script:2."))
        #expect(h.run(c, "EVAL", "retur", "0") == .error("ERR Error compiling script (new function): user_script:1: '=' expected near '<eof>'"))
        #expect(h.run(c, "EVAL", "return 1", "2", "a") == .error("ERR Number of keys can't be greater than number of args"))
        #expect(h.run(c, "EVAL", "return 1", "-1") == .error("ERR Number of keys can't be negative"))
        #expect(h.run(c, "EVAL", "return 1", "x") == .error("ERR value is not an integer or out of range"))
    }

    @Test func globalsAreReadOnly() {
        let h = EngineHarness()
        let c = h.client()
        let assign = "x = 5"
        #expect(h.run(c, "EVAL", assign, "0") == .error("ERR user_script:1: Attempt to modify a readonly table script: \(sha(assign)), on @user_script:1."))
        let read = "return y"
        #expect(h.run(c, "EVAL", read, "0") == .error("ERR user_script:1: Script attempted to access nonexistent global variable 'y' script: \(sha(read)), on @user_script:1."))
        #expect(h.run(c, "EVAL", "local x = 5 return x", "0") == .integer(5))
        #expect(h.run(c, "EVAL", "return #KEYS + #ARGV", "1", "k", "a", "b") == .integer(3))
    }

    @Test func scriptCacheCommands() {
        let h = EngineHarness()
        let c = h.client()
        let body = "return 1"
        #expect(h.run(c, "EVALSHA", sha(body), "0") == .error("NOSCRIPT No matching script. Please use EVAL."))
        #expect(h.run(c, "SCRIPT", "LOAD", body) == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
        #expect(h.run(c, "SCRIPT", "EXISTS", sha(body), "abc") == [1, 0])
        #expect(h.run(c, "EVALSHA", sha(body).uppercased(), "0") == .integer(1))
        h.run(c, "MULTI")
        h.run(c, "EVALSHA", sha(body), "0")
        #expect(h.run(c, "EXEC") == [1])
        #expect(h.run(c, "SCRIPT", "KILL") == .error("NOTBUSY No scripts in execution right now."))
        #expect(h.run(c, "SCRIPT", "FOO") == .error("ERR unknown subcommand 'FOO'. Try SCRIPT HELP."))
        #expect(h.run(c, "SCRIPT", "FLUSH") == .ok)
        #expect(h.run(c, "SCRIPT", "EXISTS", sha(body)) == [0])
        #expect(h.run(c, "EVALSHA", sha(body), "0") == .error("NOSCRIPT No matching script. Please use EVAL."))
        // EVAL caches too.
        #expect(h.run(c, "EVAL", "return 2", "0") == .integer(2))
        #expect(h.run(c, "EVALSHA", sha("return 2"), "0") == .integer(2))
    }

    @Test func longScriptsAreAbortedAndTheEngineSurvives() {
        let h = EngineHarness(configuration: .init(scriptTimeLimitMilliseconds: 50))
        let c = h.client()
        let spin = h.run(c, "EVAL", "while true do end", "0")
        #expect(spin.errorMessage?.contains("Script killed") == true)
        let nested = h.run(c, "EVAL", "while true do pcall(function() while true do end end) end", "0")
        #expect(nested.errorMessage?.contains("Script killed") == true)
        #expect(h.run(c, "EVAL", "return 5", "0") == .integer(5))
    }

    @Test func scriptEffectsAreLoggedAsATransaction() {
        let h = EngineHarness(logging: true)
        let c = h.client()
        h.run(c, "EVAL", "redis.call('set', 'a', '1'); redis.call('expire', 'a', 10); return redis.call('get', 'a')", "0")
        let deadline = h.clock.microseconds / 1000 + 10_000
        #expect(h.sink.lines == ["SELECT 0", "MULTI", "SET a 1", "PEXPIREAT a \(deadline)", "EXEC"])
    }
}

@Suite struct CeleryScriptTests {
    @Test func refreshAndSweepBindings() {
        let h = EngineHarness()
        let c = h.client(resp3: true)
        let refresh = h.run(c, "SCRIPT", "LOAD", CeleryScripts.refreshBinding).string ?? ""
        let member = "\u{06}\u{16}\u{06}\u{16}w1@host.celery.pidbox"
        #expect(h.run(c, "EVALSHA", refresh, "2", "_kombu.binding.celery.pidbox", "_kombu.binding_deadlines", member, "celery.pidbox", "3600000") == .null)
        let now = h.clock.microseconds / 1000
        #expect(h.run(c, "ZSCORE", "_kombu.binding_deadlines", "celery.pidbox") == .double(Double(now + 3_600_000)))
        // GT: a shorter TTL does not move the deadline back.
        h.run(c, "EVALSHA", refresh, "2", "_kombu.binding.celery.pidbox", "_kombu.binding_deadlines", member, "celery.pidbox", "1000")
        #expect(h.run(c, "ZSCORE", "_kombu.binding_deadlines", "celery.pidbox") == .double(Double(now + 3_600_000)))
        h.run(c, "SADD", "_kombu.binding.perm", "m")
        h.run(c, "SADD", "_kombu.binding_permanent.perm", "m")
        h.run(c, "ZADD", "_kombu.binding_deadlines", String(now - 1), "perm")

        let sweep = h.run(c, "SCRIPT", "LOAD", CeleryScripts.sweepBindings).string ?? ""
        #expect(h.run(c, "EVALSHA", sweep, "1", "_kombu.binding_deadlines", "_kombu.binding.", "_kombu.binding_permanent.", "100") == .integer(1))
        #expect(h.run(c, "EXISTS", "_kombu.binding.perm") == .integer(1))
        h.clock.advance(milliseconds: 3_600_001)
        #expect(h.run(c, "EVALSHA", sweep, "1", "_kombu.binding_deadlines", "_kombu.binding.", "_kombu.binding_permanent.", "100") == .integer(1))
        #expect(h.run(c, "EXISTS", "_kombu.binding.celery.pidbox") == .integer(0))
        #expect(h.run(c, "EXISTS", "_kombu.binding_deadlines") == .integer(0))
    }

    @Test func lockRelease() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "SET", "unacked_mutex", "abc", "NX", "PX", "300000")
        #expect(h.run(c, "EVAL", CeleryScripts.lockRelease, "1", "unacked_mutex", "wrong") == .integer(0))
        #expect(h.run(c, "EVAL", CeleryScripts.lockRelease, "1", "unacked_mutex", "abc") == .integer(1))
        #expect(h.run(c, "EXISTS", "unacked_mutex") == .integer(0))
    }

    @Test func chordPartReturnClaimAndCleanup() {
        let h = EngineHarness()
        let c = h.client(resp3: true)
        let g = "celery-taskset-meta-g1"
        let keys = [g + ".j", g + ".t", g + ".s", g + ".d", g, g + ".c"]
        h.run(c, "DEL", g + ".c")
        h.run(c, "SET", g + ".s", "3", "EX", "86400")
        func part(_ id: String, _ index: Int) -> RESPValue {
            let args = ["EVAL", CeleryScripts.chordPartReturn, "6"] + keys
                + [id, "[1, \"\(id)\", \"SUCCESS\", \(index)]", "1", String(index), "86400", "86400", "6", "token1"]
            return h.engine.execute(args, from: c).singleReply
        }
        #expect(part("a", 0) == [1, .null, "3", 0])
        #expect(part("a", 0) == [1, .null, "3", 0])
        #expect(part("c", 2) == [2, .null, "3", 0])
        #expect(part("b", 1) == [3, .null, "3", 1])
        #expect(h.run(c, "ZRANGE", g + ".j", "0", "-1") == ["[1, \"a\", \"SUCCESS\", 0]", "[1, \"b\", \"SUCCESS\", 1]", "[1, \"c\", \"SUCCESS\", 2]"])
        #expect(h.run(c, "TTL", g + ".c") == .integer(6))

        let extend = ["EVAL", CeleryScripts.chordClaimExtend, "2", g + ".c", g + ".s", "token1", "30"]
        #expect(h.engine.execute(extend, from: c).singleReply == .integer(1))
        #expect(h.run(c, "TTL", g + ".c") == .integer(30))
        let cleanup = ["EVAL", CeleryScripts.chordCleanup, "5", g + ".c", g + ".j", g + ".t", g + ".s", g + ".d", "token1", "300"]
        #expect(h.engine.execute(cleanup, from: c).singleReply == .integer(1))
        #expect(h.run(c, "GET", g + ".c") == "done")
        #expect(h.run(c, "EXISTS", g + ".j", g + ".s", g + ".d") == .integer(0))
        #expect(part("d", 3) == [-1, 0, 0, 0])
    }
}

extension CommandOutcome {
    var singleReply: RESPValue {
        switch self {
        case .reply(let value), .close(let value): return value
        case .replies(let values): return values.first ?? .null
        case .blocked, .shutdown: return .null
        }
    }
}
