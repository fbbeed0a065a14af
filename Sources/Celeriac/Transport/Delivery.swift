import CeleriacProtocol

/// A message taken from a queue by a ``Consumer``.
public struct Delivery: Sendable {
    /// The bytes exactly as they were LPUSHed.
    public var raw: [UInt8]
    /// The queue it came from.
    public var queue: String
    /// The list key it was popped from (the queue or one of its priority keys).
    public var key: String
    /// The decoded envelope.
    public var envelope: KombuEnvelope
    /// `properties.delivery_tag`, the ack id.
    public var deliveryTag: String

    /// The exchange it was published to (`""` for tasks).
    public var exchange: String { envelope.properties.deliveryInfo.exchange ?? "" }
    /// The routing key it was published with.
    public var routingKey: String { envelope.properties.deliveryInfo.routingKey ?? queue }
    /// Whether the message was restored or requeued before.
    public var redelivered: Bool { envelope.properties.deliveryInfo.redelivered ?? false }
}

/// What a consumer cannot deliver.
public enum ConsumerError: Error, Sendable, CustomStringConvertible {
    /// A popped element is not a kombu envelope (or has no delivery tag). It was removed from
    /// the queue; its bytes are kept here so the caller can report or store them.
    case undecodable(queue: String, raw: [UInt8], reason: String)
    /// The consumer was closed.
    case closed

    public var description: String {
        switch self {
        case .undecodable(let queue, let raw, let reason):
            return "message from queue '\(queue)' cannot be decoded (\(raw.count) bytes): \(reason)"
        case .closed:
            return "the consumer is closed"
        }
    }
}
