import CeleriacBrokerCore
import CeleriacRESP
import DequeModule
import NIOCore

/// One client connection. Runs its commands in order on the engine's loop; replies are
/// encoded into one buffer per loop iteration and flushed once (after the log's records are
/// written, and with `appendfsync always` after they are on disk).
final class BrokerConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    unowned let server: BrokerServer
    /// The server's engine, held directly: every command goes to it.
    let engine: BrokerEngine
    var channel: (any Channel)?
    /// This handler's own context, from `handlerAdded` to `handlerRemoved`. Replies are written
    /// through it: `channel.writeAndFlush` would enter the pipeline at its tail, box the buffer
    /// for the generic `Channel.write` and walk every context back to the head, a measurable
    /// share of the CPU a one-request-per-read client costs.
    var context: ChannelHandlerContext?
    var id: ClientID = 0
    /// The engine's record of this connection (a class: its protocol version stays current).
    var client: ClientState?
    var registered = false
    /// Commands received while the connection waits (blocked pop or wrong-password delay).
    var pending = Deque<[[UInt8]]>()
    var paused = false
    var closing = false
    /// Unchecked exclusivity, like the engine's hot state: every reply is written here, on the
    /// loop's one thread, and no access spans a call that writes here again.
    @exclusivity(unchecked) var output: ByteBuffer
    var isDirty = false
    /// Bytes handed to the channel and not yet written to the socket (subscribers only).
    var unflushedBytes = 0
    var softLimitSince: NIODeadline?

    /// Bytes of an incomplete request, kept until the rest arrives.
    var inbound: ByteBuffer?
    /// The arguments of the request being read, one array reused for every request (see
    /// ``RequestFraming/parse(_:limits:into:)``).
    @exclusivity(unchecked) var arguments: [[UInt8]] = []
    let parser: RESPParser

    init(server: BrokerServer, parser: RESPParser) {
        self.server = server
        engine = server.engine
        self.parser = parser
        output = ByteBufferAllocator().buffer(capacity: 256)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// The pipeline is torn down (the channel closed): the context, which holds this handler,
    /// is let go, and later replies (a blocked pop served after the peer left) are dropped.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        channel = context.channel
        if server.connectionCount >= server.engine.configuration.maxClients {
            var buffer = context.channel.allocator.buffer(capacity: 48)
            buffer.writeString("-ERR max number of clients reached\r\n")
            // The channel, not the context, goes into the completion: a context is not Sendable.
            let refused = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in refused.close(promise: nil) }
            closing = true
            return
        }
        let address = context.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?:0"
        id = server.engine.addClient(address: address)
        client = server.engine.client(id)
        registered = true
        server.connectionCount += 1
        server.connections[id] = self
    }

    func channelInactive(context: ChannelHandlerContext) {
        guard registered else { return }
        registered = false
        server.connectionCount -= 1
        server.connections[id] = nil
        server.engine.removeClient(id)
        server.deliverEvents()
    }

    /// Parses requests straight from the socket's buffers (no ByteToMessageHandler: that
    /// would box every frame in NIOAny and cast it back, a measurable cost per command).
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        var buffer = unwrapInboundIn(data)
        if var earlier = inbound {
            inbound = nil
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        let limits = parser.limits
        // One clock reading serves the whole read (see BrokerEngine.beginReadBatch()).
        engine.beginReadBatch()
        defer { engine.endReadBatch() }
        parsing: while !closing {
            switch buffer.withUnsafeReadableBytes({ RequestFraming.parse($0, limits: limits, into: &arguments) }) {
            case .request(let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
                // An empty inline line is skipped, as Redis does.
                if !arguments.isEmpty { dispatch(arguments) }
                continue parsing
            case .incomplete:
                break parsing
            case .other:
                break
            }
            let value: RESPValue?
            let start = buffer.readerIndex
            do {
                value = try parser.parse(&buffer)
            } catch {
                var frame = buffer
                frame.moveReaderIndex(to: start)
                protocolError(Self.protocolMessage(for: error, frame: frame))
                return
            }
            guard let value else { break }
            handle(value)
        }
        if buffer.readableBytes > 0 {
            buffer.discardReadBytes()
            inbound = buffer
        }
    }

    private func handle(_ value: RESPValue) {
        guard case .array(let items) = value else {
            protocolError("expected an array of bulk strings")
            return
        }
        guard !items.isEmpty else { return }
        var args: [[UInt8]] = []
        args.reserveCapacity(items.count)
        for item in items {
            guard case .bulkString(let bytes) = item else {
                protocolError(Self.notBulkMessage(item))
                return
            }
            args.append(bytes)
        }
        dispatch(args)
    }

    private func dispatch(_ args: [[UInt8]]) {
        if paused || !pending.isEmpty {
            pending.append(args)
        } else {
            run(args)
        }
    }

    /// Replies wait for the end of the loop iteration (``BrokerServer/markDirty(_:)``), after
    /// the log's write, as Redis's `beforeSleep` does. Flushing here instead, read by read, was
    /// measured: it cost more CPU per request at -P 1 (1.35-1.5x redis-server's instead of
    /// 1.1-1.3x), as replies then go out one wake-up at a time instead of in one batch.
    func channelReadComplete(context: ChannelHandlerContext) {
        if output.readableBytes > 0 { markDirty() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closing = true
        context.close(promise: nil)
    }

    /// Redis answers a malformed request with `-ERR Protocol error: ...` and closes.
    private func protocolError(_ what: String) {
        guard !closing else { return }
        output.writeString("-ERR Protocol error: \(what)\r\n")
        closeAfterFlush()
    }

    // MARK: Running commands

    private func run(_ args: [[UInt8]]) {
        if args.count == 1, args[0].count == 12, let reply = serverCommand(args[0]) {
            output.writeRESP(reply, version: client?.protocolVersion ?? .v2)
            return
        }
        guard let client else { return }
        // Hot commands write their replies straight into `output`; nil means done.
        guard let outcome = engine.execute(args, client: client, writingRepliesTo: &output) else {
            if engine.hasEvents { server.deliverEvents() }
            return
        }
        let version = client.protocolVersion
        switch outcome {
        case .reply(let value):
            if case .simpleError(let text) = value, text.hasPrefix("WRONGPASS") {
                delayWrongPassword(value)
            } else {
                output.writeRESP(value, version: version)
            }
        case .replies(let values):
            for value in values { output.writeRESP(value, version: version) }
        case .blocked:
            paused = true
            server.scheduleBlockingTimer()
        case .close(let value):
            output.writeRESP(value, version: version)
            closeAfterFlush()
        case .shutdown(let value):
            if let value { output.writeRESP(value, version: version) }
            flushNow()
            server.shutdown()
        }
        if engine.hasEvents { server.deliverEvents() }
    }

    /// Commands the server layer answers itself because they concern the log file:
    /// `BGREWRITEAOF` starts a compaction. Nil for anything else.
    private func serverCommand(_ name: [UInt8]) -> RESPValue? {
        guard String(decoding: name, as: UTF8.self).lowercased() == "bgrewriteaof" else { return nil }
        guard client?.authenticated == true else { return .simpleError("NOAUTH Authentication required.") }
        guard let file = server.appendOnlyFile else {
            return .simpleError("ERR append-only log is off (--appendonly no)")
        }
        if file.rewriteBuffer != nil {
            return .simpleError("ERR Background append only file rewriting already in progress")
        }
        file.startRewrite()
        return .simpleString("Background append only file rewriting started")
    }

    /// Runs queued commands until the connection blocks again.
    private func drainPending() {
        while !paused, !closing, let args = pending.popFirst() {
            run(args)
        }
        if output.readableBytes > 0 { markDirty() }
    }

    /// A wrong password is answered after a short delay, without blocking the loop.
    private func delayWrongPassword(_ reply: RESPValue) {
        paused = true
        let delay = TimeAmount.milliseconds(Int64(server.configuration.wrongPasswordDelayMilliseconds))
        server.loop.scheduleTask(in: delay) {
            guard !self.closing, self.registered else { return }
            self.output.writeRESP(reply, version: self.client?.protocolVersion ?? .v2)
            self.paused = false
            self.drainPending()
            self.markDirty()
        }
    }

    /// The reply to a blocked command arrived: send it and go on with the pipeline.
    func resume(with value: RESPValue) {
        let version = client?.protocolVersion ?? .v2
        if value == .null && version == .v2 {
            // A timed-out blocking pop: Redis answers a null *array* in RESP2 (`*-1`), which
            // RESPValue cannot tell apart from a null bulk string.
            output.writeStaticString("*-1\r\n")
        } else {
            output.writeRESP(value, version: version)
        }
        paused = false
        drainPending()
        markDirty()
    }

    /// A push (pub/sub message, MONITOR line) for this connection.
    func enqueue(_ value: RESPValue) {
        output.writeRESP(value, version: client?.protocolVersion ?? .v2)
        markDirty()
    }

    private func markDirty() {
        guard !isDirty else { return }
        isDirty = true
        server.markDirty(self)
    }

    /// Writes and flushes the buffered output; enforces the subscribers' output-buffer limit.
    func flushNow() {
        isDirty = false
        guard output.readableBytes > 0 else { return }
        guard let context, let channel else {
            // The connection is gone (or never became active): nobody is left to read these.
            output.clear()
            return
        }
        let isSubscriber = client.map { $0.isMonitor || $0.subscriptionCount > 0 } ?? false
        if !isSubscriber {
            context.writeAndFlush(wrapOutboundOut(output), promise: nil)
            // A write that completed at once has let go of the storage: clearing then reuses
            // it instead of allocating a buffer per flush (one still queued is copied first,
            // by ByteBuffer's copy-on-write). A buffer grown by a large reply is not kept.
            if output.capacity > 64 * 1024 {
                output = channel.allocator.buffer(capacity: 256)
            } else {
                output.clear()
            }
            return
        }
        // A subscriber's writes are counted until done, for the output-buffer limit.
        let buffer = output
        output = channel.allocator.buffer(capacity: 256)
        let size = buffer.readableBytes
        unflushedBytes += size
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { _ in self.unflushedBytes -= size }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: promise)
        enforceOutputLimit()
    }

    /// Redis's `client-output-buffer-limit pubsub`: over the hard limit, or over the soft
    /// limit for longer than the soft period, the subscriber is disconnected.
    private func enforceOutputLimit() {
        let configuration = server.configuration
        if unflushedBytes > configuration.pubsubHardLimit {
            disconnectSlowSubscriber()
        } else if unflushedBytes > configuration.pubsubSoftLimit {
            let now = NIODeadline.now()
            if let since = softLimitSince {
                if now - since > .seconds(Int64(configuration.pubsubSoftSeconds)) { disconnectSlowSubscriber() }
            } else {
                softLimitSince = now
            }
        } else {
            softLimitSince = nil
        }
    }

    private func disconnectSlowSubscriber() {
        guard !closing else { return }
        closing = true
        server.logger.warning("closing client \(id): pub/sub output buffer over its limit (\(unflushedBytes) bytes unsent)")
        channel?.close(mode: .all, promise: nil)
    }

    /// Sends what is buffered, then closes (QUIT, protocol error, CLIENT KILL).
    func closeAfterFlush() {
        guard !closing, let channel else { return }
        closing = true
        let buffer = output
        output = channel.allocator.buffer(capacity: 0)
        channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
    }
}
