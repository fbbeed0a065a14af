import CeleriacBrokerCore
import CeleriacRESP
import CeleriacTestSupport

/// Runs `body` with a client of a fresh redis-server and the server's port, for comparing the
/// engine's replies with Redis's; does nothing when redis-server is not installed.
func withRedisServer(_ body: (RawRESPClient, Int) throws -> Void) throws {
    guard ProjectPaths.which("redis-server") != nil else { return }
    let server = try RedisServer()
    defer {
        // The server may have been spawned with SIGTERM blocked (it inherits the test
        // thread's signal mask), so ask it to exit itself before stop() waits for it.
        // A fresh connection: the test's own may have been left inside MULTI.
        _ = try? RawRESPClient(port: server.port).call("SHUTDOWN", "NOSAVE")
        server.stop()
    }
    try body(try RawRESPClient(port: server.port), server.port)
}

/// Runs each command on `redis` and on a fresh engine client, and returns a line for every
/// command whose reply differs as each would put it on the wire (RESP2).
func mismatchesAgainstRedis(_ script: [[String]], redis: RawRESPClient) throws -> [String] {
    let engine = BrokerEngine()
    let client = engine.addClient()
    var mismatches: [String] = []
    for command in script {
        let args = command.map { Array($0.utf8) }
        let expected = try redis.call(args)
        guard case .reply(let produced) = engine.execute(args, from: client) else {
            mismatches.append("\(command): not a single reply")
            continue
        }
        let wire = try RESPParser().parseAll(produced.encoded(version: .v2)).values.first ?? .null
        if wire != expected { mismatches.append("\(command): redis \(expected) engine \(wire)") }
    }
    return mismatches
}
