import CeleriacRESP
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A pub/sub subscriber on its own connection.
///
/// Channels (SUBSCRIBE) and glob patterns (PSUBSCRIBE) are kept as a desired set. A
/// background task owns the connection: when it is lost, the subscriber yields
/// ``RedisPubSubEvent/disconnected(_:)``, reconnects with backoff, subscribes to the whole set
/// again and yields ``RedisPubSubEvent/reconnected`` once the server has confirmed it. Works
/// with RESP3 (push frames) and RESP2 (arrays on a subscribed connection).
public final class RedisSubscriber: Sendable {
    /// Messages and connection events, in order. Meant for one consumer; the buffer is
    /// unbounded so a slow consumer loses nothing.
    public let events: AsyncStream<RedisPubSubEvent>
    private let core: RedisSubscriberCore
    private var router: RedisPubSubRouter { core.router }
    private var slot: RedisConnectionSlot { core.slot }
    private let group: any EventLoopGroup
    private let supervisor = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// A subscriber for `url`; it connects right away in the background.
    public convenience init(url: RedisURL, options: RedisOptions = RedisOptions(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.init(endpoints: RedisEndpoints(url), options: options, eventLoopGroup: eventLoopGroup)
    }

    /// A subscriber that fails over between `endpoints` (re-subscribing on the next server).
    public convenience init(endpoints: RedisEndpoints, options: RedisOptions = RedisOptions(),
                            eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
    {
        self.init(endpoints: endpoints, options: options, eventLoopGroup: eventLoopGroup, onEvent: nil)
    }

    /// A subscriber that hands every event to `onEvent` instead of ``events`` (which then stays
    /// empty). Messages are handed over on the connection's event loop as soon as they are
    /// parsed, without a stream or task in between, so `onEvent` must be quick and must not
    /// block; ``RedisPubSubEvent/disconnected(_:)`` and ``RedisPubSubEvent/reconnected`` come
    /// from the subscriber's background task.
    public init(endpoints: RedisEndpoints, options: RedisOptions = RedisOptions(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                onEvent: (@Sendable (RedisPubSubEvent) -> Void)?)
    {
        let (stream, continuation) = AsyncStream.makeStream(of: RedisPubSubEvent.self)
        events = stream
        let router = RedisPubSubRouter(continuation: continuation, onEvent: onEvent)
        if onEvent != nil { continuation.finish() }
        group = eventLoopGroup
        let slot = RedisConnectionSlot(endpoints: endpoints, options: options, group: eventLoopGroup, subscriberMode: true) { value in
            router.handle(value)
        }
        let core = RedisSubscriberCore(router: router, slot: slot, options: options)
        self.core = core
        let task = Task { await core.supervise() }
        supervisor.withLockedValue { $0 = task }
    }

    deinit {
        core.router.state.withLockedValue { $0.closed = true }
        supervisor.withLockedValue { $0?.cancel() }
        let slot = core.slot
        Task { await slot.shutDown() }
        core.router.continuation.finish()
    }

    /// Subscribes to channels; returns once the server confirmed every one.
    public func subscribe(_ channels: [String]) async throws(RedisError) {
        try await change(.subscribe, channels)
    }

    /// Unsubscribes from channels.
    public func unsubscribe(_ channels: [String]) async throws(RedisError) {
        try await change(.unsubscribe, channels)
    }

    /// Subscribes to `channels` and runs `command` right behind the SUBSCRIBE, in the same
    /// write on the subscriber's own connection, and returns the command's reply. Redis runs a
    /// connection's commands in order, so the subscription is in place before the command
    /// runs: a value stored after the command is delivered as a message, one stored before
    /// it is in the reply. One round trip, where a confirmed SUBSCRIBE followed by the command
    /// on another connection takes two.
    ///
    /// Needs RESP3 (RESP2 allows only pub/sub commands on a subscribed connection). Returns
    /// nil when the connection speaks RESP2, is not up, or was lost before the reply: the
    /// caller then subscribes with ``subscribe(_:)`` and runs the command elsewhere. The
    /// command's reply must not be an array shaped like a pub/sub frame (a GET is fine).
    ///
    /// Throws ``RedisError/server(_:)`` with the server's words when it refuses the SUBSCRIBE
    /// (a user without access to the channel): the channels are then not kept, and the
    /// command's own reply, which still arrives, is not mistaken for anything else. An error
    /// reply to the command itself is thrown the same way.
    public func subscribe(_ channels: [String], thenSend command: RedisCommand) async throws(RedisError) -> RESPValue? {
        guard !channels.isEmpty else { return nil }
        let lease = router.state.withLockedValue { state -> (RedisConnection, Set<String>)? in
            guard !state.closed, let current = state.current, current.protocolVersion == .v3 else { return nil }
            // In the set first: a reconnect from here on subscribes these channels again.
            let added = Set(channels).subtracting(state.channels)
            state.channels.formUnion(channels)
            return (current, added)
        }
        guard let lease else { return nil }
        let (connection, added) = lease
        let results = await connection.subscribe(channels, thenSend: command)
        guard results.count == 2 else { return nil }
        if case .failure(let error) = results[0] {
            // Refused (an ACL denial): the channels this call put in the set leave it again, so
            // that no reconnect asks for them, and the caller learns why. A lost connection is
            // not the caller's: the supervisor subscribes the set again on the next one.
            guard case .server = error else { return nil }
            router.state.withLockedValue { $0.channels.subtract(added) }
            throw error
        }
        switch results[1] {
        case .success(let value):
            return value
        case .failure(let error):
            // The command's own error reply is the caller's; a lost connection is not.
            if case .server = error { throw error }
            return nil
        }
    }

    /// The executor of the subscriber's connection's event loop, while a connection is up:
    /// a task run under it (`withTaskExecutorPreference`) writes ``subscribe(_:thenSend:)`` and
    /// unsubscribes inline and is resumed on that loop by its reply and by the messages the
    /// loop parses, with no hop to Swift's global pool and back for each.
    public var loopExecutor: RedisEventLoopExecutor? {
        router.state.withLockedValue { state in state.closed ? nil : state.current?.taskExecutor }
    }

    /// Unsubscribes without waiting for the server's confirmation: the channels leave the set
    /// at once (no reconnect subscribes them again) and UNSUBSCRIBE is written if a connection
    /// is up. For callers that only stop listening and have nothing to wait for.
    public func unsubscribeWithoutWaiting(_ channels: [String]) {
        guard !channels.isEmpty else { return }
        let connection = router.state.withLockedValue { state -> RedisConnection? in
            if state.closed { return nil }
            state.channels.subtract(channels)
            return state.current
        }
        connection?.writeWithoutReply("UNSUBSCRIBE", channels)
    }

    /// Subscribes to glob patterns (`*` matches any characters, `.` and `/` included).
    public func psubscribe(_ patterns: [String]) async throws(RedisError) {
        try await change(.psubscribe, patterns)
    }

    /// Unsubscribes from patterns.
    public func punsubscribe(_ patterns: [String]) async throws(RedisError) {
        try await change(.punsubscribe, patterns)
    }

    /// The channels and patterns subscribed (or to be subscribed again after a reconnect).
    public var subscriptions: (channels: Set<String>, patterns: Set<String>) {
        router.state.withLockedValue { ($0.channels, $0.patterns) }
    }

    /// Stops: closes the connection and finishes ``events``.
    public func close() async {
        let waiters = router.state.withLockedValue { state -> [EventLoopPromise<Void>] in
            state.closed = true
            state.current = nil
            defer { state.waiters.removeAll() }
            return state.waiters.values.flatMap { $0 }
        }
        let error = RedisError.connectionClosed("subscriber for \(slot.url) was closed")
        for waiter in waiters { waiter.fail(error) }
        supervisor.withLockedValue { $0?.cancel() }
        await slot.shutDown()
        router.continuation.finish()
    }

    private func change(_ kind: RedisPubSubRequest.Kind, _ names: [String]) async throws(RedisError) {
        guard !names.isEmpty else { return }
        let eventLoop = group.next()
        let registered = router.state.withLockedValue { state -> (futures: [EventLoopFuture<Void>], connection: RedisConnection?, added: Set<String>)? in
            if state.closed { return nil }
            var added: Set<String> = []
            switch kind {
            case .subscribe:
                added = Set(names).subtracting(state.channels)
                state.channels.formUnion(names)
            case .unsubscribe: state.channels.subtract(names)
            case .psubscribe:
                added = Set(names).subtracting(state.patterns)
                state.patterns.formUnion(names)
            case .punsubscribe: state.patterns.subtract(names)
            }
            let futures = names.map { state.addWaiter(RedisPubSubRequest(kind: kind, name: $0), on: eventLoop) }
            return (futures, state.current, added)
        }
        guard let registered else { throw .connectionClosed("subscriber for \(slot.url) was closed") }
        // If the connection is lost before the confirmations, the supervisor subscribes the
        // whole set again on the next one, which confirms these waiters; a refusal (an ACL
        // denial) means no confirmation will ever come, so it ends the wait at once.
        let fate = registered.connection?.sendPubSub(kind.rawValue, names)
        let what = "\(kind.rawValue) \(names.joined(separator: " "))"
        do {
            try await core.wait(for: registered.futures, on: eventLoop, what: what, refusal: fate)
        } catch {
            if case .server = error { forget(kind, names, added: registered.added, waiters: registered.futures) }
            throw error
        }
    }

    /// Undoes a refused change: the names it put in the set leave it again, so that no
    /// reconnect asks for them, and its own waiters leave the table (other callers' stay).
    private func forget(_ kind: RedisPubSubRequest.Kind, _ names: [String], added: Set<String>, waiters: [EventLoopFuture<Void>]) {
        router.state.withLockedValue { state in
            switch kind {
            case .subscribe: state.channels.subtract(added)
            case .psubscribe: state.patterns.subtract(added)
            case .unsubscribe, .punsubscribe: break
            }
            for name in names {
                let request = RedisPubSubRequest(kind: kind, name: name)
                let kept = state.waiters[request]?.filter { promise in !waiters.contains { $0 === promise.futureResult } }
                state.waiters[request] = kept?.isEmpty == false ? kept : nil
            }
        }
    }
}

/// What the background supervisor needs, held apart from ``RedisSubscriber`` so that the
/// supervisor task does not keep the subscriber alive: a subscriber dropped without
/// ``RedisSubscriber/close()`` is cleaned up by its deinit.
struct RedisSubscriberCore: Sendable {
    let router: RedisPubSubRouter
    let slot: RedisConnectionSlot
    let options: RedisOptions
}

extension RedisSubscriberCore {
    /// Waits for every future (a confirmation each) within the command timeout. A failed
    /// `refusal` with the server's words ends the wait with them; its other failures (a lost
    /// connection) do not, since the supervisor re-subscribes on the next connection.
    func wait(for futures: [EventLoopFuture<Void>], on eventLoop: any EventLoop, what: String,
              refusal: EventLoopFuture<RESPValue>? = nil) async throws(RedisError)
    {
        let promise = eventLoop.makePromise(of: Void.self)
        promise.completeWith(EventLoopFuture.andAllSucceed(futures, on: eventLoop))
        refusal?.hop(to: eventLoop).whenFailure { error in
            if let error = error as? RedisError, case .server = error { promise.fail(error) }
        }
        let timeout = options.commandTimeout
        let url = slot.url
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            promise.fail(RedisError.timeout("no confirmation of \(what) from \(url) within \(RedisBackoff.seconds(timeout)) s"))
        }
        do {
            try await promise.futureResult.get()
            timer.cancel()
        } catch let error as RedisError {
            timer.cancel()
            throw error
        } catch {
            timer.cancel()
            throw .connectionClosed("subscription to \(url) failed: \(error)")
        }
    }

    /// Owns the connection: connect, subscribe the desired set, wait for the close, repeat.
    func supervise() async {
        var subscribedBefore = false
        while !Task.isCancelled {
            let connection: RedisConnection
            do {
                connection = try await slot.connection(deadline: nil)
            } catch {
                if Task.isCancelled || router.isClosed { return }
                continue
            }
            let eventLoop = connection.eventLoop
            let setup = router.state.withLockedValue { state -> (channels: [String], patterns: [String], futures: [EventLoopFuture<Void>], unsubscribed: [EventLoopPromise<Void>])? in
                if state.closed { return nil }
                state.current = connection
                // A fresh connection holds no subscriptions, so pending unsubscribes are done.
                var unsubscribed: [EventLoopPromise<Void>] = []
                for (request, promises) in state.waiters where request.kind == .unsubscribe || request.kind == .punsubscribe {
                    unsubscribed += promises
                    state.waiters[request] = nil
                }
                let channels = state.channels.sorted()
                let patterns = state.patterns.sorted()
                var futures = channels.map { state.addWaiter(RedisPubSubRequest(kind: .subscribe, name: $0), on: eventLoop) }
                futures += patterns.map { state.addWaiter(RedisPubSubRequest(kind: .psubscribe, name: $0), on: eventLoop) }
                return (channels, patterns, futures, unsubscribed)
            }
            guard let setup else { return }
            var live = false
            for promise in setup.unsubscribed { promise.succeed() }
            do {
                if !setup.channels.isEmpty { try await connection.sendWithoutReply("SUBSCRIBE", setup.channels) }
                if !setup.patterns.isEmpty { try await connection.sendWithoutReply("PSUBSCRIBE", setup.patterns) }
                try await wait(for: setup.futures, on: eventLoop, what: "re-subscription")
                if subscribedBefore { router.emit(.reconnected) }
                subscribedBefore = true
                live = true
            } catch {
                options.logger.warning("redis re-subscription failed", metadata: ["url": "\(slot.url)", "error": "\(error)"])
                slot.discard(connection)
            }
            let pinger = live ? startHealthChecks(on: connection) : nil
            try? await connection.closeFuture.get()
            pinger?.cancel()
            let closed = router.state.withLockedValue { state -> Bool in
                if state.current === connection { state.current = nil }
                return state.closed
            }
            if closed { return }
            if live {
                router.emit(.disconnected(.connectionClosed("connection to \(slot.url) lost; reconnecting")))
            }
            slot.discard(connection)
        }
    }
}

extension RedisSubscriberCore {
    /// Pings the connection every ``RedisOptions/healthCheckInterval``; a PING without a reply
    /// within the command timeout closes the connection, and the supervisor reconnects.
    fileprivate func startHealthChecks(on connection: RedisConnection) -> Task<Void, Never>? {
        guard let interval = options.healthCheckInterval else { return nil }
        let logger = options.logger
        return Task {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    _ = try await connection.send(RedisCommand(["PING"]))
                } catch {
                    logger.warning("redis subscriber health check failed", metadata: ["url": "\(connection.url)", "error": "\(error)"])
                    connection.closeNow()
                    return
                }
            }
        }
    }
}

