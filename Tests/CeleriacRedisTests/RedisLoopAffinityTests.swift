import CeleriacRESP
@testable import CeleriacRedis
import CeleriacTestSupport
import NIOCore
import Testing

/// A caller running on an event loop gets the pooled connection on that loop, so its commands
/// need no thread hop; callers elsewhere keep spreading over the pool.
@Suite("Pool loop affinity")
struct RedisLoopAffinityTests {
    /// The server-side id of the connection a command went out on.
    func clientID(_ client: RedisClient) async throws -> Int64 {
        let reply = try await client.send(["CLIENT", "ID"])
        return try #require(reply.int)
    }

    @Test func aCallerOnALoopUsesThatLoopsConnection() async throws {
        try await withClient(.v3) { client, _ async throws in
            // Fill the pool: round robin touches every slot.
            var spread: Set<Int64> = []
            for _ in 0..<8 { spread.insert(try await clientID(client)) }
            #expect(spread.count == client.options.poolSize)

            let connection = try await client.pooledConnection()
            let seen = try await withTaskExecutorPreference(connection.taskExecutor) {
                var ids: Set<Int64> = []
                for _ in 0..<8 { ids.insert(try await clientID(client)) }
                return ids
            }
            // One connection for all of them (round robin would have used every slot).
            #expect(seen.count == 1)
        }
    }

    @Test func concurrentCallersOnALoopKeepTheirOrder() async throws {
        try await withClient(.v3) { client, _ async throws in
            let connection = try await client.pooledConnection()
            let executor = connection.taskExecutor
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask(executorPreference: executor) {
                        for index in 0..<50 { _ = try await client.send(["RPUSH", "order:\(task)", "\(index)"]) }
                    }
                }
                try await group.waitForAll()
            }
            for task in 0..<8 {
                let stored = try await client.send(["LRANGE", "order:\(task)", "0", "-1"])
                #expect(stored.array?.compactMap(\.string) == (0..<50).map(String.init))
            }
        }
    }

    @Test func aCommandOnAKilledConnectionFailsClearlyAndTheNextReconnects() async throws {
        try await withClient(.v3) { client, _ async throws in
            let connection = try await client.pooledConnection()
            let id = try #require(try await connection.send(["CLIENT", "ID"]).int)
            let admin = RedisClient(url: client.url, options: testOptions(.v3))
            _ = try await admin.send(["CLIENT", "KILL", "ID", String(id)])
            // Wait (boundedly) until the client has seen the close.
            for _ in 0..<400 where connection.isConnected { try await Task.sleep(for: .milliseconds(10)) }
            #expect(!connection.isConnected)
            await #expect(throws: RedisError.self) { _ = try await connection.send(["PING"]) }
            let pushed = try await withTaskExecutorPreference(connection.taskExecutor) {
                try await client.send(["RPUSH", "after-kill", "one"])
            }
            #expect(pushed.int == 1)
            #expect(try await admin.send(["LLEN", "after-kill"]).int == 1)
            await admin.close()
        }
    }
}
