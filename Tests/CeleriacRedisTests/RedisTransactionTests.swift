import CeleriacRedis
import Testing

@Suite("Transactions and scripts")
struct RedisTransactionTests {
    @Test(arguments: [RESPVersion.v2, .v3])
    func multiExecReturnsEveryReply(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            let results = try await client.transaction([
                RedisCommand(["SET", "a", "1"]),
                RedisCommand(["INCR", "a"]),
                RedisCommand(["LPUSH", "a", "x"]),
            ])
            let values = try #require(results)
            #expect(values.count == 3)
            #expect(values[0] == .simpleString("OK"))
            #expect(values[1] == .integer(2))
            // An error inside EXEC is a value in the array, not a failure of the transaction.
            #expect(values[2].isError)
        }
    }

    @Test func aCommandRefusedWhileQueueingAbortsWithItsOwnError() async throws {
        try await withClient { client, _ async throws in
            await #expect {
                try await client.transaction([RedisCommand(["SET", "a", "1"]), RedisCommand(["NOSUCHCOMMAND"])])
            } throws: { error in
                guard case .server(let message) = error as? RedisError else { return false }
                return message.contains("unknown command")
            }
            #expect(try await client.get("a") == nil)
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func watchAbortsExecAfterAConflictingWrite(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            try await client.set("unacked", "v1")
            let aborted = try await client.withConnection { connection in
                _ = try await connection.send(["WATCH", "unacked"])
                _ = try await connection.get("unacked")
                // Another connection changes the watched key.
                try await client.set("unacked", "v2")
                return try await connection.transaction([RedisCommand(["SET", "unacked", "mine"])])
            }
            #expect(aborted == nil)
            #expect(try await client.getString("unacked") == "v2")

            let committed = try await client.withConnection { connection in
                _ = try await connection.send(["WATCH", "unacked"])
                return try await connection.transaction([RedisCommand(["SET", "unacked", "mine"])])
            }
            #expect(committed == [.simpleString("OK")])
            #expect(try await client.getString("unacked") == "mine")
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func evalSHALoadsTheScriptOnNoScript(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            _ = try await client.send(["SCRIPT", "FLUSH"])
            let script = RedisScript("redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], ARGV[1]}")
            #expect(try await client.send(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(0)]))
            let reply = try await client.evalSHA(script, keys: ["k"], arguments: ["v"])
            #expect(reply == .array([.bulk("k"), .bulk("v")]))
            #expect(try await client.send(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(1)]))
            #expect(try await client.getString("k") == "v")
            // Second call runs straight from the cache.
            #expect(try await client.evalSHA(script, keys: ["k"], arguments: ["w"]) == .array([.bulk("k"), .bulk("w")]))
        }
    }

    @Test func scriptErrorsAreServerErrors() async throws {
        try await withClient { client, _ async throws in
            await #expect {
                try await client.evalSHA(RedisScript("return redis.call('NOSUCH')"))
            } throws: { error in
                guard case .server = error as? RedisError else { return false }
                return true
            }
        }
    }
}
