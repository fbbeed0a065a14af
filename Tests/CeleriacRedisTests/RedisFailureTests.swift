import CeleriacRedis
import CeleriacTestSupport
import Testing

@Suite("Failures: refused, killed, timed out, malformed")
struct RedisFailureTests {
    @Test func refusedConnectionNamesTheURLAndMasksThePassword() async throws {
        // Held bound but not listening: refused for the whole test, and no parallel test can
        // start a server on it.
        let refusing = FreePort.Refusing()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let url = try RedisURL(parsing: "redis://:topsecret@127.0.0.1:\(port)/0")
        await #expect(throws: RedisError.connectionClosed("cannot reach redis://:***@127.0.0.1:\(port)/0: connection refused")) {
            try await RedisConnection.connect(to: url, options: testOptions())
        }
        // The pool retries with backoff until the command's deadline, then gives the same reason.
        let client = RedisClient(url: url, options: testOptions(commandTimeout: .milliseconds(300)))
        await #expect(throws: RedisError.connectionClosed("cannot reach redis://:***@127.0.0.1:\(port)/0: connection refused")) {
            try await client.ping()
        }
        await client.close()
    }

    @Test func missingUnixSocketIsReported() async throws {
        let url = try RedisURL(parsing: "unix:///tmp/celeriac-no-such-\(FreePort.next()).sock")
        await #expect {
            try await RedisConnection.connect(to: url, options: testOptions())
        } throws: { error in
            guard case .connectionClosed(let message) = error as? RedisError else { return false }
            return message.hasPrefix("cannot reach unix:///tmp/celeriac-no-such-")
        }
    }

    @Test func unixSocketConnects() async throws {
        let folder = "/tmp/celeriac-sock-\(FreePort.next())"
        let server = try RedisServer(arguments: ["--unixsocket", "\(folder).sock", "--unixsocketperm", "700"])
        defer { server.stop() }
        let connection = try await RedisConnection.connect(to: try RedisURL(parsing: "unix://\(folder).sock?db=1"), options: testOptions())
        #expect(try await connection.ping() == "PONG")
        await connection.close()
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func serverKilledMidPipelineThenRestartedOnTheSamePort(version: RESPVersion) async throws {
        let server = try RedisServer(arguments: ["--enable-debug-command", "yes"])
        defer { server.stop() }
        let client = try RedisClient(url: server.url(), options: testOptions(version, poolSize: 1))
        #expect(try await client.ping() == "PONG")

        // The server sleeps on the first command, so the rest wait behind it when it dies.
        let inFlight = Task {
            await client.pipeline([["DEBUG", "SLEEP", "5"], ["SET", "a", "1"], ["GET", "a"]])
        }
        try await Task.sleep(for: .milliseconds(100))
        server.kill9()
        let results = await inFlight.value
        #expect(results.count == 3)
        for result in results {
            guard case .failure(.connectionClosed(let message)) = result else {
                Issue.record("expected connectionClosed, got \(result)")
                continue
            }
            #expect(message.contains("127.0.0.1:\(server.port)"))
        }

        let restarted = try RedisServer(port: server.port)
        defer { restarted.stop() }
        try await eventually("the client to reconnect") { (try? await client.ping()) == "PONG" }
        try await client.set("after", "restart")
        #expect(try await client.getString("after") == "restart")
        await client.close()
    }

    @Test func slowCommandTimesOutAndTheClientRecovers() async throws {
        try await withServer { server async throws in
            let client = try RedisClient(url: server.url(), options: testOptions(commandTimeout: .milliseconds(200), poolSize: 1))
            #expect(try await client.ping() == "PONG")
            await #expect {
                try await client.send(["DEBUG", "SLEEP", "1"])
            } throws: { error in
                guard case .timeout(let message) = error as? RedisError else { return false }
                return message.contains("within 0.2 s")
            }
            // The timed-out connection was closed; the next command gets a new one once the
            // server is awake again.
            try await eventually("the server to answer again") { (try? await client.ping()) == "PONG" }
            await client.close()
        }
    }

    @Test func blockingCommandPastItsCommandTimeoutTimesOut() async throws {
        try await withClient { client, _ async throws in
            let blocking = client.blockingClient()
            await #expect {
                try await blocking.blpop(keys: ["empty"], timeout: 0, commandTimeout: .milliseconds(200))
            } throws: { error in
                guard case .timeout = error as? RedisError else { return false }
                return true
            }
            // A fresh connection afterwards works.
            try await client.rpush("full", [[7]])
            #expect(try await blocking.blpop(keys: ["full"], timeout: 1) == RedisPopResult(key: "full", value: [7]))
            await blocking.close()
        }
    }

    @Test func malformedReplyIsAProtocolErrorAndClosesTheConnection() async throws {
        let fake = try await FakeRedisServer(reply: "?xx\r\n")
        let url = try RedisURL(parsing: "redis://127.0.0.1:\(fake.port)/0")
        var options = testOptions()
        options.clientName = nil  // the fake server only knows HELLO
        let connection = try await RedisConnection.connect(to: url, options: options)
        #expect(connection.protocolVersion == .v2)
        let results = await connection.pipeline([["PING"], ["PING"]].map { RedisCommand($0) })
        for result in results {
            guard case .failure(.protocolError(let message)) = result else {
                Issue.record("expected a protocol error, got \(result)")
                continue
            }
            #expect(message == "malformed reply from redis://127.0.0.1:\(fake.port)/0: unknown type byte '?' at byte 0")
        }
        try await eventually("the connection to close") { !connection.isConnected }
        await #expect(throws: RedisError.self) { try await connection.ping() }
        await fake.stop()
    }
}
