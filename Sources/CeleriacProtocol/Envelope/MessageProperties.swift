/// The `properties` of a kombu envelope, as a typed view over the JSON object.
///
/// Reading and writing typed fields keeps every other member and Python's key order:
/// `correlation_id, reply_to, origin, delivery_mode, expiration, delivery_info, priority,
/// body_encoding, delivery_tag`.
public struct MessageProperties: Sendable, Hashable {
    /// The members as sent.
    public var raw: JSONObject

    /// The order kombu and Celery write properties in.
    public static let keyOrder = [
        "correlation_id", "reply_to", "origin", "delivery_mode", "expiration", "delivery_info",
        "priority", "body_encoding", "delivery_tag",
    ]

    /// A view over an existing object.
    public init(raw: JSONObject) {
        self.raw = raw
    }

    /// Properties in kombu's order; nil fields are left out, as kombu leaves them out.
    public init(
        correlationID: String? = nil,
        replyTo: String? = nil,
        origin: String? = nil,
        deliveryMode: Int,
        expiration: String? = nil,
        deliveryInfo: DeliveryInfo,
        priority: Int = 0,
        bodyEncoding: String = "base64",
        deliveryTag: String
    ) {
        var object = JSONObject()
        object.reserveCapacity(9)
        if let correlationID { object.appendUnchecked("correlation_id", .string(correlationID)) }
        if let replyTo { object.appendUnchecked("reply_to", .string(replyTo)) }
        if let origin { object.appendUnchecked("origin", .string(origin)) }
        object.appendUnchecked("delivery_mode", .integer(deliveryMode))
        if let expiration { object.appendUnchecked("expiration", .string(expiration)) }
        object.appendUnchecked("delivery_info", .object(deliveryInfo.raw))
        object.appendUnchecked("priority", .integer(priority))
        object.appendUnchecked("body_encoding", .string(bodyEncoding))
        object.appendUnchecked("delivery_tag", .string(deliveryTag))
        raw = object
    }

    private mutating func set(_ key: String, _ value: JSONValue?) {
        raw.setOrdered(key, value, order: Self.keyOrder)
    }

    /// The task id, for task messages.
    public var correlationID: String? {
        get { raw["correlation_id"]?.stringValue }
        set { set("correlation_id", newValue.map(JSONValue.string)) }
    }

    /// The sender's reply oid (unused on Redis but always sent by Celery).
    public var replyTo: String? {
        get { raw["reply_to"]?.stringValue }
        set { set("reply_to", newValue.map(JSONValue.string)) }
    }

    /// The original sender, copied here by Celery on retries.
    public var origin: String? {
        get { raw["origin"]?.stringValue }
        set { set("origin", newValue.map(JSONValue.string)) }
    }

    /// 2 (persistent) for tasks and control requests, 1 for events and control replies.
    public var deliveryMode: Int? {
        get { raw["delivery_mode"]?.intValue.map(Int.init) }
        set { set("delivery_mode", newValue.map(JSONValue.integer)) }
    }

    /// The message TTL in milliseconds, as a string (tasks with `expires`).
    public var expiration: String? {
        get { raw["expiration"]?.stringValue }
        set { set("expiration", newValue.map(JSONValue.string)) }
    }

    /// Where the message was published.
    public var deliveryInfo: DeliveryInfo {
        get { DeliveryInfo(raw: raw["delivery_info"]?.objectValue ?? JSONObject()) }
        set { set("delivery_info", .object(newValue.raw)) }
    }

    /// The priority as sent (0–255 in AMQP terms; see ``Priority`` for Redis steps).
    public var priority: Int? {
        get { raw["priority"]?.intValue.map(Int.init) }
        set { set("priority", newValue.map(JSONValue.integer)) }
    }

    /// `"base64"` on Redis.
    public var bodyEncoding: String? {
        get { raw["body_encoding"]?.stringValue }
        set { set("body_encoding", newValue.map(JSONValue.string)) }
    }

    /// The uuid4 kombu gives each publish; the ack id.
    public var deliveryTag: String? {
        get { raw["delivery_tag"]?.stringValue }
        set { set("delivery_tag", newValue.map(JSONValue.string)) }
    }
}
