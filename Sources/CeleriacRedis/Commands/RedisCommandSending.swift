import CeleriacRESP

/// Anything commands can be sent through: a single ``RedisConnection`` or a ``RedisClient``
/// pool. The convenience commands are written once, against this protocol.
public protocol RedisCommandSending: Sendable {
    /// Sends one command and returns its reply; an error reply is thrown as
    /// ``RedisError/server(_:)``.
    func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue

    /// Sends several commands in one write and returns every reply in order.
    func pipeline(_ commands: [RedisCommand]) async -> [Result<RESPValue, RedisError>]
}

extension RedisCommandSending {
    /// Sends a command given as text arguments: `send(["GET", "key"])`.
    public func send(_ arguments: [String]) async throws(RedisError) -> RESPValue {
        try await send(RedisCommand(arguments))
    }

    /// Sends a command given as binary arguments.
    public func send(_ arguments: [[UInt8]]) async throws(RedisError) -> RESPValue {
        try await send(RedisCommand(arguments))
    }

    /// Sends a command given as a name and mixed arguments: `send("EXPIRE", "key", 10)`.
    public func send(_ name: String, _ arguments: RedisArgument...) async throws(RedisError) -> RESPValue {
        try await send(RedisCommand(name, arguments: arguments))
    }

    /// Pipelines commands given as text arguments.
    public func pipeline(_ commands: [[String]]) async -> [Result<RESPValue, RedisError>] {
        await pipeline(commands.map { RedisCommand($0) })
    }
}
