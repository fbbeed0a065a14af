import CeleriacRESP
import CeleriacRedis
import Testing

/// The project's own Redis client against the broker, in RESP2 and RESP3.
@Suite("CeleriacRedis client on the broker")
struct RedisClientTests {
    @Test(arguments: [RESPVersion.v2, .v3])
    func commandsInBothProtocols(version: RESPVersion) async throws {
        try await withBroker({ $0.password = "pw" }) { server in
            var options = RedisOptions()
            options.protocolVersion = version
            let url = try RedisURL(parsing: "redis://:pw@127.0.0.1:\(server.port)/2")
            let connection = try await RedisConnection.connect(to: url, options: options)
            #expect(try await connection.send(["SET", "k", "v"]) == .simpleString("OK"))
            #expect(try await connection.send(["GET", "k"]) == .bulkString(Array("v".utf8)))
            #expect(try await connection.send(["HSET", "h", "a", "1", "b", "2"]) == .integer(2))
            let all = try await connection.send(["HGETALL", "h"])
            if version == .v3 {
                guard case .map(let pairs) = all else {
                    Issue.record("HGETALL in RESP3 should be a map, got \(all)")
                    return
                }
                #expect(pairs.count == 2)
            } else {
                // Field order is the engine's (a hash table's), so compare as pairs.
                let items = all.array?.compactMap(\.string) ?? []
                #expect(items.count == 4)
                let pairs = stride(from: 0, to: items.count - 1, by: 2).map { items[$0] + "=" + items[$0 + 1] }
                #expect(Set(pairs) == ["a=1", "b=2"])
            }
            let client = try await connection.send(["CLIENT", "LIST"])
            #expect(client.string?.contains("db=2") == true, "\(client)")
            await connection.close()
        }
    }
}
