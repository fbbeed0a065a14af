import CeleriacRedis
import CeleriacTestSupport
import Testing

@Suite("Authentication")
struct RedisAuthTests {
    @Test(arguments: [RESPVersion.v2, .v3])
    func wrongPasswordIsRefused(version: RESPVersion) async throws {
        try await withServer(password: "right-horse") { server async throws in
            let url = try RedisURL(parsing: "redis://:wrong-horse@127.0.0.1:\(server.port)/0")
            await #expect {
                try await RedisConnection.connect(to: url, options: testOptions(version))
            } throws: { error in
                guard let error = error as? RedisError else { return false }
                return error.serverCode == "WRONGPASS" && !error.description.contains("wrong-horse")
            }
        }
    }

    @Test func missingPasswordIsRefused() async throws {
        try await withServer(password: "right-horse") { server async throws in
            let url = try RedisURL(parsing: "redis://127.0.0.1:\(server.port)/0")
            await #expect {
                try await RedisConnection.connect(to: url, options: testOptions())
            } throws: { error in
                (error as? RedisError)?.serverCode == "NOAUTH"
            }
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func rightPasswordWorks(version: RESPVersion) async throws {
        try await withServer(password: "right-horse") { server async throws in
            let url = try RedisURL(parsing: server.url(db: 2))
            let connection = try await RedisConnection.connect(to: url, options: testOptions(version))
            #expect(connection.protocolVersion == version)
            #expect(try await connection.ping() == "PONG")
            #expect(try await connection.send(["CLIENT", "INFO"]).string?.contains("db=2") == true)
            await connection.close()
        }
    }

    @Test func explicitUserNameIsSent() async throws {
        try await withServer(password: "right-horse") { server async throws in
            let url = try RedisURL(parsing: "redis://default:right-horse@127.0.0.1:\(server.port)/0")
            let connection = try await RedisConnection.connect(to: url, options: testOptions())
            #expect(try await connection.send(["ACL", "WHOAMI"]).string == "default")
            await connection.close()
        }
    }
}
