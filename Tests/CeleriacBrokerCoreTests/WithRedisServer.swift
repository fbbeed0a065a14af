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
