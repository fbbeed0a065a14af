import CeleriacRESP

/// A Lua script and its SHA-1, computed locally the way Redis names scripts.
public struct RedisScript: Sendable, Hashable {
    /// The Lua source, sent by `SCRIPT LOAD` when the server lacks the script.
    public let source: String
    /// Lowercase hex SHA-1 of the source's UTF-8 bytes, what `SCRIPT LOAD` returns.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        sha1 = SHA1.hex(Array(source.utf8))
    }
}

extension RedisCommandSending {
    /// Runs a script by its SHA-1 (`EVALSHA`). When the server does not have it (`NOSCRIPT`),
    /// loads it with `SCRIPT LOAD` and tries once more.
    public func evalSHA(_ script: RedisScript, keys: [String] = [], arguments: [String] = []) async throws(RedisError) -> RESPValue {
        try await evalSHA(script, keys: keys, arguments: arguments.map { Array($0.utf8) })
    }

    /// `evalSHA` with arguments as raw bytes (message bodies need not be UTF-8 text).
    public func evalSHA(_ script: RedisScript, keys: [String] = [], arguments: [[UInt8]]) async throws(RedisError) -> RESPValue {
        let command = RedisCommand((["EVALSHA", script.sha1, String(keys.count)] + keys).map { Array($0.utf8) } + arguments)
        do {
            return try await send(command)
        } catch where error.serverCode == "NOSCRIPT" {
            let loaded = try await send(RedisCommand(["SCRIPT", "LOAD", script.source]))
            guard loaded.string == script.sha1 else {
                throw .unexpectedReply("SCRIPT LOAD answered \(loaded), expected \(script.sha1)")
            }
            return try await send(command)
        }
    }
}
