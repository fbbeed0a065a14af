import CeleriacProtocol
import CeleriacRedis

/// Receives the cluster's events: PSUBSCRIBEs `/{db}.celeryev/*` (as `celery events` and Flower
/// do) and yields each event, with `task.multi` batches unpacked in order.
public final class EventReceiver: Sendable {
    /// What the receiver yields.
    public enum Item: Sendable {
        /// An event, with the channel it came on.
        case event(CeleryEvent, channel: String)
        /// A message on an event channel that is not a valid event; never dropped silently.
        case malformed(channel: String, reason: String, payload: [UInt8])
        /// The connection was lost; events until ``reconnected`` are missed.
        case disconnected(String)
        /// Subscribed again after a loss.
        case reconnected
    }

    private let subscriber: RedisSubscriber
    private let pattern: String

    /// A receiver on the transport's broker (and database).
    public init(transport: KombuTransport) {
        subscriber = ReliableSubscriber.make(for: transport.client)
        pattern = EventMessage.allEventsPattern(db: transport.database)
    }

    /// Subscribes and returns the stream of items. Call once.
    public func start() async throws(RedisError) -> AsyncStream<Item> {
        try await ReliableSubscriber.psubscribe(subscriber, [pattern])
        let events = subscriber.events
        return AsyncStream { continuation in
            let task = Task {
                for await event in events {
                    for item in Self.items(from: event) { continuation.yield(item) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Decodes one pub/sub event into items.
    static func items(from event: RedisPubSubEvent) -> [Item] {
        switch event {
        case .message(let message):
            do {
                return try EventMessage.decode(message.payload).map { .event($0, channel: message.channel) }
            } catch {
                return [.malformed(channel: message.channel, reason: "\(error)", payload: message.payload)]
            }
        case .disconnected(let error):
            return [.disconnected("\(error)")]
        case .reconnected:
            return [.reconnected]
        }
    }

    /// Unsubscribes and closes the connection; the stream ends.
    public func close() async {
        await subscriber.close()
    }
}
