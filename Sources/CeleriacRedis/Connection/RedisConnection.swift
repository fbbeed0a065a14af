import CeleriacRESP
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// One connection to Redis over one NIO channel.
///
/// Commands may be sent from any task at any time: they are written in call order and
/// replies are matched first in, first out, so many commands can be in flight at once. A
/// connection that fails (closed, malformed reply, timeout) stays failed and every later
/// command fails fast with the reason; ``RedisClient`` replaces such connections.
public final class RedisConnection: RedisCommandSending {
    /// Where this connection goes (the description masks the password).
    public let url: RedisURL
    /// The protocol agreed in the handshake.
    public let protocolVersion: RESPVersion
    /// The event loop the channel runs on.
    public let eventLoop: any EventLoop
    /// An executor on ``eventLoop``, made once: a send that runs under it as a task executor
    /// preference takes no allocation for it (see ``RedisEventLoopExecutor``).
    public let taskExecutor: RedisEventLoopExecutor
    let channel: any Channel
    private let handler: NIOLoopBound<RedisChannelHandler>
    private let commandTimeout: TimeAmount

    private init(url: RedisURL, protocolVersion: RESPVersion, channel: any Channel, handler: NIOLoopBound<RedisChannelHandler>, commandTimeout: TimeAmount) {
        self.url = url
        self.protocolVersion = protocolVersion
        self.channel = channel
        eventLoop = channel.eventLoop
        taskExecutor = RedisEventLoopExecutor(eventLoop: channel.eventLoop)
        self.handler = handler
        self.commandTimeout = commandTimeout
    }

