import CeleriacRedis
import Testing

@Suite("Blocking pops")
struct RedisBlockingTests {
    @Test(arguments: [RESPVersion.v2, .v3])
    func brpopTimesOutWithNil(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            let blocking = client.blockingClient()
            let popped = try await blocking.brpop(keys: ["q1", "q2", "q3"], timeout: 0.2)
            #expect(popped == nil)
            await blocking.close()
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func brpopTakesTheFirstNonEmptyKeyInArgumentOrder(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            try await client.rpush("q3", [Array("from-q3".utf8)])
            try await client.rpush("q2", [Array("first".utf8), Array("last".utf8)])
            let blocking = client.blockingClient()
            let popped = try await blocking.brpop(keys: ["q1", "q2", "q3"], timeout: 1)
            #expect(popped == RedisPopResult(key: "q2", value: Array("last".utf8)))
            let next = try await blocking.brpop(keys: ["q1", "q3", "q2"], timeout: 1)
            #expect(next == RedisPopResult(key: "q3", value: Array("from-q3".utf8)))
            await blocking.close()
        }
    }

    @Test func waitingClientsAreServedFirstComeFirstServed() async throws {
        try await withClient { client, _ async throws in
            let first = client.blockingClient()
            let second = client.blockingClient()
            let firstPop = Task { try await first.brpop(keys: ["jobs"], timeout: 10) }
            try await eventually("the first client to block") { try await blockedClients(client) == 1 }
            let secondPop = Task { try await second.brpop(keys: ["jobs"], timeout: 10) }
            try await eventually("the second client to block") { try await blockedClients(client) == 2 }
            try await client.lpush("jobs", [Array("one".utf8)])
            #expect(try await firstPop.value == RedisPopResult(key: "jobs", value: Array("one".utf8)))
            try await client.lpush("jobs", [Array("two".utf8)])
            #expect(try await secondPop.value == RedisPopResult(key: "jobs", value: Array("two".utf8)))
            await first.close()
            await second.close()
        }
    }

    @Test func aBlockedPopWakesUpOnPush() async throws {
        try await withClient { client, _ async throws in
            let blocking = client.blockingClient()
            let pop = Task { try await blocking.brpop(keys: ["a", "b"], timeout: 0) }
            try await eventually("the client to block") { try await blockedClients(client) == 1 }
            // Other commands on the pool are not held up by the blocked connection.
            #expect(try await client.ping() == "PONG")
            try await client.rpush("b", [[0x06, 0x16]])
            #expect(try await pop.value == RedisPopResult(key: "b", value: [0x06, 0x16]))
            await blocking.close()
        }
    }

    @Test func cancellingABlockedPopClosesItsConnection() async throws {
        try await withClient { client, _ async throws in
            let blocking = client.blockingClient()
            let pop = Task { try await blocking.brpop(keys: ["never"], timeout: 0) }
            try await eventually("the client to block") { try await blockedClients(client) == 1 }
            pop.cancel()
            await #expect(throws: RedisError.self) { try await pop.value }
            try await eventually("the server to drop the blocked client") { try await blockedClients(client) == 0 }
            // The next pop reconnects.
            try await client.rpush("later", [[1]])
            #expect(try await blocking.brpop(keys: ["later"], timeout: 1) == RedisPopResult(key: "later", value: [1]))
            await blocking.close()
        }
    }

    /// A pop the server answers long after its block time (it was stalled) is still received:
    /// giving up would close the connection the popped element was written to, and lose it
    /// (chaos bug 7; the client used to give up 5 s after the block time).
    @Test func aPopAnsweredAfterALongStallIsReceived() async throws {
        let server = try await FakeRedisServer(reply: "*2\r\n$4\r\njobs\r\n$1\r\nx\r\n", delay: .seconds(7))
        let client = try RedisClient(url: "redis://127.0.0.1:\(server.port)/0", options: RedisOptions(protocolVersion: .v2))
        let blocking = client.blockingClient()
        #expect(try await blocking.brpop(keys: ["jobs"], timeout: 1) == RedisPopResult(key: "jobs", value: Array("x".utf8)))
        await blocking.close()
        await client.close()
        await server.stop()
    }
}
