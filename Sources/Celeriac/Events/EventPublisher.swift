import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

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
        /// The buffered task events, encoded when they are flushed.
        var pending: [Pending] = []
        /// The loop flushes encode and publish on (see ``flush()``), chosen at the first.
        var encodingLoop: RedisEventLoopExecutor?
    }

    /// A buffered task event: what its JSON text is made of, clock and time taken when posted.
    private struct Pending {
        var type: EventType
        var fields: JSONObject
        var clock: Int
        var timestamp: Double
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

    /// Buffers the event with the next clock value and the time now; returns whether this
    /// event made ``batchLimit`` wait — true once per batch, not for every event after it:
    /// while the flush it triggers is still on its way, the events arriving meanwhile join
    /// that flush instead of each starting one more (under load that storm published a batch
    /// per ~26 events instead of per 100). Its JSON text is written by the flush.
    private func append(_ type: EventType, fields: JSONObject) -> Bool {
        let timestamp = Date().timeIntervalSince1970
        return state.withLockedValue { state -> Bool in
            state.clock += 1
            state.pending.append(Pending(type: type, fields: fields, clock: state.clock, timestamp: timestamp))
            return state.pending.count == Self.batchLimit
        }
    }

    /// Buffers a task event without waiting: when ``batchLimit`` are waiting, a task of its own
    /// publishes them (for callers on an actor, which would otherwise hop off and back).
    public func post(_ type: EventType, fields: JSONObject) {
        if append(type, fields: fields) { Task { await self.flush() } }
    }

    /// Publishes the buffered task events as one `task.multi` list.
    ///
    /// Encoded and published on an event loop other than the caller's when the caller runs on
    /// one (under the event-loop executor, a busy worker runs on one loop): writing the JSON
    /// text of three events per task was about a tenth of that loop's time in a deep drain
    /// (issue #6), and the other loop has it to spare. Every flush runs on that same loop, so
    /// batches are taken and published in order.
    public func flush() async {
        if let loop = encodingLoop() {
            await withTaskExecutorPreference(loop) { await self.publishPending() }
        } else {
            await publishPending()
        }
    }

    /// Takes the buffered events, writes their JSON texts as one list and publishes it.
    private func publishPending() async {
        let taken = state.withLockedValue { state -> [Pending] in
            let taken = state.pending
            state.pending = []
            state.pending.reserveCapacity(taken.count)
            return taken
        }
        guard !taken.isEmpty else { return }
        var list: [UInt8] = [UInt8(ascii: "[")]
        list.reserveCapacity(taken.count * 320)
        for (index, event) in taken.enumerated() {
            if index > 0 { list.append(contentsOf: ", ".utf8) }
            CeleryEvent.encode(type: event.type, source: source, prefix: prefix, clock: event.clock, fields: event.fields,
                               timestamp: event.timestamp, into: &list)
        }
        list.append(UInt8(ascii: "]"))
        let envelope = EventMessage.batchEnvelope(encodedList: list, hostname: source.hostname, deliveryTag: FastUUID.string())
        do {
            try await transport.publishFanout(envelope.encoded(), exchange: EventMessage.exchange, routingKey: EventMessage.batchRoutingKey)
        } catch {
            logger.warning("\(taken.count) task events not published: \(error)")
        }
    }

    /// The loop flushes run on: chosen at the first flush made on one of the group's loops, as
    /// one that is not the caller's (nil when the caller is on no loop, or there is one loop).
    /// A flush made on that loop itself runs where it is.
    private func encodingLoop() -> RedisEventLoopExecutor? {
        if let chosen = state.withLockedValue({ $0.encodingLoop }) {
            return chosen.eventLoop.inEventLoop ? nil : chosen
        }
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        guard loops.count > 1, loops.contains(where: \.inEventLoop), let other = loops.first(where: { !$0.inEventLoop }) else { return nil }
        let chosen = state.withLockedValue { state -> RedisEventLoopExecutor in
            if let existing = state.encodingLoop { return existing }
            let executor = RedisEventLoopExecutor(eventLoop: other)
            state.encodingLoop = executor
            return executor
        }
        return chosen.eventLoop.inEventLoop ? nil : chosen
    }
}
