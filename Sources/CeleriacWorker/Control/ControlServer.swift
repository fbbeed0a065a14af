import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The worker's side of remote control (kombu's pidbox `Node` as a Celery worker runs it):
/// PSUBSCRIBEs the `celery.pidbox` fanout channel, decides which requests are addressed to
/// this node (destination, or pattern under its matcher), runs each command against a
/// ``ControlTarget`` and LPUSHes the reply, in Celery's shapes, to the caller's reply queue
/// through the `reply.celery.pidbox` direct exchange.
///
/// Requests are handled one at a time, in arrival order, as a Celery worker's event loop
/// handles them. Nothing a request carries can stop the loop: undecodable or malformed
/// requests are logged and skipped.
///
/// A worker runs it like this:
///
/// ```swift
/// let control = ControlServer(transport: app.transport, target: runtime, logger: logger)
/// if mingleEnabled { _ = try await control.mingle() }   // before worker-online, as Celery does
/// try await control.start()
/// // … on shutdown:
/// await control.stop()
/// ```
public actor ControlServer {
    /// Settings of the server.
    public struct Options: Sendable {
        /// Seconds past a request's `expires` header after which it is dropped unanswered.
        /// The caller stopped collecting replies by then; the slack absorbs clock skew between
        /// the caller's host and ours (kombu itself never drops requests, so a generous value
        /// changes nothing for a healthy caller).
        public var expiryGrace: Double
        /// How long ``ControlServer/mingle()`` waits for each next `hello` reply (Celery: 1 s).
        public var mingleTimeout: Double
        /// The pidbox queue's `x-expires` in milliseconds (Celery's `control_queue_expires`, 10 s).
        public var queueExpiresMilliseconds: Int

        /// Defaults as Celery's.
        public init(expiryGrace: Double = 10, mingleTimeout: Double = 1, queueExpiresMilliseconds: Int = 10_000) {
            self.expiryGrace = expiryGrace
            self.mingleTimeout = mingleTimeout
            self.queueExpiresMilliseconds = queueExpiresMilliseconds
        }
    }

    /// Why ``start()`` refused.
    public enum StartError: Error, CustomStringConvertible {
        /// `start()` was called twice.
        case alreadyStarted

        /// What went wrong, in a sentence.
        public var description: String { "the control server is already started" }
    }

    /// The broker transport.
    public let transport: KombuTransport
    /// The worker it steers.
    public let target: any ControlTarget
    /// Settings.
    public let options: Options
    let logger: Logger
    private var subscriber: RedisSubscriber?
    /// Set from the first `start()` until `stop()`, across the awaits in between.
    private var started = false
    private var loop: Task<Void, Never>?
    private var refresher: Task<Void, Never>?
    /// The mailbox's own Lamport clock (sent in reply headers); separate from the event
    /// clock, as kombu's `Mailbox.clock` is.
    private var mailboxClock = 0

    /// A server for `target` on `transport`'s broker and database.
    public init(transport: KombuTransport, target: any ControlTarget, logger: Logger = Logger(label: "celeriac.control"),
                options: Options = Options())
    {
        self.transport = transport
        self.target = target
        self.logger = logger
        self.options = options
    }

    /// The channel requests arrive on: `/{db}.celery.pidbox`.
    public nonisolated var channel: String {
        transport.fanoutChannel(exchange: ControlMessage.exchange, routingKey: "")
    }

    /// The node's pidbox queue, `<nodename>.celery.pidbox`, bound to the fanout exchange as
    /// a Celery worker binds its own (monitors list the bindings to see who listens).
    public nonisolated var queue: String { ControlMessage.workerQueue(nodename: target.nodename) }

    /// Subscribes and starts answering. Returns once the subscription is confirmed, so a
    /// request published afterwards is seen.
    public func start() async throws {
        guard !started else { throw StartError.alreadyStarted }
        started = true
        let subscriber = ReliableSubscriber.make(for: transport.client)
        do {
            try await transport.bindExpiring(queue: queue, exchange: ControlMessage.exchange, routingKey: "",
                                             expiresMilliseconds: options.queueExpiresMilliseconds)
            try await ReliableSubscriber.psubscribe(subscriber, [channel])
        } catch {
            started = false
            await subscriber.close()
            try? await transport.deleteQueue(queue, exchange: ControlMessage.exchange, routingKey: "")
            throw error
        }
        guard started else {
            // stop() came while subscribing.
            await subscriber.close()
            try? await transport.deleteQueue(queue, exchange: ControlMessage.exchange, routingKey: "")
            return
        }
        self.subscriber = subscriber
        let events = subscriber.events
        loop = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                await self.receive(event)
            }
        }
        refresher = Task { [weak self, transport, queue, options] in
            // kombu refreshes an expiring binding every third of its ttl.
            let period = Double(max(2 * options.queueExpiresMilliseconds, 3_600_000)) / 3_000
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(period))
                guard !Task.isCancelled, self != nil else { return }
                try? await transport.bindExpiring(queue: queue, exchange: ControlMessage.exchange, routingKey: "",
                                                  expiresMilliseconds: options.queueExpiresMilliseconds)
            }
        }
        logger.info("remote control listening on \(channel) as \(target.nodename)")
    }

    /// Stops answering: unsubscribes and removes the pidbox queue's binding (the queue is
    /// auto-delete in Celery). Does not wait for a command being handled, so a target may
    /// call it from inside ``ControlTarget/requestShutdown()``.
    public func stop() async {
        started = false
        loop?.cancel()
        refresher?.cancel()
        loop = nil
        refresher = nil
        if let subscriber {
            self.subscriber = nil
            await subscriber.close()
            do {
                try await transport.deleteQueue(queue, exchange: ControlMessage.exchange, routingKey: "")
            } catch {
                logger.warning("could not remove the pidbox queue \(queue): \(error)")
            }
        }
    }

    private func receive(_ event: RedisPubSubEvent) async {
        switch event {
        case .message(let message):
            await handle(message.payload)
        case .disconnected(let error):
            logger.warning("remote control lost its broker connection (\(error)); requests sent meanwhile are missed")
        case .reconnected:
            logger.info("remote control subscribed again")
            // A restarted broker may have lost the binding; declare it again as kombu does.
            do {
                try await transport.bindExpiring(queue: queue, exchange: ControlMessage.exchange, routingKey: "",
                                                 expiresMilliseconds: options.queueExpiresMilliseconds)
            } catch {
                logger.warning("could not bind the pidbox queue \(queue) again: \(error)")
            }
        }
    }

    /// Handles one published request: decodes it, checks expiry and address, runs the
    /// command and sends the reply. Never throws; anything wrong is logged.
    func handle(_ payload: [UInt8]) async {
        let received: ControlMessage.ReceivedRequest
        do {
            received = try ControlMessage.decodeRequest(payload)
        } catch {
            logger.warning("malformed control request skipped (\(payload.count) bytes): \(error)")
            return
        }
        // kombu's Node adjusts the mailbox clock with the sender's before anything else.
        mailboxClock = max(mailboxClock, received.clock ?? 0) + 1
        let request = received.request
        if let expires = received.expires, expires > 0,
           Date().timeIntervalSince1970 > expires + options.expiryGrace
        {
            logger.info("expired control request \(request.method) dropped (ticket \(request.ticket ?? "none"))")
            return
        }
        do {
            guard try request.isAddressed(to: target.nodename) else { return }
        } catch {
            logger.warning("control request \(request.method) skipped: \(error)")
            return
        }
        logger.debug("control request \(request.method) (ticket \(request.ticket ?? "none"))")
        let outcome = await run(request)
        if let replyTo = request.replyTo, let result = outcome.reply {
            await send(result, ticket: request.ticket ?? "", replyTo: replyTo)
        }
        if outcome.shutdown {
            logger.warning("Got shutdown from remote")
            await target.requestShutdown()
        }
    }

    /// Publishes one reply envelope to the caller's reply queue (kombu's `_publish_reply`).
    private func send(_ result: JSONValue, ticket: String, replyTo: ControlRequest.ReplyTo) async {
        mailboxClock += 1
        let reply = ControlReply(nodename: target.nodename, result: result, ticket: ticket, clock: mailboxClock)
        let envelope = ControlMessage.replyEnvelope(reply, replyTo: replyTo, deliveryTag: UUID().uuidString.lowercased())
        do {
            let queues = try await transport.publishDirect(envelope.encoded(), exchange: replyTo.exchange,
                                                           routingKey: replyTo.routingKey)
            if queues.isEmpty {
                logger.debug("control reply for ticket \(ticket) dropped: the caller's reply queue is gone")
            }
        } catch {
            logger.error("could not send a control reply to \(replyTo.routingKey): \(error)")
        }
    }
}
