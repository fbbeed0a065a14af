import Testing

@testable import CeleriacRedis

@Suite("Redis URLs")
struct RedisURLTests {
    @Test func fullTCPForm() throws {
        let url = try RedisURL(parsing: "redis://alice:s3cret@cache.local:6380/5")
        #expect(url.endpoint == .tcp(host: "cache.local", port: 6380))
        #expect(url.username == "alice")
        #expect(url.password == "s3cret")
        #expect(url.database == 5)
        #expect(url.description == "redis://alice:***@cache.local:6380/5")
    }

    @Test func defaults() throws {
        let url = try RedisURL(parsing: "redis://localhost")
        #expect(url.endpoint == .tcp(host: "localhost", port: 6379))
        #expect(url.database == 0)
        #expect(url.password == nil)
    }

    @Test func passwordOnly() throws {
        let url = try RedisURL(parsing: "redis://:pw@127.0.0.1:7000/1")
        #expect(url.username == nil)
        #expect(url.password == "pw")
        #expect(url.description == "redis://:***@127.0.0.1:7000/1")
    }

    @Test func unixSocket() throws {
        let url = try RedisURL(parsing: "unix:///tmp/redis.sock?db=3")
        #expect(url.endpoint == .unix(path: "/tmp/redis.sock"))
        #expect(url.database == 3)
    }

    @Test(arguments: [
        ("http://localhost:6379/0", "unknown scheme 'http'"),
        ("redis://localhost:99999/0", "port '99999'"),
        ("redis://localhost:abc/0", "port 'abc'"),
        ("redis://localhost:6379/x", "database 'x'"),
        ("redis://localhost:6379/-1", "database '-1'"),
        ("localhost:6379", "expected redis://"),
    ])
    func rejectsBadURLs(text: String, reason: String) {
        #expect {
            try RedisURL(parsing: text)
        } throws: { error in
            guard let error = error as? RedisError, case .invalidURL(let url, let why) = error else { return false }
            return url == text && why.contains(reason)
        }
    }
}
