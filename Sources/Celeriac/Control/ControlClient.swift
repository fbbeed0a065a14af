import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The remote-control client (kombu's pidbox `Mailbox` as Celery's `inspect`/`control` use
/// it): declares a reply queue `<oid>.reply.celery.pidbox`, PUBLISHes the request on
/// `/{db}.celery.pidbox`, BRPOPs replies whose ticket matches until `limit` or `timeout`
/// seconds without a reply, then deletes the reply queue.
public struct ControlClient: Sendable {
    /// The transport.
    public let transport: KombuTransport
    /// The mailbox clock requests carry and replies adjust.
    public let clock: MailboxClock
    let logger: Logger

    /// One worker's reply.
    public struct Reply: Sendable, Hashable {
        /// The worker's nodename.
        public var nodename: String
        /// What it answered.
        public var result: JSONValue

        /// A reply.
        public init(nodename: String, result: JSONValue) {
            self.nodename = nodename
            self.result = result
        }
    }

    /// A client on `transport` whose requests carry `clock`.
    public init(transport: KombuTransport, clock: MailboxClock = MailboxClock(), logger: Logger = Logger(label: "celeriac.control")) {
        self.transport = transport
        self.clock = clock
        self.logger = logger
    }

    /// Broadcasts a command and collects the replies, in arrival order.
    /// - Parameters:
    ///   - destination: the nodenames that should act; the reply limit defaults to their count.
    ///   - pattern: a glob (or regex with `matcher: "pcre"`) on nodenames.
    ///   - timeout: how long to wait for each next reply (Celery's CLI: 1 s).
    ///   - limit: stop after this many replies.
    public func broadcast(_ command: ControlCommand, destination: [String]? = nil, pattern: String? = nil,
                          matcher: String? = nil, timeout: Double = 1, limit: Int? = nil) async throws(RedisError) -> [Reply]
    {
        try await broadcast(method: command.method, arguments: command.arguments, destination: destination,
                            pattern: pattern, matcher: matcher, timeout: timeout, limit: limit)
    }

    /// Broadcasts any method with raw arguments and collects the replies.
    public func broadcast(method: String, arguments: JSONObject, destination: [String]? = nil, pattern: String? = nil,
                          matcher: String? = nil, timeout: Double = 1, limit: Int? = nil) async throws(RedisError) -> [Reply]
    {
        let oid = UUID().uuidString.lowercased()
        let ticket = UUID().uuidString.lowercased()
        let queue = ControlMessage.replyQueue(oid: oid)
        let exchange = ControlMessage.replyExchange
        _ = try await transport.size(of: queue)
        try await transport.bindExpiring(queue: queue, exchange: exchange, routingKey: oid, expiresMilliseconds: 10_000)
        let request = ControlRequest(method: method, arguments: arguments, destination: destination, pattern: pattern,
                                     matcher: matcher, ticket: ticket,
                                     replyTo: ControlRequest.ReplyTo(exchange: exchange, routingKey: oid))
        let envelope = ControlMessage.requestEnvelope(request, clock: clock.forward(), expires: Date().timeIntervalSince1970 + timeout,
                                                      deliveryTag: UUID().uuidString.lowercased())
        let blocking = transport.client.blockingClient()
        var replies: [Reply] = []
        do {
            try await transport.publishFanout(envelope.encoded(), exchange: ControlMessage.exchange, routingKey: "")
            let limit = limit ?? destination?.count
            let keys = Priority.brpopKeys([queue])
            var deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
            while limit.map({ replies.count < $0 }) ?? true {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { break }
                let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
                guard let popped = try await blocking.brpop(keys: keys, timeout: max(0.01, min(1, seconds))) else { continue }
                do {
                    let reply = try ControlMessage.decodeReply(popped.value)
                    guard reply.ticket == ticket else { continue }
                    clock.adjust(reply.clock)
                    replies.append(Reply(nodename: reply.nodename, result: reply.result))
                    deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
                } catch {
                    logger.warning("malformed control reply dropped: \(error)")
                }
            }
        } catch {
            await blocking.close()
            try? await transport.deleteQueue(queue, exchange: exchange, routingKey: oid)
            throw error
        }
        await blocking.close()
        try await transport.deleteQueue(queue, exchange: exchange, routingKey: oid)
        return replies
    }

    /// Sends a command that expects no reply (`heartbeat`, `shutdown`, a fire-and-forget revoke).
    public func cast(_ command: ControlCommand, destination: [String]? = nil, pattern: String? = nil,
                     matcher: String? = nil) async throws(RedisError)
    {
        let request = ControlRequest(command: command, destination: destination, pattern: pattern, matcher: matcher)
        let envelope = ControlMessage.requestEnvelope(request, clock: clock.forward(), expires: Date().timeIntervalSince1970 + 1,
                                                      deliveryTag: UUID().uuidString.lowercased())
        try await transport.publishFanout(envelope.encoded(), exchange: ControlMessage.exchange, routingKey: "")
    }
}
