import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
    /// The text every event of ``source`` starts with (``CeleryEvent/encodedPrefix(of:)``).
    private let prefix: [UInt8]
    private let state = NIOLockedValueBox(State())

    private struct State {
        var clock = 0
        /// The buffered task events, each already JSON text, joined with ", " (the items of
        /// the `task.multi` list), and how many there are.
        var buffer: [UInt8] = []
        var buffered = 0
    }

    /// How many buffered task events trigger a flush. Celery's dispatcher flushes at 24 and at
    /// every turn of its event loop; here a timer flushes at least every 100 ms (the worker's
    /// flush loop), so the limit only bounds a message's size under load, where every flush
    /// is one more PUBLISH (and write) of the same bytes: at 100, a worker draining a deep
    /// queue publishes a batch per ~33 tasks instead of per 8. Receivers (Celery's
    /// `EventReceiver`, Flower, the console) take a `task.multi` list of any length.
    public static let batchLimit = 100

    /// A publisher for `source`.
    public init(transport: KombuTransport, source: CeleryEvent.Source, logger: Logger) {
        self.transport = transport
        self.source = source
        self.logger = logger
        prefix = CeleryEvent.encodedPrefix(of: source)
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
        if append(type, fields: fields) { await flush() }
    }

    /// Writes the event's JSON text (with the next clock value) into the buffer; returns
    /// whether this event made ``batchLimit`` wait — true once per batch, not for every event
    /// after it: while the flush it triggers is still on its way, the events arriving
    /// meanwhile join that flush instead of each starting one more (under load that storm
    /// published a batch per ~26 events instead of per 100). The text is written straight
    /// into the buffer under the lock, from the fields
    /// (``CeleryEvent/encode(type:source:prefix:clock:fields:timestamp:into:)``): written into
    /// an array of its own first, each event cost one allocation and one copy more (three
    /// events per task, issue #6).
    private func append(_ type: EventType, fields: JSONObject) -> Bool {
        let timestamp = Date().timeIntervalSince1970
        return state.withLockedValue { state -> Bool in
            if state.buffered > 0 { state.buffer.append(contentsOf: ", ".utf8) }
            state.clock += 1
            CeleryEvent.encode(type: type, source: source, prefix: prefix, clock: state.clock, fields: fields,
                               timestamp: timestamp, into: &state.buffer)
            state.buffered += 1
            return state.buffered == Self.batchLimit
        }
    }

    /// Buffers a task event without waiting: when ``batchLimit`` are waiting, a task of its own
    /// publishes them (for callers on an actor, which would otherwise hop off and back).
    public func post(_ type: EventType, fields: JSONObject) {
        if append(type, fields: fields) { Task { await self.flush() } }
    }

    /// Publishes the buffered task events as one `task.multi` list.
    public func flush() async {
        let (items, count) = state.withLockedValue { state -> ([UInt8], Int) in
            let taken = (state.buffer, state.buffered)
            // The next batch is about as long: one allocation instead of a dozen doublings.
            state.buffer = []
            state.buffer.reserveCapacity(taken.0.count)
            state.buffered = 0
            return taken
        }
        guard count > 0 else { return }
        var list: [UInt8] = [UInt8(ascii: "[")]
        list.reserveCapacity(items.count + 2)
        list.append(contentsOf: items)
        list.append(UInt8(ascii: "]"))
        let envelope = EventMessage.batchEnvelope(encodedList: list, hostname: source.hostname, deliveryTag: FastUUID.string())
        do {
            try await transport.publishFanout(envelope.encoded(), exchange: EventMessage.exchange, routingKey: EventMessage.batchRoutingKey)
        } catch {
            logger.warning("\(count) task events not published: \(error)")
        }
    }
}
