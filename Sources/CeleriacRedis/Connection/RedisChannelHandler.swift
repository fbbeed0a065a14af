import CeleriacRESP
import Logging
import NIOCore

/// The one handler of a Redis connection's pipeline: writes commands, parses replies straight
/// from the inbound bytes, matches them to waiters through ``RedisRequestStateMachine`` and
/// keeps one timer for the earliest command deadline. Event-loop confined.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Called on the event loop with every out-of-band value (RESP3 pushes, RESP2 pub/sub frames).
    typealias PushHandler = @Sendable (RESPValue) -> Void

    // Confined to the event loop, and the state machine never calls out while mutating, so
    // overlapping accesses cannot happen; the dynamic checks were a measurable share of the
    // per-reply cost.
    @exclusivity(unchecked) private var stateMachine: RedisRequestStateMachine<RedisWaiter>
    @exclusivity(unchecked) private var context: ChannelHandlerContext?
    @exclusivity(unchecked) private var cumulation: ByteBuffer?
    /// Reused for commands encoded on the loop: once the socket took the bytes, NIO lets go
    /// of it and the next command writes into the same memory instead of a new allocation.
    @exclusivity(unchecked) private var scratch = ByteBuffer()
    private let parser = RESPParser()
    private let onPush: PushHandler?
    private let logger: Logger
    @exclusivity(unchecked) private var timer: Scheduled<Void>?
    @exclusivity(unchecked) private var timerDeadline: NIODeadline?
    /// The I/O error that made us close, reported to the waiters that fail with it.
    private var closeReason: String?
    /// How long to poll the socket for a short command's reply (0: never), see ``RedisReplySpin``.
    private let replyPolling: UInt64
    /// The poller, once the channel is active and its socket found.
    @exclusivity(unchecked) private var spin: RedisReplySpin?

    init(endpoint: String, subscriberMode: Bool = false, logger: Logger, onPush: PushHandler? = nil, replyPolling: Duration? = nil) {
        stateMachine = RedisRequestStateMachine(endpoint: endpoint, subscriberMode: subscriberMode)
        self.logger = logger
        self.onPush = onPush
        self.replyPolling = replyPolling.map { duration in
            let (seconds, attoseconds) = duration.components
            return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds / 1_000_000_000))
        } ?? 0
    }

    /// The event loop's clock, so that tests on an embedded loop control time.
    private var now: NIODeadline { context?.eventLoop.now ?? .now() }

    var isOpen: Bool { stateMachine.isOpen && context?.channel.isActive == true }

    // MARK: Sending

    /// Writes one command and registers its waiter. `poll`: the reply is expected at once (not
    /// a blocking command), so the loop may poll the socket for it (see ``RedisReplySpin``).
    func send(_ command: ByteBuffer, waiter: RedisWaiter, timeout: TimeAmount?, poll: Bool = false) {
        let deadline = timeout.map { now + $0 }
        switch stateMachine.send(waiter, deadline: deadline, timeout: timeout) {
        case .write:
            guard let context else {
                failAll(reason: "handler not in a pipeline")
                return
            }
            context.writeAndFlush(wrapOutboundOut(command), promise: nil)
            if let deadline { armTimer(deadline) }
            // Only for a lone command: with others in flight the loop has replies to read and
            // writes to make, and a spin would hold them up.
            if poll, stateMachine.pending.count == 1, spin?.shouldPoll() == true {
                // Queued behind the task that wrote, so it runs once that task has suspended.
                let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
                context.eventLoop.execute { loopBound.value.pollForReply() }
            }
        case .fail(let error):
            waiter.complete(.failure(error))
        }
    }

    /// Polls the socket until a reply is readable or the budget is spent; the loop then finds
    /// it ready in `epoll_wait` without sleeping. Commands written in the same loop tick as the
    /// lone one that asked (a worker's result script and its next reserve, written together)
    /// are waited for with it: the first reply ends the poll.
    private func pollForReply() {
        guard context?.channel.isActive == true, !stateMachine.pending.isEmpty else {
            spin?.cancel()
            return
        }
        _ = spin?.poll()
    }

    /// Polls so far that found a reply and that gave up; nil when this connection does not poll.
    var replyPolls: (hits: Int, misses: Int)? { spin.map { ($0.hits, $0.misses) } }

    /// Encodes a command of text arguments into the reusable buffer and writes it.
    func send(arguments: [String], waiter: RedisWaiter, timeout: TimeAmount?, poll: Bool = false) {
        var size = RedisCommand.headerSize(arguments.count)
        for argument in arguments { size &+= RedisCommand.bulkSize(argument.utf8.count) }
        scratch.clear(minimumCapacity: size)
        scratch.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var writer = RawWriter(raw)
            writer.command(arguments)
            return writer.index
        }
        send(scratch, waiter: waiter, timeout: timeout, poll: poll)
    }

    /// Encodes a command of binary arguments into the reusable buffer and writes it.
    func send(arguments: [[UInt8]], waiter: RedisWaiter, timeout: TimeAmount?, poll: Bool = false) {
        var size = RedisCommand.headerSize(arguments.count)
        for argument in arguments { size &+= RedisCommand.bulkSize(argument.count) }
        scratch.clear(minimumCapacity: size)
        scratch.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var writer = RawWriter(raw)
            writer.command(arguments)
            return writer.index
        }
        send(scratch, waiter: waiter, timeout: timeout, poll: poll)
    }

    /// Writes a pipeline with one write and one flush; its replies go to `collector` in order.
    func sendBatch(_ pipeline: RedisPipeline, collector: RedisPipelineCollector, timeout: TimeAmount?) {
        guard pipeline.count > 0 else { return }
        let deadline = timeout.map { now + $0 }
        guard let context else { return failAll(reason: "handler not in a pipeline") }
        switch stateMachine.send(.batch(collector), count: pipeline.count, deadline: deadline, timeout: timeout) {
        case .write:
            context.writeAndFlush(wrapOutboundOut(pipeline.encoded), promise: nil)
            if let deadline { armTimer(deadline) }
        case .fail(let error):
            for _ in 0..<pipeline.count { collector.add(.failure(error)) }
        }
    }

    /// Writes a pub/sub command (SUBSCRIBE and friends) naming `count` channels or patterns.
    /// It is answered by `count` out-of-band confirmations of `kind` (which complete `waiter`
    /// with the last of them) or by one error reply; either way it keeps its place in the
    /// reply order. Without `flush`, the bytes go out with the next flushed write.
    func sendPubSub(_ command: ByteBuffer, kind: String, count: Int, waiter: RedisWaiter, timeout: TimeAmount?, flush: Bool = true) {
        let deadline = timeout.map { now + $0 }
        switch stateMachine.sendPubSub(waiter, kind: kind, count: count, deadline: deadline, timeout: timeout) {
        case .write:
            guard let context else {
                failAll(reason: "handler not in a pipeline")
                return
            }
            if flush {
                context.writeAndFlush(wrapOutboundOut(command), promise: nil)
            } else {
                context.write(wrapOutboundOut(command), promise: nil)
            }
            if let deadline { armTimer(deadline) }
        case .fail(let error):
            waiter.complete(.failure(error))
        }
    }

    /// Writes a pub/sub command whose confirmations nobody here waits for (the subscriber
    /// follows them through the push handler). Returns why it could not be written.
    func sendWithoutReply(_ command: ByteBuffer, kind: String, count: Int) -> RedisError? {
        guard stateMachine.isOpen, context != nil else {
            if case .closed(let error) = stateMachine.state { return error }
            return .connectionClosed("connection to \(stateMachine.endpoint) is not open")
        }
        sendPubSub(command, kind: kind, count: count, waiter: .none, timeout: nil)
        return nil
    }

    /// Closes on purpose; waiters fail with "closed by the client".
    func close() {
        let (waiters, error) = stateMachine.closeRequested()
        for waiter in waiters { waiter.complete(.failure(error)) }
        cancelTimer()
        context?.close(promise: nil)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if replyPolling > 0,
           let descriptor = RedisSocketDescriptor.find(local: context.channel.localAddress, remote: context.channel.remoteAddress) {
            spin = RedisReplySpin(budget: replyPolling, descriptor: descriptor)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var pending = cumulation {
            cumulation = nil
            pending.writeBuffer(&buffer)
            buffer = pending
        }
        while stateMachine.isOpen {
            let value: RESPValue?
            do {
                value = try parser.parse(&buffer)
            } catch {
                let (waiters, failure) = stateMachine.parseFailed(error)
                logger.warning("redis protocol error, closing connection", metadata: ["error": "\(failure)"])
                for waiter in waiters { waiter.complete(.failure(failure)) }
                cancelTimer()
                context.close(promise: nil)
                return
            }
            guard let value else { break }
            handle(value, context: context)
        }
        if buffer.readableBytes > 0, stateMachine.isOpen { cumulation = buffer }
    }

    private func handle(_ value: RESPValue, context: ChannelHandlerContext) {
        switch stateMachine.reply(value) {
        case .complete(let waiter, let result):
            waiter.complete(result)
        case .push(let push, let confirmed):
            if let onPush { onPush(push) } else { logger.debug("redis push ignored on a command connection") }
            confirmed?.complete(.success(push))
        case .refused(let waiter, let error):
            logger.warning("redis refused a pub/sub command", metadata: ["error": "\(error)"])
            waiter.complete(.failure(error))
        case .unsolicitedError(let message):
            logger.warning("redis error reply nobody waited for", metadata: ["error": "\(message)"])
        case .close(let waiters, let error):
            logger.warning("redis connection out of step, closing", metadata: ["error": "\(error)"])
            for waiter in waiters { waiter.complete(.failure(error)) }
            cancelTimer()
            context.close(promise: nil)
        case .ignore:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(reason: closeReason)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeReason = RedisConnectError.describe(error)
        logger.debug("redis connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func failAll(reason: String?) {
        let (waiters, error) = stateMachine.channelClosed(reason: reason)
        cancelTimer()
        for waiter in waiters { waiter.complete(.failure(error)) }
    }

    // MARK: Timer

    private func armTimer(_ deadline: NIODeadline) {
        if let current = timerDeadline, current <= deadline { return }
        guard let context else { return }
        timer?.cancel()
        timerDeadline = deadline
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) { loopBound.value.timerFired() }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    private func timerFired() {
        timer = nil
        timerDeadline = nil
        switch stateMachine.timerFired(now: now) {
        case .idle:
            break
        case .rearm(let deadline):
            armTimer(deadline)
        case .timeout(let expired, let timeoutError, let others, let closedError):
            logger.warning("redis command timed out, closing connection", metadata: ["error": "\(timeoutError)"])
            for waiter in expired { waiter.complete(.failure(timeoutError)) }
            for waiter in others { waiter.complete(.failure(closedError)) }
            context?.close(promise: nil)
        }
    }
}
