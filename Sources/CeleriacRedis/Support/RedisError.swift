/// Everything that can go wrong talking to Redis, each with a message a user understands.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered with an error reply, such as `ERR unknown command` or `WRONGTYPE ...`.
    case server(String)
    /// The connection closed (or could not be made) before the reply arrived.
    case connectionClosed(String)
    /// No reply within the command's timeout.
    case timeout(String)
    /// The server sent bytes that are not valid RESP; the connection was dropped.
    case protocolError(String)
    /// A URL that cannot be used.
    case invalidURL(String, reason: String)
    /// A reply of an unexpected shape for the command that was sent.
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .server(let message): return message
        case .connectionClosed(let message): return message
        case .timeout(let message): return message
        case .protocolError(let message): return "protocol error: \(message)"
        case .invalidURL(let url, let reason): return "invalid broker URL '\(url)': \(reason)"
        case .unexpectedReply(let message): return "unexpected reply: \(message)"
        }
    }

    /// The server error's code word (`NOSCRIPT`, `WRONGTYPE`, `ERR`), if this is a server error.
    public var serverCode: String? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }
}
