import CeleriacRESP
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Redis client with a small pool of connections for ordinary commands.
///
/// Commands are spread round-robin over `poolSize` connections, each created on first use and
/// replaced (with capped exponential backoff between attempts) when it breaks. Since each
/// connection pipelines, many commands share a connection; a command never waits for another
/// caller's reply beyond the server's own order. Work that needs one connection to itself
/// (WATCH … MULTI … EXEC) leases one with ``withConnection(_:)``. Blocking pops and pub/sub
/// get dedicated connections from ``blockingClient()`` and ``subscriber()``.
public final class RedisClient: RedisCommandSending {
    /// Where the client connects now (its description masks the password).
    public var url: RedisURL { endpoints.current }
    /// The servers it fails over between.
    public let endpoints: RedisEndpoints
    /// Timeouts, pool size, backoff and logging.
    public let options: RedisOptions
    let group: any EventLoopGroup
    private let slots: [RedisConnectionSlot]
    private let next = NIOLockedValueBox(0)
    private let exclusive: NIOLockedValueBox<[RedisConnection]>

    /// A client for `url`. Nothing connects until the first command.
    public convenience init(url: RedisURL, options: RedisOptions = RedisOptions(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.init(endpoints: RedisEndpoints(url), options: options, eventLoopGroup: eventLoopGroup)
    }

    /// A client that fails over between `endpoints`; its blocking clients and subscribers
    /// share the rotation.
    public init(endpoints: RedisEndpoints, options: RedisOptions = RedisOptions(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
    {
        self.endpoints = endpoints
        self.options = options
        group = eventLoopGroup
        slots = (0..<options.poolSize).map { _ in RedisConnectionSlot(endpoints: endpoints, options: options, group: eventLoopGroup) }
        exclusive = NIOLockedValueBox([])
    }

    /// A client for a URL given as text.
    public convenience init(url text: String, options: RedisOptions = RedisOptions(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws(RedisError) {
        self.init(url: try RedisURL(parsing: text), options: options, eventLoopGroup: eventLoopGroup)
    }

    private var deadline: ContinuousClock.Instant { ContinuousClock.now + options.commandTimeout }

    /// A pooled connection, connecting or reconnecting if needed.
    ///
    /// A caller already running on an event loop (a task pinned there with
    /// `withTaskExecutorPreference`, see ``RedisEventLoopExecutor``, or NIO's loops serving as
    /// the global executor) gets the pool's connection on that loop when there is one: its
    /// command is written and its reply handled on the caller's own thread, with no hop to
    /// another thread and back, which costs a plain awaited command more than the I/O does.
    func pooledConnection() async throws(RedisError) -> RedisConnection {
        if MultiThreadedEventLoopGroup.currentEventLoop != nil {
            for slot in slots {
                if let connection = slot.current, connection.eventLoop.inEventLoop { return connection }
            }
        }
        let index = next.withLockedValue { value -> Int in
            value = value == Int.max ? 0 : value + 1
            return value % slots.count
        }
        let slot = slots[index]
        if let connection = slot.current { return connection }
        return try await slot.connection(deadline: deadline)
    }

    /// An executor on the event loop of one of the pool's connections (connecting it first if
    /// needed). A task that runs there (`withTaskExecutorPreference`) sends this client's
    /// commands on that connection and is resumed on the same thread when the reply arrives;
    /// concurrent tasks there still pipeline on it. Work that blocks or computes for long must
    /// not run there: it would hold up the loop's I/O.
    public func loopExecutor() async throws(RedisError) -> RedisEventLoopExecutor {
        try await pooledConnection().taskExecutor
    }

    /// Sends a command on the next pooled connection (connecting first if needed, for at
    /// most the command timeout). A command in flight when its connection fails is not
    /// retried: it may have run.
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        try await pooledConnection().send(command)
    }

    /// Sends a command of binary arguments on the next pooled connection, encoded on its event
    /// loop into a buffer the connection reuses (no buffer of its own per command).
    public func send(_ arguments: [[UInt8]]) async throws(RedisError) -> RESPValue {
        try await pooledConnection().send(arguments)
    }

    /// Sends the commands together on one pooled connection; see
    /// ``RedisConnection/pipeline(_:)-([RedisCommand])``.
    public func pipeline(_ commands: [RedisCommand]) async -> [Result<RESPValue, RedisError>] {
        do throws(RedisError) {
            return try await pooledConnection().pipeline(commands)
        } catch {
            return Array(repeating: .failure(error), count: commands.count)
        }
    }

    /// Runs `body` with a connection nobody else uses meanwhile: for WATCH, MULTI and EXEC
    /// issued one by one. The connection goes back to a small idle list afterwards; if `body`
    /// throws, it is closed instead, since it may be inside MULTI or hold a WATCH.
    public func withConnection<T>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        let idle = exclusive.withLockedValue { list -> RedisConnection? in
            while let connection = list.popLast() {
                if connection.isConnected { return connection }
            }
            return nil
        }
        let connection: RedisConnection
        if let idle {
            connection = idle
        } else {
            connection = try await RedisConnectionSlot(endpoints: endpoints, options: options, group: group).connection(deadline: deadline)
        }
        do {
            let result = try await body(connection)
            let kept = exclusive.withLockedValue { list -> Bool in
                guard connection.isConnected, list.count < options.poolSize else { return false }
                list.append(connection)
                return true
            }
            if !kept { await connection.close() }
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// A client with its own connection for blocking pops (BRPOP), which would otherwise
    /// hold up every command queued behind them.
    public func blockingClient() -> RedisBlockingClient {
        RedisBlockingClient(endpoints: endpoints, options: options, eventLoopGroup: group)
    }

    /// A subscriber with its own connection.
    public func subscriber() -> RedisSubscriber {
        RedisSubscriber(endpoints: endpoints, options: options, eventLoopGroup: group)
    }

    /// Closes every connection. Commands sent afterwards fail.
    public func close() async {
        for slot in slots { await slot.shutDown() }
        let idle = exclusive.withLockedValue { list -> [RedisConnection] in
            defer { list.removeAll() }
            return list
        }
        for connection in idle { await connection.close() }
    }
}
