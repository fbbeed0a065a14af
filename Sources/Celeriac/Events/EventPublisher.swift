import CeleriacProtocol
import CeleriacRedis
import Foundation
import Logging
import NIOConcurrencyHelpers

/// Publishes events on the `celeryev` fanout exchange with a Lamport clock, as Celery's
/// `EventDispatcher` does. Task events can be buffered and flushed as one `task.multi` list
/// (Celery's batching); worker events and client events go out one by one.
public final class EventPublisher: Sendable {
    /// Who sends: hostname, utcoffset and pid.
    public let source: CeleryEvent.Source
    let transport: KombuTransport
    let logger: Logger
    private let state = NIOLockedValueBox(State())

    private struct State {
        var clock = 0
        var buffer: [CeleryEvent] = []
    }

    /// How many buffered task events trigger a flush (Celery: 24).
    public static let batchLimit = 24

    /// A publisher for `source`.
    public init(transport: KombuTransport, source: CeleryEvent.Source, logger: Logger) {
        self.transport = transport
        self.source = source
        self.logger = logger
    }

    /// Advances the Lamport clock for an event sent.
    public func tick() -> Int { state.withLockedValue { $0.clock += 1; return $0.clock } }

    /// Adjusts the clock to a received value: max(own, received) + 1.
    public func adjustClock(_ received: Int) {
        state.withLockedValue { $0.clock = max($0.clock, received) + 1 }
    }

    /// Builds an event of this source with the next clock value.
    public func event(_ type: EventType, fields: JSONObject, timestamp: Double = Date().timeIntervalSince1970) -> CeleryEvent {
        CeleryEvent(type: type, source: source, clock: tick(), fields: fields, timestamp: timestamp)
    }

    /// Publishes one event unbatched. A failure is logged, not thrown: events are best effort
    /// (as in Celery), and a client must not fail a send because its event was lost.
    public func send(_ type: EventType, fields: JSONObject) async {
        let event = event(type, fields: fields)
        let envelope = EventMessage.envelope(event: event, deliveryTag: UUID().uuidString.lowercased())
        do {
            try await transport.publishFanout(envelope.encoded(), exchange: EventMessage.exchange, routingKey: type.routingKey)
        } catch {
            logger.warning("event \(type) not published: \(error)")
        }
    }

    /// Buffers a task event; flushes when ``batchLimit`` are waiting.
    public func buffer(_ type: EventType, fields: JSONObject) async {
        let event = event(type, fields: fields)
        let full = state.withLockedValue { state -> Bool in
            state.buffer.append(event)
            return state.buffer.count >= Self.batchLimit
        }
        if full { await flush() }
    }

    /// Buffers a task event without waiting: when ``batchLimit`` are waiting, a task of its own
    /// publishes them (for callers on an actor, which would otherwise hop off and back).
    public func post(_ type: EventType, fields: JSONObject) {
        let event = event(type, fields: fields)
        let full = state.withLockedValue { state -> Bool in
            state.buffer.append(event)
            return state.buffer.count >= Self.batchLimit
        }
        if full { Task { await self.flush() } }
    }

    /// Publishes the buffered task events as one `task.multi` list.
    public func flush() async {
        let events = state.withLockedValue { state -> [CeleryEvent] in
            defer { state.buffer.removeAll() }
            return state.buffer
        }
        guard !events.isEmpty else { return }
        let envelope = EventMessage.batchEnvelope(events: events, hostname: source.hostname, deliveryTag: UUID().uuidString.lowercased())
        do {
            try await transport.publishFanout(envelope.encoded(), exchange: EventMessage.exchange, routingKey: EventMessage.batchRoutingKey)
        } catch {
            logger.warning("\(events.count) task events not published: \(error)")
        }
    }
}