/// Routes the subscriber connection's out-of-band frames: messages to the stream,
/// confirmations to the callers waiting for them. Called on the event loop.
final class RedisPubSubRouter: Sendable {
    struct State {
        var channels: Set<String> = []
        var patterns: Set<String> = []
        var waiters: [RedisPubSubRequest: [EventLoopPromise<Void>]] = [:]
        var current: RedisConnection?
        var closed = false

        mutating func addWaiter(_ request: RedisPubSubRequest, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
            let promise = eventLoop.makePromise(of: Void.self)
            waiters[request, default: []].append(promise)
            return promise.futureResult
        }
    }

    let state = NIOLockedValueBox(State())
    let continuation: AsyncStream<RedisPubSubEvent>.Continuation
    /// When set, events go here instead of to the stream.
    let onEvent: (@Sendable (RedisPubSubEvent) -> Void)?

    init(continuation: AsyncStream<RedisPubSubEvent>.Continuation, onEvent: (@Sendable (RedisPubSubEvent) -> Void)? = nil) {
        self.continuation = continuation
        self.onEvent = onEvent
    }

    /// Delivers an event to the handler, or else to the stream.
    func emit(_ event: RedisPubSubEvent) {
        if let onEvent { onEvent(event) } else { continuation.yield(event) }
    }

    var isClosed: Bool { state.withLockedValue { $0.closed } }

    func handle(_ value: RESPValue) {
        guard let items = value.array else { return }
        switch RedisPubSubFrame(items) {
        case .message(let message):
            emit(.message(message))
        case .confirmation(let kind, let name):
            let request = RedisPubSubRequest(kind: kind, name: name ?? "")
            let waiters = state.withLockedValue { $0.waiters.removeValue(forKey: request) } ?? []
            for waiter in waiters { waiter.succeed() }
        case .other:
            break
        }
    }
}
