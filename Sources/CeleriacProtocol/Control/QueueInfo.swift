/// A queue as `active_queues` reports it: kombu's `Queue.as_dict(recurse=True)` for a plain
/// durable direct queue (the kind Celery declares for task queues and `add_consumer`).
public struct QueueInfo: Sendable, Hashable {
    /// The queue name.
    public var name: String
    /// The exchange name (Celery uses the queue name).
    public var exchange: String
    /// The exchange type (`direct`).
    public var exchangeType: String
    /// The routing key (the queue name).
    public var routingKey: String

    /// A direct queue whose exchange and routing key default to its name, as Celery's
    /// automatic queues have.
    public init(name: String, exchange: String? = nil, exchangeType: String = "direct", routingKey: String? = nil) {
        self.name = name
        self.exchange = exchange ?? name
        self.exchangeType = exchangeType
        self.routingKey = routingKey ?? name
    }

    /// The dict, field for field as a Celery worker sends it.
    public var jsonValue: JSONValue {
        let exchangeObject: JSONValue = [
            "name": .string(exchange), "type": .string(exchangeType), "arguments": nil, "durable": true,
            "passive": false, "auto_delete": false, "delivery_mode": nil, "no_declare": false,
        ]
        return [
            "name": .string(name), "exchange": exchangeObject, "routing_key": .string(routingKey),
            "queue_arguments": nil, "binding_arguments": nil, "consumer_arguments": nil, "durable": true,
            "exclusive": false, "auto_delete": false, "no_ack": false, "alias": nil, "bindings": [],
            "no_declare": nil, "expires": nil, "message_ttl": nil, "max_length": nil, "max_length_bytes": nil,
            "max_priority": nil,
        ]
    }
}
