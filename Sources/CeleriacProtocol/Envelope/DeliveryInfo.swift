/// `properties.delivery_info` of a kombu envelope: where the message was published.
///
/// A typed view over the JSON object, so members kombu or a peer added survive a round trip.
public struct DeliveryInfo: Sendable, Hashable {
    /// The members as sent.
    public var raw: JSONObject

    /// The order kombu writes the members in.
    public static let keyOrder = ["exchange", "routing_key", "redelivered"]

    /// A view over an existing object.
    public init(raw: JSONObject) {
        self.raw = raw
    }

    /// `{"exchange": …, "routing_key": …}` as kombu writes it on publish.
    public init(exchange: String, routingKey: String) {
        raw = JSONObject()
        raw.appendUnchecked("exchange", .string(exchange))
        raw.appendUnchecked("routing_key", .string(routingKey))
    }

    /// The exchange (`""` for the anonymous exchange tasks travel through).
    public var exchange: String? {
        get { raw["exchange"]?.stringValue }
        set { raw.setOrdered("exchange", newValue.map(JSONValue.string), order: Self.keyOrder) }
    }

    /// The routing key (the queue name for tasks).
    public var routingKey: String? {
        get { raw["routing_key"]?.stringValue }
        set { raw.setOrdered("routing_key", newValue.map(JSONValue.string), order: Self.keyOrder) }
    }

    /// Set to true by kombu when a message is restored or requeued.
    public var redelivered: Bool? {
        get { raw["redelivered"]?.boolValue }
        set { raw.setOrdered("redelivered", newValue.map(JSONValue.bool), order: Self.keyOrder) }
    }
}
