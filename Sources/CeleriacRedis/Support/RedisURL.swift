/// Where and how to connect to a Redis server, parsed from a URL.
///
/// Accepted forms: `redis://[[user]:password@]host[:port][/db]` and
/// `unix:///path/to/socket[?db=N][&password=P]`. Port defaults to 6379 and db to 0.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    /// A TCP host and port, or a Unix socket path.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint
    public var username: String?
    public var password: String?
    public var database: Int

    public init(endpoint: Endpoint, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a URL, throwing ``RedisError`` with a message that names the defect.
    public init(parsing text: String) throws(RedisError) {
        let trimmed = text.trimmingSpaces
        guard let schemeEnd = trimmed.firstRange(of: "://") else {
            throw RedisError.invalidURL(text, reason: "expected redis://host:port/db or unix:///path")
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        var rest = String(trimmed[schemeEnd.upperBound...])
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for item in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = item.split(separator: "=", maxSplits: 1)
                query[String(parts[0])] = parts.count > 1 ? Self.percentDecoded(String(parts[1])) : ""
            }
            rest = String(rest[..<mark])
        }
        switch scheme {
        case "redis":
            var username: String?
            var password: String?
            if let at = rest.lastIndex(of: "@") {
                let credentials = String(rest[..<at])
                rest = String(rest[rest.index(after: at)...])
                if let colon = credentials.firstIndex(of: ":") {
                    let user = String(credentials[..<colon])
                    username = user.isEmpty ? nil : Self.percentDecoded(user)
                    password = Self.percentDecoded(String(credentials[credentials.index(after: colon)...]))
                } else if !credentials.isEmpty {
                    // redis://secret@host: a lone credential is the password, as redis-py reads it.
                    password = Self.percentDecoded(credentials)
                }
            }
            var database = 0
            if let slash = rest.firstIndex(of: "/") {
                let dbText = String(rest[rest.index(after: slash)...])
                rest = String(rest[..<slash])
                if !dbText.isEmpty {
                    guard let number = Int(dbText), number >= 0 else {
                        throw RedisError.invalidURL(text, reason: "database '\(dbText)' is not a number from 0 up")
                    }
                    database = number
                }
            }
            if let dbText = query["db"] {
                guard let number = Int(dbText), number >= 0 else {
                    throw RedisError.invalidURL(text, reason: "database '\(dbText)' is not a number from 0 up")
                }
                database = number
            }
            if let queryPassword = query["password"] { password = queryPassword }
            var host = rest
            var port = 6379
            if host.hasPrefix("[") {
                // IPv6 literal: [::1]:6379
                guard let close = host.firstIndex(of: "]") else {
                    throw RedisError.invalidURL(text, reason: "unclosed '[' in host")
                }
                let after = host[host.index(after: close)...]
                let literal = String(host[host.index(after: host.startIndex)..<close])
                if after.hasPrefix(":") { port = try Self.port(String(after.dropFirst()), url: text) }
                host = literal
            } else if let colon = host.lastIndex(of: ":") {
                port = try Self.port(String(host[host.index(after: colon)...]), url: text)
                host = String(host[..<colon])
            }
            if host.isEmpty { host = "127.0.0.1" }
            self.init(endpoint: .tcp(host: host, port: port), username: username, password: password, database: database)
        case "unix", "redis+socket":
            guard !rest.isEmpty else { throw RedisError.invalidURL(text, reason: "missing socket path") }
            var database = 0
            if let dbText = query["db"] {
                guard let number = Int(dbText), number >= 0 else {
                    throw RedisError.invalidURL(text, reason: "database '\(dbText)' is not a number from 0 up")
                }
                database = number
            }
            self.init(endpoint: .unix(path: rest), username: query["username"], password: query["password"], database: database)
        case "rediss":
            throw RedisError.invalidURL(text, reason: "TLS (rediss://) is not supported yet; use redis:// or unix://")
        default:
            throw RedisError.invalidURL(text, reason: "unknown scheme '\(scheme)' (use redis:// or unix://)")
        }
    }

    private static func port(_ text: String, url: String) throws(RedisError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw RedisError.invalidURL(url, reason: "port '\(text)' is not a number from 1 to 65535")
        }
        return port
    }

    private static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The URL with any password masked, safe to log.
    public var description: String { render(maskPassword: true) }

    /// The URL text; with `maskPassword`, the password shows as `***`.
    public func render(maskPassword: Bool) -> String {
        let secret = password.map { maskPassword ? "***" : $0 }
        switch endpoint {
        case .tcp(let host, let port):
            var auth = ""
            if let secret { auth = "\(username ?? ""):\(secret)@" } else if let username { auth = "\(username)@" }
            let hostText = host.contains(":") ? "[\(host)]" : host
            return "redis://\(auth)\(hostText):\(port)/\(database)"
        case .unix(let path):
            var text = "unix://\(path)?db=\(database)"
            if let secret { text += "&password=\(secret)" }
            return text
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
