import CeleriacBrokerCore
import CeleriacRESP
import Testing

@Suite struct ConnectionTests {
    @Test func redisPyHandshake() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "PING") == .status("PONG"))
        let hello = h.run(c, "HELLO", "3")
        #expect(hello == .map([
            RESPPair("server", "redis"), RESPPair("version", "7.0.15"), RESPPair("proto", 3),
            RESPPair("id", .integer(c)), RESPPair("mode", "standalone"), RESPPair("role", "master"),
            RESPPair("modules", []),
        ]))
        #expect(h.engine.client(c)?.protocolVersion == .v3)
        #expect(h.run(c, "CLIENT", "MAINT_NOTIFICATIONS", "ON", "moving-endpoint-type", "internal-ip")
            == .error("ERR unknown subcommand 'MAINT_NOTIFICATIONS'. Try CLIENT HELP."))
        #expect(h.run(c, "CLIENT", "SETINFO", "LIB-NAME", "redis-py") == .ok)
        #expect(h.run(c, "CLIENT", "SETINFO", "LIB-VER", "8.1.0") == .ok)
        #expect(h.run(c, "SELECT", "7") == .ok)
        #expect(h.engine.client(c)?.db == 7)
        #expect(h.run(c, "PING") == .status("PONG"))
    }

    @Test func helloErrors() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "HELLO", "4") == .error("NOPROTO unsupported protocol version"))
        #expect(h.run(c, "HELLO", "x") == .error("ERR Protocol version is not an integer or out of range"))
        #expect(h.run(c, "HELLO", "2", "foo") == .error("ERR Syntax error in HELLO option 'foo'"))
        #expect(h.run(c, "HELLO", "3", "SETNAME", "a b") == .error("ERR Client names cannot contain spaces, newlines or special characters."))
        #expect(h.run(c, "HELLO", "3", "AUTH", "u", "p") == .error("WRONGPASS invalid username-password pair or user is disabled."))
        #expect(h.run(c, "HELLO", "3", "AUTH", "default", "anything", "SETNAME", "w1") != .null)
        #expect(h.run(c, "CLIENT", "GETNAME") == "w1")
    }

    @Test func authGatesCommands() {
        let h = EngineHarness(configuration: .init(password: "s3cret"))
        let c = h.client()
        #expect(h.run(c, "GET", "k") == .error("NOAUTH Authentication required."))
        #expect(h.run(c, "PING") == .error("NOAUTH Authentication required."))
        #expect(h.run(c, "HELLO", "3").errorMessage?.hasPrefix("NOAUTH HELLO must be called") == true)
        #expect(h.run(c, "AUTH", "wrong") == .error("WRONGPASS invalid username-password pair or user is disabled."))
        #expect(h.run(c, "HELLO", "3", "AUTH", "default", "s3cret") != .null)
        #expect(h.run(c, "GET", "k") == .null)
        let other = h.client()
        #expect(h.run(other, "AUTH", "s3cret") == .ok)
        let third = h.client()
        #expect(h.run(third, "AUTH", "default", "s3cret") == .ok)
        #expect(h.run(third, "RESET") == .status("RESET"))
        #expect(h.run(third, "GET", "k") == .error("NOAUTH Authentication required."))
        let open = EngineHarness()
        #expect(open.run(open.client(), "AUTH", "x") == .error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"))
    }

    @Test func errorTexts() {
        let h = EngineHarness()
        let c = h.client()
        #expect(h.run(c, "foo", "a", "b") == .error("ERR unknown command 'foo', with args beginning with: 'a' 'b' "))
        #expect(h.run(c, "GET") == .error("ERR wrong number of arguments for 'get' command"))
        #expect(h.run(c, "PING", "a", "b") == .error("ERR wrong number of arguments for 'ping' command"))
        #expect(h.run(c, "SELECT", "16") == .error("ERR DB index is out of range"))
        #expect(h.run(c, "SELECT", "x") == .error("ERR value is not an integer or out of range"))
        #expect(h.run(c, "CLIENT") == .error("ERR wrong number of arguments for 'client' command"))
        #expect(h.run(c, "CLIENT", "SETNAME") == .error("ERR wrong number of arguments for 'client|setname' command"))
        #expect(h.run(c, "CLIENT", "LIST", "x") == .error("ERR syntax error"))
        #expect(h.run(c, "FLUSHDB", "x") == .error("ERR syntax error"))
        let long = String(repeating: "x", count: 200)
        #expect(h.run(c, "nope", long, "b").errorMessage == "ERR unknown command 'nope', with args beginning with: '\(String(repeating: "x", count: 128))' ")
        #expect(h.engine.execute([[UInt8]](), from: c) == .replies([]))
        #expect(h.engine.execute(["PING"], from: 999) == .reply(.error("ERR unknown client id 999")))
    }

    @Test func selectIsolatesDatabases() {
        let h = EngineHarness()
        let c = h.client()
        h.run(c, "SET", "k", "zero")
        h.run(c, "SELECT", "7")
        #expect(h.run(c, "GET", "k") == .null)
        h.run(c, "SET", "k", "seven")
        #expect(h.run(c, "DBSIZE") == .integer(1))
        #expect(h.run(c, "FLUSHDB") == .ok)
        h.run(c, "SELECT", "0")
        #expect(h.run(c, "GET", "k") == "zero")
        #expect(h.run(c, "FLUSHALL") == .ok)
        #expect(h.run(c, "DBSIZE") == .integer(0))
    }

    @Test func clientSubcommandsAndKill() {
        let h = EngineHarness()
        let a = h.client()
        let b = h.client()
        #expect(h.run(a, "CLIENT", "ID") == .integer(a))
        #expect(h.run(a, "CLIENT", "SETNAME", "worker") == .ok)
        guard case .verbatimString(_, let text) = h.run(b, "CLIENT", "LIST") else {
            Issue.record("CLIENT LIST")
            return
        }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("id=\(a) addr=") && lines[0].contains(" name=worker "))
        #expect(h.run(b, "CLIENT", "KILL", "ID", String(a)) == .integer(1))
        #expect(h.events() == [.disconnect(a)])
        #expect(h.run(b, "CLIENT", "KILL", "1.2.3.4:5") == .error("ERR No such client"))
        #expect(h.run(b, "CLIENT", "KILL", "ID", "9999") == .integer(0))
    }

    @Test func quitShutdownMonitorTime() {
        let h = EngineHarness()
        let c = h.client()
        let m = h.client()
        #expect(h.outcome(c, "QUIT") == .close(.ok))
        #expect(h.outcome(c, "SHUTDOWN", "NOSAVE") == .shutdown(nil))
        #expect(h.run(m, "MONITOR") == .ok)
        h.run(c, "SET", "k", "a b")
        guard case .push(m, .simpleString(let line))? = h.events().first else {
            Issue.record("no MONITOR line")
            return
        }
        #expect(line.hasSuffix("[0 \(h.engine.client(c)?.address ?? "")] \"SET\" \"k\" \"a b\""))
        let seconds = h.clock.microseconds / 1_000_000
        #expect(h.run(c, "TIME") == [.bulk(String(seconds)), .bulk(String(h.clock.microseconds % 1_000_000))])
    }

    @Test func commandInfoConfigAndInfo() {
        let h = EngineHarness()
        let c = h.client()
        guard case .array(let infos) = h.run(c, "COMMAND", "INFO", "get", "nosuch"), infos.count == 2 else {
            Issue.record("COMMAND INFO")
            return
        }
        #expect(infos[1] == .null)
        guard case .array(let get) = infos[0] else {
            Issue.record("COMMAND INFO get")
            return
        }
        #expect(get.prefix(2) == ["get", 2])
        #expect(get[2] == .set([.status("readonly"), .status("fast")]))
        #expect(get[3...5] == [1, 1, 1])
        if case .integer(let count) = h.run(c, "COMMAND", "COUNT") { #expect(count > 100) } else { Issue.record("COUNT") }
        #expect(h.run(c, "CONFIG", "GET", "maxmemory") == .map([RESPPair("maxmemory", "0")]))
        h.run(c, "SET", "k", "v", "EX", "100")
        h.engine.persistenceInfo = [("aof_rewrite_in_progress", "0")]
        guard case .verbatimString(_, let text) = h.run(c, "INFO") else {
            Issue.record("INFO")
            return
        }
        let info = String(decoding: text, as: UTF8.self)
        #expect(info.contains("# Server\r\nredis_version:7.0.15\r\n"))
        #expect(info.contains("db0:keys=1,expires=1,avg_ttl=0\r\n"))
        #expect(info.contains("used_memory:"))
        #expect(info.contains("aof_enabled:0\r\naof_rewrite_in_progress:0\r\n"))
    }
}
