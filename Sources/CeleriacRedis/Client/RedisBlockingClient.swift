import CeleriacRESP
import NIOCore
import NIOPosix

/// What a blocking pop returned: the list it came from and the element.
public struct RedisPopResult: Sendable, Hashable {
    /// The list the element was popped from.
    public var key: String
    /// The element.
    public var value: [UInt8]

    public init(key: String, value: [UInt8]) {
        self.key = key
        self.value = value
    }
}

/// A client with one dedicated connection for blocking commands (BRPOP, BLPOP), so a pop that
/// waits for seconds holds up nothing else. The connection is replaced (with backoff) when it
/// breaks. Use one per consumer; concurrent pops on one instance queue behind each other.
public final class RedisBlockingClient: Sendable {
    private let slot: RedisConnectionSlot
    private let options: RedisOptions

    /// A blocking client for `url`; it connects on the first command.
    public convenience init(url: RedisURL, options: RedisOptions = RedisOptions(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.init(endpoints: RedisEndpoints(url), options: options, eventLoopGroup: eventLoopGroup)
    }

    /// A blocking client that fails over between `endpoints`.
    public init(endpoints: RedisEndpoints, options: RedisOptions = RedisOptions(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
    {
        self.options = options
        slot = RedisConnectionSlot(endpoints: endpoints, options: options, group: eventLoopGroup)
    }

    /// `BRPOP keys... timeout`: the last element of the first non-empty list, in key order,
    /// waiting up to `timeout` seconds (fractions allowed, 0 waits forever). Nil on timeout.
    /// - Parameter commandTimeout: how long to wait for the reply; by default the block time
    ///   plus ``RedisOptions/blockingTimeoutMargin`` when one is set, otherwise as long as the
    ///   connection lives.
    public func brpop(keys: [String], timeout: Double, commandTimeout: Duration? = nil) async throws(RedisError) -> RedisPopResult? {
        try await pop("BRPOP", keys: keys, timeout: timeout, commandTimeout: commandTimeout)
    }

    /// `BLPOP keys... timeout`, like ``brpop(keys:timeout:commandTimeout:)`` from the head.
    public func blpop(keys: [String], timeout: Double, commandTimeout: Duration? = nil) async throws(RedisError) -> RedisPopResult? {
        try await pop("BLPOP", keys: keys, timeout: timeout, commandTimeout: commandTimeout)
    }

    private func pop(_ name: String, keys: [String], timeout: Double, commandTimeout: Duration?) async throws(RedisError) -> RedisPopResult? {
        var arguments = [name]
        arguments.append(contentsOf: keys)
        arguments.append(Self.format(timeout))
        var limit = commandTimeout
        if limit == nil, timeout > 0, let margin = options.blockingTimeoutMargin {
            limit = .nanoseconds(Int64(timeout * 1e9)) + margin
        }
        let reply = try await send(RedisCommand(arguments), timeout: limit)
        if reply.isNull { return nil }
        guard let items = reply.array, items.count == 2, let key = items[0].string, let value = items[1].bytes else {
            throw .unexpectedReply("\(name) answered \(reply)")
        }
        return RedisPopResult(key: key, value: value)
    }

    /// Sends any command on the dedicated connection. `timeout` nil waits without limit.
    /// Cancelling the calling task closes the connection (the next call reconnects), since a
    /// blocked command cannot be taken back any other way.
    public func send(_ command: RedisCommand, timeout: Duration?) async throws(RedisError) -> RESPValue {
        let connection = try await slot.connection(deadline: ContinuousClock.now + options.commandTimeout)
        let result: Result<RESPValue, RedisError> = await withTaskCancellationHandler {
            do throws(RedisError) {
                if let timeout { return .success(try await connection.send(command, timeout: timeout)) }
                return .success(try await connection.sendWithoutTimeout(command))
            } catch {
                return .failure(error)
            }
        } onCancel: {
            connection.closeNow()
        }
        return try result.get()
    }

    /// Closes the connection.
    public func close() async {
        await slot.shutDown()
    }

    /// Redis takes the timeout as a decimal: `1`, `0.5`.
    static func format(_ seconds: Double) -> String {
        let clamped = max(0, seconds)
        if clamped == clamped.rounded(), clamped < 1e15 { return String(Int64(clamped)) }
        return String(clamped)
    }
}
