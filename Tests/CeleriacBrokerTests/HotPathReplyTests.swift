import CeleriacBroker
import CeleriacTestSupport
import Foundation
import Testing

/// The commands whose replies the server writes straight into the connection's buffer (GET,
/// SET, the list pushes and pops, PING, inline commands) answer byte for byte as redis-server
/// does, in RESP2 and RESP3, pipelined as queue clients send them.
@Suite struct HotPathReplyTests {
    static func command(_ args: String...) -> String { RawConnection.command(args) }

    /// Commands sent in RESP2, then again after HELLO 3.
    static let script: String = [
        command("PING"), command("PING", "hello"), "PING\r\n", "ping  hi \r\n", "\r\n", "\tPING\r\n",
        command("SET", "k", "v"), command("GET", "k"), command("GET", "missing"),
        command("SET", "k", "v2", "NX"), command("SET", "k", "v3", "XX"), command("SET", "k", "v4", "GET"),
        command("SET", "fresh", "x", "NX", "GET"), command("SET", "n", "1", "EX", "100"), command("GET", "n"),
        command("set", "k", ""), command("GET", "k"), command("SET", "k", "v", "bogus"),
        command("LPUSH", "l", "a", "b", "c"), command("RPUSH", "l", "d"), command("lpush", "l", "e"),
        command("LPOP", "l"), command("RPOP", "l"), command("LPUSHX", "none", "x"), command("RPUSHX", "l", "y"),
        command("RPOP", "l"), command("RPOP", "l"), command("LPOP", "l"), command("LPOP", "l"), command("RPOP", "l"),
        command("LPOP", "l"), command("RPOP", "missing"),
        command("GET", "fresh"), command("LPUSH", "k", "x"), command("RPOP", "k"), command("GET", "l"),
        command("RPUSH", "l", "z"), command("GET", "l"),
        "SET ik iv\r\n", "GET ik\r\n", "GET nothing\r\n", "LPUSH il 1 2 3\r\n", "RPOP il\r\n",
        command("DEL", "k", "n", "fresh", "l", "ik", "il"),
    ].joined()

    /// The replies of ``script`` in RESP2 and in RESP3 from the server at `port`.
    static func transcript(port: Int) throws -> (resp2: String, resp3: String) {
        let connection = try RawConnection(port: port)
        try connection.send(script + command("ECHO", "end-of-resp2"))
        let resp2 = try connection.receive(until: "end-of-resp2\r\n")
        // HELLO's own reply names the server: skipped.
        try connection.send(command("HELLO", "3") + command("ECHO", "hello-done"))
        _ = try connection.receive(until: "hello-done\r\n")
        try connection.send(script + command("ECHO", "end-of-resp3"))
        let resp3 = try connection.receive(until: "end-of-resp3\r\n")
        return (resp2, resp3)
    }

    @Test func hotCommandsAnswerAsRedisServerDoes() async throws {
        guard ProjectPaths.which("redis-server") != nil else { return }
        let redis = try RedisServer()
        defer { redis.stop() }
        let expected = try Self.transcript(port: redis.port)
        // The script must have run whole on Redis, or the comparison proves little.
        #expect(expected.resp2.contains("$2\r\nv3\r\n") && expected.resp3.contains("_\r\n"))
        try await withBroker { server in
            let produced = try Self.transcript(port: server.port)
            #expect(produced.resp2 == expected.resp2)
            #expect(produced.resp3 == expected.resp3)
        }
    }
}
