import CeleriacProtocol

/// A message taken from a queue by a ``Consumer``.
///
/// Its parts never change after the pop and sit in one shared box: a delivery is copied into
/// the consumer's unacked table, the worker's request and each step of its run, and an unboxed
/// copy retained and released every string and array of the envelope each time.
public struct Delivery: Sendable {
    private final class Parts: Sendable {
        let raw: [UInt8]
        let queue: String
        let key: String
        let envelope: KombuEnvelope
        let deliveryTag: String

        init(raw: [UInt8], queue: String, key: String, envelope: KombuEnvelope, deliveryTag: String) {
            self.raw = raw
            self.queue = queue
            self.key = key
            self.envelope = envelope
            self.deliveryTag = deliveryTag
        }
    }

    private let parts: Parts

    init(raw: [UInt8], queue: String, key: String, envelope: KombuEnvelope, deliveryTag: String) {
        parts = Parts(raw: raw, queue: queue, key: key, envelope: envelope, deliveryTag: deliveryTag)
    }

    /// The bytes exactly as they were LPUSHed.
    public var raw: [UInt8] { parts.raw }
    /// The queue it came from.
    public var queue: String { parts.queue }
    /// The list key it was popped from (the queue or one of its priority keys).
    public var key: String { parts.key }
    /// The decoded envelope.
    public var envelope: KombuEnvelope { parts.envelope }
    /// `properties.delivery_tag`, the ack id.
    public var deliveryTag: String { parts.deliveryTag }

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
