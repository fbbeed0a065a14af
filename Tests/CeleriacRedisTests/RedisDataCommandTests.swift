import CeleriacRedis
import Testing

@Suite("Data commands against redis-server")
struct RedisDataCommandTests {
    @Test(arguments: [RESPVersion.v2, .v3])
    func negotiatesTheRequestedProtocol(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            let negotiated = try await client.withConnection { $0.protocolVersion }
            #expect(negotiated == version)
            let name = try await client.send(["CLIENT", "GETNAME"]).string
            #expect(name == "celeriac-test")
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func strings(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            #expect(try await client.ping() == "PONG")
            #expect(try await client.get("missing") == nil)
            try await client.set("greeting", "héllo")
            #expect(try await client.getString("greeting") == "héllo")
            #expect(try await client.set("greeting", "other", onlyIfAbsent: true) == false)
            let binary: [UInt8] = [0x00, 0x06, 0x16, 0xFF, 0x0D, 0x0A]
            try await client.set("binary", binary)
            #expect(try await client.get("binary") == binary)
            #expect(try await client.incr("counter") == 1)
            #expect(try await client.incr("counter", by: 41) == 42)
            #expect(try await client.exists(["greeting", "binary", "nope"]) == 2)
            #expect(try await client.del(["greeting", "binary", "nope"]) == 2)
            #expect(try await client.get("greeting") == nil)
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func wrongTypeIsAServerError(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            try await client.set("text", "x")
            await #expect {
                try await client.lpush("text", [[1]])
            } throws: { error in
                (error as? RedisError)?.serverCode == "WRONGTYPE"
            }
            // The connection is still usable after an error reply.
            #expect(try await client.getString("text") == "x")
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func lists(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            #expect(try await client.rpush("list", [Array("b".utf8), Array("c".utf8)]) == 2)
            #expect(try await client.lpush("list", [Array("a".utf8)]) == 3)
            #expect(try await client.llen("list") == 3)
            #expect(try await client.lrange("list", 0, -1) == ["a", "b", "c"])
            #expect(try await client.rpop("list") == Array("c".utf8))
            #expect(try await client.llen("list") == 2)
            #expect(try await client.rpop("empty") == nil)
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func hashes(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            #expect(try await client.hset("h", "f1", Array("v1".utf8)) == 1)
            #expect(try await client.hset("h", "f1", Array("v1b".utf8)) == 0)
            #expect(try await client.hset("h", "f2", Array("v2".utf8)) == 1)
            #expect(try await client.hget("h", "f1") == Array("v1b".utf8))
            #expect(try await client.hget("h", "none") == nil)
            #expect(try await client.hgetall("h") == ["f1": Array("v1b".utf8), "f2": Array("v2".utf8)])
            #expect(try await client.hdel("h", ["f1", "none"]) == 1)
            #expect(try await client.hgetall("h").keys.sorted() == ["f2"])
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func setsAndSortedSets(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            #expect(try await client.sadd("s", ["a", "b", "a"]) == 2)
            #expect(try await client.smembers("s") == ["a", "b"])
            #expect(try await client.srem("s", ["a"]) == 1)
            #expect(try await client.smembers("s") == ["b"])

            try await client.zadd("z", score: 2.5, member: "two")
            try await client.zadd("z", score: 1, member: "one")
            try await client.zadd("z", score: -3.25, member: "minus")
            let range = try await client.zrangeWithScores("z", 0, -1)
            #expect(range.map(\.member) == ["minus", "one", "two"])
            #expect(range.map(\.score) == [-3.25, 1, 2.5])
            #expect(try await client.zrem("z", ["one"]) == 1)
            #expect(try await client.zrangeWithScores("z", 0, -1).map(\.member) == ["minus", "two"])
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func expiry(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            try await client.set("k", "v")
            #expect(try await client.pttl("k") == -1)
            #expect(try await client.pttl("missing") == -2)
            #expect(try await client.pexpire("k", milliseconds: 100_000))
            let left = try await client.pttl("k")
            #expect(left > 0 && left <= 100_000)
            #expect(try await client.pexpire("missing", milliseconds: 10) == false)
            try await client.set("short", "v", expireMilliseconds: 30)
            try await eventually("the key to expire") { try await client.get("short") == nil }
        }
    }

    @Test func commandsFromATaskOnTheConnectionsEventLoop() async throws {
        try await withServer { server async throws in
            let connection = try await RedisConnection.connect(to: try RedisURL(parsing: server.url()), options: testOptions())
            let values = try await withTaskExecutorPreference(connection.taskExecutor) {
                var values: [Int64] = []
                for _ in 0..<50 { values.append(try await connection.send(["INCR", "n"]).int ?? -1) }
                var pipeline = RedisPipeline()
                for _ in 0..<50 { pipeline.append(["INCR", "n"]) }
                for result in await connection.pipeline(pipeline) { values.append(try result.get().int ?? -1) }
                return values
            }
            #expect(values == (1...100).map { Int64($0) })
            await connection.close()
        }
    }

    @Test func concurrentLargeCommandsOnOneConnectionStayIntact() async throws {
        // Commands encoded on the loop share one reusable buffer; values larger than the
        // socket buffer leave it half-written, which must never corrupt the next command.
        try await withServer { server async throws in
            let connection = try await RedisConnection.connect(to: try RedisURL(parsing: server.url()), options: testOptions())
            let values = (0..<16).map { index in String(repeating: String(UnicodeScalar(UInt8(65 + index))), count: 300_000 + index) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, value) in values.enumerated() {
                    group.addTask { _ = try await connection.send(["SET", "big-\(index)", value]) }
                    group.addTask { _ = try await connection.send([Array("RPUSH".utf8), Array("bin".utf8), [UInt8(index), 0, 13, 10]]) }
                }
                try await group.waitForAll()
            }
            for (index, value) in values.enumerated() {
                #expect(try await connection.send(["GET", "big-\(index)"]).string == value)
            }
            #expect(try await connection.llen("bin") == 16)
            await connection.close()
        }
    }

    @Test func selectsTheDatabaseFromTheURL() async throws {
        try await withClient(.v3, db: 3) { client, server async throws in
            try await client.set("where", "db3")
            let other = try RedisClient(url: server.url(db: 0), options: testOptions())
            #expect(try await other.get("where") == nil)
            #expect(try await other.send(["SELECT", "3"]) == .simpleString("OK"))
            await other.close()
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func pipelineKeepsOrderAndIsolatesErrors(version: RESPVersion) async throws {
        try await withClient(version) { client, _ async throws in
            var commands: [[String]] = (1...100).map { _ in ["INCR", "n"] }
            commands.insert(["LPUSH", "n", "x"], at: 50)
            let replies = try await client.withConnection { connection in await connection.pipeline(commands.map { RedisCommand($0) }) }
            #expect(replies.count == 101)
            #expect(replies[50].isFailure)
            let numbers = replies.enumerated().filter { $0.offset != 50 }.map { try? $0.element.get().int }
            #expect(numbers == (1...100).map { Int64($0) })
        }
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
