/// Events on the wire: the `celeryev` fanout exchange, its channels, and the envelope around
/// one event (or a `task.multi` batch, a JSON list).
public enum EventMessage {
    /// The exchange events are published on.
    public static let exchange = "celeryev"
    /// The routing key of batched task events.
    public static let batchRoutingKey = "task.multi"

    /// The PUBLISH channel: `/{db}.celeryev/<routing key>`, with an optional global key prefix.
    public static func channel(db: Int, routingKey: String, keyPrefix: String = "") -> String {
        "\(keyPrefix)/\(db).\(exchange)/\(routingKey)"
    }

    /// The pattern monitors PSUBSCRIBE to for every event.
    public static func allEventsPattern(db: Int, keyPrefix: String = "") -> String {
        channel(db: db, routingKey: "*", keyPrefix: keyPrefix)
    }

    /// The envelope of a published event or batch: headers `{"hostname"}`, delivery mode 1,
    /// delivery info `{"exchange": "celeryev", "routing_key"}`.
    public static func envelope(body: JSONValue, hostname: String, routingKey: String, deliveryTag: String) -> KombuEnvelope {
        KombuEnvelope(
            payload: body,
            headers: ["hostname": .string(hostname)],
            properties: MessageProperties(deliveryMode: 1, deliveryInfo: DeliveryInfo(exchange: exchange, routingKey: routingKey),
                                          deliveryTag: deliveryTag))
    }

    /// The envelope of a single unbatched event (worker events, task-sent).
    public static func envelope(event: CeleryEvent, deliveryTag: String) -> KombuEnvelope {
        envelope(body: event.jsonValue, hostname: event.hostname ?? "", routingKey: event.type.routingKey,
                 deliveryTag: deliveryTag)
    }

    /// The envelope of a `task.multi` batch whose body, the JSON list of the events, is
    /// written already (the same envelope ``batchEnvelope(events:hostname:deliveryTag:)`` makes
    /// of those events).
    public static func batchEnvelope(encodedList body: [UInt8], hostname: String, deliveryTag: String) -> KombuEnvelope {
        KombuEnvelope(
            body: body,
            headers: ["hostname": .string(hostname)],
            properties: MessageProperties(deliveryMode: 1, deliveryInfo: DeliveryInfo(exchange: exchange, routingKey: batchRoutingKey),
                                          deliveryTag: deliveryTag))
    }

    /// The envelope of a `task.multi` batch (a list, even of one event).
    public static func batchEnvelope(events: [CeleryEvent], hostname: String, deliveryTag: String) -> KombuEnvelope {
        envelope(body: .array(events.map(\.jsonValue)), hostname: hostname, routingKey: batchRoutingKey,
                 deliveryTag: deliveryTag)
    }

    /// The events in a decoded body: one object, or a list of them (`task.multi`).
    public static func events(in body: JSONValue) throws(ProtocolError) -> [CeleryEvent] {
        switch body {
        case .object(let object):
            return [try CeleryEvent(raw: object)]
        case .array(let items):
            var events: [CeleryEvent] = []
            events.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard case .object(let object) = item else {
                    throw ProtocolError.wrongType("event[\(index)]", expected: "an object", found: item)
                }
                events.append(try CeleryEvent(raw: object))
            }
            return events
        default:
            throw ProtocolError.wrongType("event body", expected: "an object or a list of objects", found: body)
        }
    }

    /// The events in a published message's bytes.
    public static func decode(_ bytes: some Collection<UInt8>) throws(ProtocolError) -> [CeleryEvent] {
        try events(in: try KombuEnvelope.decode(bytes).decodeBody())
    }
}
