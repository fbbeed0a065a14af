/// Remote control on the wire: the `celery.pidbox` fanout exchange for requests, the
/// `reply.celery.pidbox` direct exchange for replies, and their envelopes.
public enum ControlMessage {
    /// The exchange requests are broadcast on.
    public static let exchange = "celery.pidbox"
    /// The exchange replies are routed through (by binding, with the caller's oid).
    public static let replyExchange = "reply.celery.pidbox"

    /// The channel requests are published on: `/{db}.celery.pidbox`.
    public static func requestChannel(db: Int, keyPrefix: String = "") -> String {
        "\(keyPrefix)/\(db).\(exchange)"
    }

    /// A worker's own pidbox queue: `<nodename>.celery.pidbox`.
    public static func workerQueue(nodename: String) -> String {
        nodename + "." + exchange
    }

    /// The caller's reply queue: `<oid>.reply.celery.pidbox`.
    public static func replyQueue(oid: String) -> String {
        oid + "." + replyExchange
    }

    /// The envelope of a request: headers `{"clock", "expires"}`, delivery mode 2.
    public static func requestEnvelope(_ request: ControlRequest, clock: Int, expires: Double, deliveryTag: String) -> KombuEnvelope {
        KombuEnvelope(
            payload: .object(request.raw),
            headers: ["clock": .integer(clock), "expires": .double(expires)],
            properties: MessageProperties(deliveryMode: 2, deliveryInfo: DeliveryInfo(exchange: exchange, routingKey: ""),
                                          deliveryTag: deliveryTag))
    }

    /// The envelope of a worker's reply: body `{nodename: result}`, headers `{"ticket", "clock"}`,
    /// delivery mode 1, routed with the caller's oid.
    public static func replyEnvelope(_ reply: ControlReply, replyTo: ControlRequest.ReplyTo, deliveryTag: String) -> KombuEnvelope {
        KombuEnvelope(
            payload: [reply.nodename: reply.result],
            headers: ["ticket": .string(reply.ticket), "clock": .integer(reply.clock)],
            properties: MessageProperties(deliveryMode: 1,
                                          deliveryInfo: DeliveryInfo(exchange: replyTo.exchange, routingKey: replyTo.routingKey),
                                          deliveryTag: deliveryTag))
    }

    /// A decoded request with its envelope headers.
    public struct ReceivedRequest: Sendable, Hashable {
        /// The request body.
        public var request: ControlRequest
        /// The sender's mailbox clock.
        public var clock: Int?
        /// When the request expires (not enforced by Celery).
        public var expires: Double?
    }

    /// Decodes a published request.
    public static func decodeRequest(_ bytes: some Collection<UInt8>) throws(ProtocolError) -> ReceivedRequest {
        let envelope = try KombuEnvelope.decode(bytes)
        let body = try envelope.decodeBody()
        guard case .object(let object) = body else {
            throw ProtocolError.wrongType("control request", expected: "an object", found: body)
        }
        return ReceivedRequest(request: try ControlRequest(raw: object),
                               clock: try envelope.headers.optionalInt("clock", path: "headers."),
                               expires: try envelope.headers.optionalNumber("expires", path: "headers."))
    }

    /// Decodes a reply popped from the reply queue.
    public static func decodeReply(_ bytes: some Collection<UInt8>) throws(ProtocolError) -> ControlReply {
        let envelope = try KombuEnvelope.decode(bytes)
        let body = try envelope.decodeBody()
        guard case .object(let object) = body, object.count == 1, let member = object.members.first else {
            throw ProtocolError(.wrongType, field: "control reply", "a control reply body must be {nodename: result}")
        }
        return ControlReply(nodename: member.key, result: member.value,
                            ticket: try envelope.headers.optionalString("ticket", path: "headers.") ?? "",
                            clock: try envelope.headers.optionalInt("clock", path: "headers.") ?? 0)
    }
}

/// One worker's reply to a control request.
public struct ControlReply: Sendable, Hashable {
    /// The replying worker.
    public var nodename: String
    /// What the command returned (see ``ControlReplies`` for the shapes).
    public var result: JSONValue
    /// The request's ticket.
    public var ticket: String
    /// The worker's clock.
    public var clock: Int

    /// A reply.
    public init(nodename: String, result: JSONValue, ticket: String, clock: Int) {
        self.nodename = nodename
        self.result = result
        self.ticket = ticket
        self.clock = clock
    }
}
