import CeleriacRedis
import Testing

@Suite("Redis URLs")
struct RedisURLTests {
    @Test func tcpForms() throws {
        #expect(try RedisURL(parsing: "redis://127.0.0.1:6380/2")
            == RedisURL(endpoint: .tcp(host: "127.0.0.1", port: 6380), database: 2))
        #expect(try RedisURL(parsing: "redis://localhost") == RedisURL(endpoint: .tcp(host: "localhost", port: 6379)))
        #expect(try RedisURL(parsing: "redis://:s%40cret@h:1/0").password == "s@cret")
        let full = try RedisURL(parsing: "redis://alice:pw@[::1]:7000/3")
        #expect(full == RedisURL(endpoint: .tcp(host: "::1", port: 7000), username: "alice", password: "pw", database: 3))
        #expect(try RedisURL(parsing: "redis://pw@host:1").password == "pw")
    }

    @Test func unixForm() throws {
        #expect(try RedisURL(parsing: "unix:///tmp/redis.sock?db=4&password=x")
            == RedisURL(endpoint: .unix(path: "/tmp/redis.sock"), password: "x", database: 4))
    }

    @Test func passwordsAreMaskedWhenPrinted() throws {
        let url = try RedisURL(parsing: "redis://:hunter2@127.0.0.1:6379/0")
        #expect(url.description == "redis://:***@127.0.0.1:6379/0")
        #expect(!"\(url)".contains("hunter2"))
        #expect(url.render(maskPassword: false) == "redis://:hunter2@127.0.0.1:6379/0")
    }

    @Test("bad URLs give errors that name the defect", arguments: [
        ("http://host", "unknown scheme 'http'"),
        ("redis://host:99999", "port '99999'"),
        ("redis://host:abc", "port 'abc'"),
        ("redis://host/x", "database 'x'"),
        ("redis://host/-1", "database '-1'"),
        ("localhost:6379", "expected redis://"),
        ("unix://", "missing socket path"),
    ])
    func badURLs(_ text: String, _ expected: String) {
        #expect {
            try RedisURL(parsing: text)
        } throws: { error in
            "\(error)".contains(expected) && "\(error)".contains("invalid broker URL")
        }
    }
}
