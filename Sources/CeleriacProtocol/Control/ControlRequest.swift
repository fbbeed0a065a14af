/// A remote-control request body (kombu pidbox):
/// `{"method", "arguments", "destination", "pattern", "matcher", "ticket", "reply_to"}`.
/// Casts (`heartbeat`, Flower's `enable_events`) have no `ticket` or `reply_to`.
public struct ControlRequest: Sendable, Hashable {
    /// The members as sent.
    public private(set) var raw: JSONObject

    /// Where a worker sends its reply: the `reply.celery.pidbox` exchange and the caller's oid.
    public struct ReplyTo: Sendable, Hashable {
        /// `reply.celery.pidbox`.
        public var exchange: String
        /// The caller's oid; the reply queue is `<oid>.reply.celery.pidbox`.
        public var routingKey: String

        /// A reply address.
        public init(exchange: String = ControlMessage.replyExchange, routingKey: String) {
            self.exchange = exchange
            self.routingKey = routingKey
        }

        /// `{"exchange", "routing_key"}`.
        public var jsonValue: JSONValue {
            ["exchange": .string(exchange), "routing_key": .string(routingKey)]
        }
    }

    /// A request as kombu's `Mailbox._broadcast` writes it. A nil `ticket` makes a cast.
    public init(method: String, arguments: JSONObject = JSONObject(), destination: [String]? = nil,
                pattern: String? = nil, matcher: String? = nil, ticket: String? = nil, replyTo: ReplyTo? = nil)
    {
        var object = JSONObject()
        object.reserveCapacity(7)
        object.appendUnchecked("method", .string(method))
        object.appendUnchecked("arguments", .object(arguments))
        object.appendUnchecked("destination", destination.map { .array($0.map(JSONValue.string)) } ?? .null)
        object.appendUnchecked("pattern", .optionalString(pattern))
        object.appendUnchecked("matcher", .optionalString(matcher))
        if let ticket {
            object.appendUnchecked("ticket", .string(ticket))
            object.appendUnchecked("reply_to", replyTo?.jsonValue ?? .null)
        }
        raw = object
    }

    /// A request for a typed command.
    public init(command: ControlCommand, destination: [String]? = nil, pattern: String? = nil, matcher: String? = nil,
                ticket: String? = nil, replyTo: ReplyTo? = nil)
    {
        self.init(method: command.method, arguments: command.arguments, destination: destination, pattern: pattern,
                  matcher: matcher, ticket: ticket, replyTo: replyTo)
    }

    /// Reads a request body; `method` is required.
    public init(raw: JSONObject) throws(ProtocolError) {
        _ = try raw.requiredString("method", path: "")
        _ = try raw.optionalObject("arguments", path: "")
        _ = try raw.optionalString("pattern", path: "")
        _ = try raw.optionalString("matcher", path: "")
        _ = try raw.optionalString("ticket", path: "")
        if let destination = try raw.optionalArray("destination", path: "") {
            for item in destination where item.stringValue == nil {
                throw ProtocolError.wrongType("destination", expected: "a list of node names", found: item)
            }
        }
        if let reply = try raw.optionalObject("reply_to", path: "") {
            _ = try reply.requiredString("routing_key", path: "reply_to.")
        }
        self.raw = raw
    }

    /// The command name.
    public var method: String { raw["method"]?.stringValue ?? "" }
    /// The command's arguments.
    public var arguments: JSONObject { raw["arguments"]?.objectValue ?? JSONObject() }
    /// The node names addressed, or nil for a broadcast.
    public var destination: [String]? { raw["destination"]?.arrayValue?.compactMap(\.stringValue) }
    /// A node-name pattern, used when there is no destination.
    public var pattern: String? { raw["pattern"]?.stringValue }
    /// `glob` or `pcre` (how to read `pattern`); glob when absent.
    public var matcher: String? { raw["matcher"]?.stringValue }
    /// Matches replies to this request.
    public var ticket: String? { raw["ticket"]?.stringValue }
    /// Where to reply; nil for casts.
    public var replyTo: ReplyTo? {
        guard let object = raw["reply_to"]?.objectValue, let key = object["routing_key"]?.stringValue else { return nil }
        return ReplyTo(exchange: object["exchange"]?.stringValue ?? ControlMessage.replyExchange, routingKey: key)
    }
    /// A cast expects no reply.
    public var isCast: Bool { ticket == nil || replyTo == nil }

    /// The typed command (unknown methods come back as ``ControlCommand/other(method:arguments:)``).
    public func command() throws(ProtocolError) -> ControlCommand {
        try ControlCommand(method: method, arguments: arguments)
    }

    /// Whether the worker `nodename` should handle this request, as kombu's pidbox decides:
    /// it is in a non-empty `destination`; or there is no destination and both `pattern` and
    /// `matcher` are given and match; or neither is given (a broadcast).
    public func isAddressed(to nodename: String) throws(ProtocolError) -> Bool {
        if let destination, !destination.isEmpty { return destination.contains(nodename) }
        if let pattern, !pattern.isEmpty, let matcher, !matcher.isEmpty {
            return try DestinationMatcher.matches(nodename, pattern: pattern, matcher: matcher)
        }
        return true
    }
}
