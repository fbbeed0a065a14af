import CeleriacRESP
import NIOCore

extension RedisConnection {
    /// `HELLO 3 [AUTH user pass] [SETNAME name]`, falling back to RESP2 (`AUTH`, `CLIENT
    /// SETNAME`) when the server does not know HELLO or protocol 3; then `SELECT db`.
    /// Returns the protocol in use.
    static func handshake(
        url: RedisURL, options: RedisOptions, timeout: TimeAmount,
        send: (RedisCommand) async throws(RedisError) -> RESPValue
    ) async throws(RedisError) -> RESPVersion {
        var version = RESPVersion.v2
        if options.protocolVersion == .v3 {
            var hello = ["HELLO", "3"]
            if let password = url.password { hello += ["AUTH", url.username ?? "default", password] }
            if let name = options.clientName { hello += ["SETNAME", name] }
            do throws(RedisError) {
                let reply = try await send(RedisCommand(hello))
                guard case .map = reply else {
                    throw RedisError.unexpectedReply("HELLO 3 to \(url) answered \(reply) instead of a map")
                }
                version = .v3
            } catch {
                guard case .server(let message) = error, Self.isHelloUnsupported(message) else { throw error }
                options.logger.debug("redis server does not speak RESP3, using RESP2", metadata: ["url": "\(url)", "reply": "\(message)"])
            }
        }
        if version == .v2 {
            if let password = url.password {
                var auth = ["AUTH"]
                if let username = url.username { auth.append(username) }
                auth.append(password)
                _ = try await send(RedisCommand(auth))
            }
            if let name = options.clientName { _ = try await send(RedisCommand(["CLIENT", "SETNAME", name])) }
        }
        if url.database != 0 {
            _ = try await send(RedisCommand(["SELECT", String(url.database)]))
        }
        return version
    }

    /// `-ERR unknown command 'HELLO'` (Redis before 6) or `-NOPROTO` (protocol 3 refused).
    static func isHelloUnsupported(_ message: String) -> Bool {
        if message.hasPrefix("NOPROTO") { return true }
        return message.lowercased().contains("unknown command")
    }
}