    /// Connects, authenticates, names the client and selects the database.
    public static func connect(
        to url: RedisURL, options: RedisOptions = RedisOptions(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(RedisError) -> RedisConnection {
        try await connect(to: url, options: options, eventLoopGroup: eventLoopGroup, subscriberMode: false, onPush: nil)
    }

    static func connect(
        to url: RedisURL, options: RedisOptions, eventLoopGroup: any EventLoopGroup,
        subscriberMode: Bool, onPush: RedisChannelHandler.PushHandler?
    ) async throws(RedisError) -> RedisConnection {
        let endpoint = url.description
        let logger = options.logger
        // A subscriber's replies come when others publish: nothing to poll for.
        let replyPolling = subscriberMode ? nil : options.replyPolling
        var bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(options.connectTimeout))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            // Replies are small and the poller is level-triggered: one read per readiness
            // event saves the extra read that would only return EAGAIN on every reply.
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = RedisChannelHandler(endpoint: endpoint, subscriberMode: subscriberMode, logger: logger, onPush: onPush,
                                                      replyPolling: replyPolling)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            switch url.endpoint {
            case .tcp(let host, let port):
                bootstrap = bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1)
                #if os(Linux)
                // A peer that vanished without a reset is found in about 25 s, not the
                // kernel's default two hours: a blocking pop waits on nothing else.
                for (option, value) in [(TCP_KEEPIDLE, 10), (TCP_KEEPINTVL, 5), (TCP_KEEPCNT, 3)] {
                    bootstrap = bootstrap.channelOption(
                        ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: CInt(option))),
                        value: SocketOptionValue(value))
                }
                #endif
                channel = try await bootstrap.connect(host: host, port: port).get()
            case .unix(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch {
            throw .connectionClosed("cannot reach \(endpoint): \(RedisConnectError.describe(error))")
        }
        let handler: NIOLoopBound<RedisChannelHandler>
        do {
            handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: RedisChannelHandler.self), eventLoop: channel.eventLoop)
            }.get()
        } catch {
            channel.close(promise: nil)
            throw .connectionClosed("connection to \(endpoint) closed during setup: \(RedisConnectError.describe(error))")
        }
        let timeout = TimeAmount(options.commandTimeout)
        do {
            let version = try await handshake(url: url, options: options, timeout: timeout) { command throws(RedisError) in
                try await Self.send(command, handler: handler, timeout: timeout)
            }
            return RedisConnection(url: url, protocolVersion: version, channel: channel, handler: handler, commandTimeout: timeout)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    // MARK: Commands

    /// Sends one command and waits for its reply, up to the command timeout. An error reply
    /// is thrown as ``RedisError/server(_:)``.
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        try await Self.send(command, handler: handler, timeout: commandTimeout, poll: true)
    }

    /// Sends a command given as text arguments, encoded on the event loop into a buffer the
    /// connection reuses: the cheapest way to send one command.
    public func send(_ arguments: [String]) async throws(RedisError) -> RESPValue {
        let handler = self.handler
        let timeout = commandTimeout
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<RESPValue, RedisError>, Never>) in
            if handler.eventLoop.inEventLoop {
                // The caller runs on this loop and resumes here: the reply's wake-up is the
                // loop's own, which polling saves (see RedisOptions.replyPolling).
                handler.value.send(arguments: arguments, waiter: .continuation(continuation), timeout: timeout, poll: true)
            } else {
                handler.eventLoop.execute {
                    handler.value.send(arguments: arguments, waiter: .continuation(continuation), timeout: timeout)
                }
            }
        }
        return try result.get()
    }

    /// Sends a command given as binary arguments, encoded on the event loop like
    /// ``send(_:)-([String])``.
    public func send(_ arguments: [[UInt8]]) async throws(RedisError) -> RESPValue {
        let handler = self.handler
        let timeout = commandTimeout
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<RESPValue, RedisError>, Never>) in
            if handler.eventLoop.inEventLoop {
                // The caller runs on this loop and resumes here: the reply's wake-up is the
                // loop's own, which polling saves (see RedisOptions.replyPolling).
                handler.value.send(arguments: arguments, waiter: .continuation(continuation), timeout: timeout, poll: true)
            } else {
                handler.eventLoop.execute {
                    handler.value.send(arguments: arguments, waiter: .continuation(continuation), timeout: timeout)
                }
            }
        }
        return try result.get()
    }

    /// Sends one command with its own timeout (a blocking command's block time plus a margin).
    public func send(_ command: RedisCommand, timeout: Duration) async throws(RedisError) -> RESPValue {
        try await Self.send(command, handler: handler, timeout: TimeAmount(timeout))
    }

    /// Sends one command that may wait as long as it likes (`BRPOP ... 0`).
    public func sendWithoutTimeout(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        try await Self.send(command, handler: handler, timeout: nil)
    }

    /// Writes all commands with a single write and returns their replies in order. A failure
    /// of one command (an error reply) does not affect the others; a connection failure fails
    /// all that had no reply yet.
    public func pipeline(_ commands: [RedisCommand]) async -> [Result<RESPValue, RedisError>] {
        var size = 0
        for command in commands { size += command.encoded.readableBytes }
        var batch = RedisPipeline(capacity: size)
        for command in commands { batch.append(command) }
        return await pipeline(batch)
    }

    /// Sends a pipeline built with ``RedisPipeline`` and returns its replies in order.
    public func pipeline(_ pipeline: RedisPipeline) async -> [Result<RESPValue, RedisError>] {
        let handler = self.handler
        let timeout = commandTimeout
        return await withUnsafeContinuation { continuation in
            if handler.eventLoop.inEventLoop {
                let collector = RedisPipelineCollector(expected: pipeline.count, continuation: continuation)
                handler.value.sendBatch(pipeline, collector: collector, timeout: timeout)
            } else {
                handler.eventLoop.execute {
                    let collector = RedisPipelineCollector(expected: pipeline.count, continuation: continuation)
                    handler.value.sendBatch(pipeline, collector: collector, timeout: timeout)
                }
            }
        }
    }

    /// `poll`: the command answers at once (not a blocking pop, which waits for others'
    /// writes), so a caller on the loop may poll for its reply (``RedisOptions/replyPolling``).
    static func send(_ command: RedisCommand, handler: NIOLoopBound<RedisChannelHandler>, timeout: TimeAmount?,
                     poll answersAtOnce: Bool = false) async throws(RedisError) -> RESPValue {
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<RESPValue, RedisError>, Never>) in
            if handler.eventLoop.inEventLoop {
                // As for the text forms: a caller on the loop (a worker's batch runner) is woken
                // by the loop itself, which polling keeps from halting its vCPU meanwhile.
                handler.value.send(command.encoded, waiter: .continuation(continuation), timeout: timeout, poll: answersAtOnce)
            } else {
                handler.eventLoop.execute {
                    handler.value.send(command.encoded, waiter: .continuation(continuation), timeout: timeout)
                }
            }
        }
        return try result.get()
    }

    /// Writes a pub/sub command (`SUBSCRIBE a b`, ...) whose confirmations come as pub/sub
    /// frames for the subscriber to follow; it holds its place in the reply order, so a refusal
    /// (one error reply) is never taken as another command's reply.
    func sendWithoutReply(_ kind: String, _ names: [String]) async throws(RedisError) {
        let handler = self.handler
        let command = RedisCommand([kind] + names).encoded
        let confirmation = kind.lowercased()
        let failure: RedisError?
        do {
            failure = try await handler.eventLoop.submit {
                handler.value.sendWithoutReply(command, kind: confirmation, count: names.count)
            }.get()
        } catch {
            failure = .connectionClosed("connection to \(url) closed: \(RedisConnectError.describe(error))")
        }
        if let failure { throw failure }
    }

    /// Writes a pub/sub command like ``sendWithoutReply(_:_:)`` and returns its fate: the last
    /// confirmation, the server's refusal (``RedisError/server(_:)``, one error reply for the
    /// whole command), or the connection's loss. The subscriber waits for each name's
    /// confirmation itself; this future is how it learns at once that none will come.
    func sendPubSub(_ kind: String, _ names: [String]) -> EventLoopFuture<RESPValue> {
        let handler = self.handler
        let command = RedisCommand([kind] + names).encoded
        let confirmation = kind.lowercased()
        let promise = handler.eventLoop.makePromise(of: RESPValue.self)
        let count = names.count
        // Sendable: it may cross to the loop (`execute`); it captures only Sendable values.
        let send: @Sendable () -> Void = {
            handler.value.sendPubSub(command, kind: confirmation, count: count, waiter: .promise(promise), timeout: nil)
        }
        if handler.eventLoop.inEventLoop { send() } else { handler.eventLoop.execute(send) }
        return promise.futureResult
    }

    /// Writes a pub/sub command like ``sendWithoutReply(_:_:)``, without waiting for anything:
    /// the write is queued behind every command sent before it.
    func writeWithoutReply(_ kind: String, _ names: [String]) {
        let handler = self.handler
        let command = RedisCommand([kind] + names).encoded
        let confirmation = kind.lowercased()
        if handler.eventLoop.inEventLoop {
            _ = handler.value.sendWithoutReply(command, kind: confirmation, count: names.count)
        } else {
            handler.eventLoop.execute { _ = handler.value.sendWithoutReply(command, kind: confirmation, count: names.count) }
        }
    }

    /// Writes `SUBSCRIBE channels` and `command` in one write and returns two results in
    /// order: the SUBSCRIBE's (its last confirmation, or the server's refusal) and the
    /// command's reply. A refused SUBSCRIBE answers with one error, which is its own result,
    /// not the command's. RESP3 only (RESP2 runs nothing but pub/sub commands once subscribed).
    func subscribe(_ channels: [String], thenSend command: RedisCommand) async -> [Result<RESPValue, RedisError>] {
        let handler = self.handler
        let timeout = commandTimeout
        let subscribe = RedisCommand(["SUBSCRIBE"] + channels).encoded
        let count = channels.count
        return await withUnsafeContinuation { continuation in
            let send: @Sendable () -> Void = {
                let collector = RedisPipelineCollector(expected: 2, continuation: continuation)
                handler.value.sendPubSub(subscribe, kind: "subscribe", count: count, waiter: .batch(collector), timeout: timeout, flush: false)
                handler.value.send(command.encoded, waiter: .batch(collector), timeout: timeout)
            }
            if handler.eventLoop.inEventLoop { send() } else { handler.eventLoop.execute(send) }
        }
    }

    /// Reply polls so far (see ``RedisOptions/replyPolling``): nil when this connection does not poll.
    func replyPolls() async -> (hits: Int, misses: Int)? {
        let handler = self.handler
        return try? await handler.eventLoop.submit { handler.value.replyPolls }.get()
    }

    // MARK: Lifecycle

    /// Whether the channel is still open and usable.
    public var isConnected: Bool { channel.isActive }

    /// Completes when the channel has closed, for whatever reason.
    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Closes the connection; commands still in flight fail with "closed by the client".
    public func close() async {
        closeNow()
        try? await channel.closeFuture.get()
    }

    deinit {
        // A connection dropped without close() would otherwise keep its channel open.
        channel.close(promise: nil)
    }

    /// Starts closing without waiting.
    func closeNow() {
        let handler = self.handler
        handler.eventLoop.execute { handler.value.close() }
    }
}
