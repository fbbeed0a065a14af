import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOConcurrencyHelpers

/// kombu's Redis consumer: BRPOPs its queues step by step (priority 0 keys of every queue,
/// then 3, 6, 9), rotating the queue just served to the end (round robin), keeps a BRPOP
/// outstanding only while fewer than `prefetch` deliveries are unacked, and records each
/// delivery in `unacked`/`unacked_index` before handing it out — so Python and Swift
/// consumers can share a queue and a crashed consumer's messages come back. With
/// ``defersBlockingRecords`` (the worker's), a message BRPOP hands over is recorded by the next
/// poll instead, unless its holder settles it on arrival (a task starting at once with an early
/// ack), which needs neither the record nor the ack.
public actor Consumer {
    /// The transport it acks and restores through.
    public nonisolated let transport: KombuTransport
    private let blocking: RedisBlockingClient
    private var queues: [String]
    private let strategy: Configuration.QueueOrderStrategy
    /// The most unacked deliveries before the consumer stops popping; 0 means no limit.
    public private(set) var prefetch: Int
    /// While some deliveries are unacked, the room (prefetch left) there must be before the
    /// consumer takes more: a worker that still holds plenty of work then takes a batch at a
    /// time from a deep queue — one reserve script per batch instead of one per finished task,
    /// which is most of redis-server's work per message. 1 takes whatever room there is.
    public private(set) var refillRoom = 1
    private var unacked: [String: Delivery] = [:]
    private var unackedOrder: [String] = []
    /// Deliveries settled on arrival whose slots the actor has not freed yet, and the polls
    /// waiting for prefetch room (which a settled delivery frees). A lock rather than actor
    /// state, so that ``settled(_:)`` does not hop onto the actor: the task that settles runs
    /// right after the consume loop's next poll entered the actor, and queued behind it the
    /// hop cost a thread wake-up in the way of every lone task (measured by rtt9).
    private nonisolated let settledInbox = NIOLockedValueBox(SettledInbox())
    private var closed = false
    /// How long one BRPOP blocks (kombu: 1 s).
    public let pollTimeout: Double
    /// Every how many empty polls the visibility-restore round runs (kombu's synchronous
    /// consumers: every 10th); 0 turns it off.
    public let restoreEveryEmptyPolls: Int
    private var emptyPolls = 0
    /// Seconds between visibility-restore rounds while messages keep arriving (kombu restores
    /// on a timer too, not only when idle): a busy queue never polls empty, and a dead
    /// consumer's messages must still come back. 0 turns the timer off.
    public let restoreInterval: Double
    private var lastRestore = ContinuousClock.now
    /// Deliveries popped in the last batch and not yet handed out (already recorded unacked),
    /// or the decoding error of an element, in queue order.
    private var ready: [Result<Delivery, ConsumerError>] = []
    private var readyIndex = 0
    /// The most messages taken in one round: up to this many waiting messages are popped and
    /// recorded unacked by one script (``KombuTransport/reserve(keys:count:at:)``) — one
    /// round trip for a batch instead of two for every message.
    public let batchLimit: Int
    /// Whether a message BRPOP hands over is handed out before it is recorded unacked, so that
    /// its holder can settle it on arrival (see ``settleOnArrival(_:)``). Off by default: a
    /// plain consumer records every delivery before handing it out.
    public nonisolated let defersBlockingRecords: Bool
    /// Deliveries handed over unrecorded (BRPOP's, and the ones a reserve left unrecorded for
    /// tasks that start at once), by tag (only with ``defersBlockingRecords``). The next poll
    /// records those nobody settled; their `unacked` entries are encoded only then.
    private var unrecorded: [String: Delivery] = [:]
    /// The tags of ``unrecorded`` not claimed yet. Whoever removes a tag first decides its
    /// fate: the holder settling it on arrival (never recorded), or the consumer recording it.
    /// A lock rather than actor state, so the holder decides without a hop.
    private nonisolated let settleable = NIOLockedValueBox<Set<String>>([])
    /// Tags whose deferred record is in flight, and who waits for it: an ack or a restore of
    /// one of them must reach the broker after its record, never before.
    private var recordingTags: Set<String> = []
    private var recordWaiters: [CheckedContinuation<Void, Never>] = []
    /// Whether the next poll skips the reserve script and BRPOPs at once (after a BRPOP
    /// delivery, with ``defersBlockingRecords``).
    private var blocksFirst = false

    /// A consumer of `queues`. It opens its own connection for BRPOP. With
    /// `defersBlockingRecords`, a message BRPOP hands over is recorded unacked by the next poll
    /// rather than before it is handed out, unless its holder settles it first.
    public init(transport: KombuTransport, queues: [String], prefetch: Int,
                strategy: Configuration.QueueOrderStrategy = .roundRobin, pollTimeout: Double = 1,
                restoreEveryEmptyPolls: Int = 10, batchLimit: Int = 32, restoreInterval: Double = 10,
                defersBlockingRecords: Bool = false)
    {
        self.defersBlockingRecords = defersBlockingRecords
        self.restoreInterval = max(0, restoreInterval)
        self.batchLimit = max(1, batchLimit)
        self.restoreEveryEmptyPolls = max(0, restoreEveryEmptyPolls)
        self.transport = transport
        blocking = transport.client.blockingClient()
        self.strategy = strategy
        self.queues = strategy == .sorted ? queues.sorted() : queues
        self.prefetch = max(0, prefetch)
        self.pollTimeout = pollTimeout
    }

    /// The queues, in their current order.
    public var currentQueues: [String] { queues }

    /// The keys the next BRPOP lists.
    public var brpopKeys: [String] { Priority.brpopKeys(queues) }

    /// How many deliveries are unacked.
    public var unackedCount: Int {
        absorbSettled()
        return unacked.count
    }

    /// Deliveries held as the actor last counted them, settled ones it has not absorbed yet
    /// included: what its tables hold (tests check that it stays bounded).
    var heldCount: Int { unacked.count }

    /// Whether a poll waits for prefetch room (the limit is reached, or the room left is
    /// below ``refillRoom``).
    public var isWaitingForRoom: Bool { settledInbox.withLockedValue { !$0.roomWaiters.isEmpty } }

    /// Starts consuming another queue (declaring it first).
    public func addQueue(_ queue: String) async throws(RedisError) {
        guard !queues.contains(queue) else { return }
        try await transport.declareQueue(queue)
        queues.append(queue)
        if strategy == .sorted { queues.sort() }
    }

    /// Stops consuming a queue.
    public func removeQueue(_ queue: String) {
        queues.removeAll { $0 == queue }
    }

    /// Changes the prefetch limit (pool grow/shrink, ETA tasks held).
    public func setPrefetch(_ value: Int) {
        prefetch = max(0, value)
        wakeCapacityWaiters()
    }

    /// Changes the prefetch limit and the room the consumer waits for before taking more
    /// while it holds unacked deliveries (see ``refillRoom``).
    public func setPrefetch(_ value: Int, refillRoom room: Int) {
        refillRoom = max(1, room)
        setPrefetch(value)
    }

    /// Declares every queue (as a consumer does on start).
    public func declareQueues() async throws(RedisError) {
        for queue in queues { try await transport.declareQueue(queue) }
    }

    /// Waits until a message arrives and returns it, recorded as unacked. Throws
    /// ``ConsumerError/undecodable(queue:raw:reason:)`` for an element that is not an envelope,
    /// and ``ConsumerError/closed`` after ``close()``.
    public func next() async throws -> Delivery {
        while true {
            if let delivery = try await poll() { return delivery }
        }
    }

    /// One step: hands out the next delivery of the current batch, or waits for prefetch room,
    /// takes what waits (up to the room left and ``batchLimit``) and, when nothing does, does
    /// one BRPOP of at most ``pollTimeout``. Nil when nothing arrived (or no queues are
    /// consumed).
    public func poll() async throws -> Delivery? {
        try await poll(leaving: 0)
    }

    /// ``poll()``, leaving the first `leaving` messages a reserve takes unrecorded, to be settled
    /// on arrival by tasks that start at once (with ``defersBlockingRecords``; the next poll
    /// records the rest): neither their record nor their ack reaches the broker, two writes
    /// and a round trip in the way of each batch.
    func poll(leaving: Int, waiting: Bool = true) async throws -> Delivery? {
        guard !closed else { throw ConsumerError.closed }
        if let next = nextReady() { return try next.get() }
        // Deliveries handed out since the last poll and not settled on arrival are recorded
        // before anything else happens: before waiting for room, which may take long.
        try await recordDeferred()
        if !waiting {
            // The slots of those settled since the last poll are freed here, as waiting for
            // room would free them: unabsorbed, they would pile up in `unacked`.
            absorbSettled()
            guard defersBlockingRecords, leaving > 0, !queues.isEmpty else { return nil }
            let count = min(batchLimit, leaving)
            guard let reserved = try await reserveWaiting(count: count, leaving: count) else { return nil }
            return try await accept(reserved.messages, key: reserved.key, leaving: count)
        }
        try await waitForCapacity()
        guard !closed else { throw ConsumerError.closed }
        guard !queues.isEmpty else {
            try await Task.sleep(for: .seconds(pollTimeout))
            return nil
        }
        let room = max(1, min(batchLimit, prefetch > 0 ? prefetch - unacked.count : batchLimit))
        // What already waits is taken and recorded unacked in one atomic script: a worker
        // killed (or a broker restarted) between the pop and the record cannot lose it.
        let leave = defersBlockingRecords ? min(room, max(0, leaving)) : 0
        if !blocksFirst, let reserved = try await reserveWaiting(count: room, leaving: leave) {
            return try await accept(reserved.messages, key: reserved.key, leaving: leave)
        }
        // Nothing waits: block as kombu does. A message BRPOP hands over is recorded right
        // after (kombu's own window: a kill -9 at that instant loses that one message).
        let skippedReserve = blocksFirst
        if blocksFirst {
            // The timed restore round the BRPOP path runs, here rather than in the way of the
            // delivery handed out last time.
            await restoreVisibleIfTimerDue()
            blocksFirst = false
        }
        guard let popped = try await blocking.brpop(keys: brpopKeys, timeout: pollTimeout) else {
            await restoreVisibleIfDue()
            return nil
        }
        let queue = Priority.queueName(fromKey: popped.key)
        rotate(served: queue)
        if defersBlockingRecords {
            // The queue was empty a moment ago: the next poll blocks at once rather than
            // running the reserve script first (a round trip in the way of the next lone
            // task). Only every other time: when a deep queue appears, the poll after the
            // first BRPOP reserves a batch.
            blocksFirst = !skippedReserve
            return try handOutUnrecorded(popped.value, key: popped.key)
        }
        await restoreVisibleIfTimerDue()
        // What else waits is taken by the next poll's reserve: the message that woke us is
        // recorded and handed out first, without a round trip more in its way.
        return try await accept([(popped.value, nil)], key: popped.key)
    }

    /// Takes up to `count` waiting messages with the reserve script (all but the first
    /// `leaving` recorded unacked), serves their queue last next time, and runs the timed
    /// restore round; nil when nothing waits.
    private func reserveWaiting(count: Int, leaving: Int) async throws(RedisError) -> KombuTransport.Reserved? {
        guard let reserved = try await transport.reserve(keys: brpopKeys, count: count, leaving: leaving) else { return nil }
        rotate(served: Priority.queueName(fromKey: reserved.key))
        await restoreVisibleIfTimerDue()
        return reserved
    }

    /// Like ``poll()``, but hands out every delivery of the batch taken at once, so that a
    /// caller on another actor makes one hop per batch rather than one per message. An element
    /// that is not an envelope comes as ``ConsumerError/undecodable(queue:raw:reason:)`` in its
    /// place; empty when nothing arrived.
    ///
    /// `startingNow`: how many of the deliveries will start at once (free slots); with
    /// ``defersBlockingRecords``, that many are handed out unrecorded (see ``poll(leaving:)``).
    ///
    /// `waiting` false: takes only what waits now, up to `startingNow` (all of them handed out
    /// unrecorded, to be settled on arrival), without waiting for prefetch room and without a
    /// BRPOP; empty when nothing waits. For a runner that has just freed that many slots and
    /// fills them straight from the queue.
    public func pollBatch(startingNow: Int = 0, waiting: Bool = true) async throws -> [Result<Delivery, ConsumerError>] {
        var batch: [Result<Delivery, ConsumerError>] = []
        do {
            if let first = try await poll(leaving: startingNow, waiting: waiting) { batch.append(.success(first)) }
        } catch let error as ConsumerError {
            guard case .undecodable = error else { throw error }
            batch.append(.failure(error))
        }
        while let next = nextReady() { batch.append(next) }
        return batch
    }

    /// Decodes what was taken from `key`, records as unacked what the reserve script did not
    /// (but for the first `leaving`, handed out unrecorded), and hands out the first delivery.
    /// A message the script recorded but that does not decode is removed from `unacked` again
    /// (the worker keeps it in the failure store).
    private func accept(_ messages: [(raw: [UInt8], recordedTag: String?)], key: String, leaving: Int = 0) async throws -> Delivery? {
        let queue = Priority.queueName(fromKey: key)
        var batch: [Result<Delivery, ConsumerError>] = []
        var entries: [(tag: String, entry: [UInt8])] = []
        var unrecorded: [[UInt8]] = []
        var deferred: [Delivery] = []
        var stray: [String] = []
        for (index, message) in messages.enumerated() {
            let decoded = Self.decode(message.raw, queue: queue, key: key)
            batch.append(decoded)
            switch decoded {
            case .success(let delivery) where index < leaving && message.recordedTag == nil:
                deferred.append(delivery)
            case .success(let delivery) where message.recordedTag != delivery.deliveryTag:
                if let tag = message.recordedTag { stray.append(tag) }
                entries.append((delivery.deliveryTag, Self.unackedEntry(delivery)))
                unrecorded.append(message.raw)
            case .success:
                break
            case .failure:
                if let tag = message.recordedTag { stray.append(tag) }
                unrecorded.append(message.raw)
            }
        }
        for tag in stray { try? await transport.ack(tag: tag) }
        do {
            try await transport.recordUnacked(entries)
        } catch {
            // Not recorded, so nothing would ever restore them: put them back where they were
            // (the first popped goes back rightmost, to be popped first again).
            let back = deferred.map(\.raw) + unrecorded
            _ = try? await transport.client.send(RedisCommand([Array("RPUSH".utf8), Array(key.utf8)] + back.reversed()))
            throw error
        }
        for delivery in deferred {
            self.unrecorded[delivery.deliveryTag] = delivery
        }
        if !deferred.isEmpty { settleable.withLockedValue { set in for delivery in deferred { set.insert(delivery.deliveryTag) } } }
        for case .success(let delivery) in batch {
            unacked[delivery.deliveryTag] = delivery
            unackedOrder.append(delivery.deliveryTag)
        }
        ready = batch
        readyIndex = 0
        return try nextReady()?.get()
    }

    /// Hands out a message BRPOP took without recording it first (``defersBlockingRecords``):
    /// its holder may settle it on arrival, which saves the record and the ack, two round
    /// trips in the way of a lone task. Until the next poll records it, a kill -9 loses it —
    /// the window kombu has between its BRPOP and its record, a little longer.
    private func handOutUnrecorded(_ raw: [UInt8], key: String) throws -> Delivery {
        let delivery = try Self.decode(raw, queue: Priority.queueName(fromKey: key), key: key).get()
        let tag = delivery.deliveryTag
        unrecorded[tag] = delivery
        settleable.withLockedValue { _ = $0.insert(tag) }
        unacked[tag] = delivery
        unackedOrder.append(tag)
        return delivery
    }

    /// Settles a delivery on arrival: when it is still unrecorded (handed out by BRPOP with
    /// ``defersBlockingRecords`` and not recorded by a poll yet), it will never be recorded,
    /// and other parties see it as acked already — it left the queue and is not unacked.
    /// Returns true then, and the holder ends it with ``settled(_:)`` instead of an ack; false
    /// means it is (or is being) recorded and needs an ack as usual. For a task that starts
    /// at once with an early ack; synchronous, so the holder decides before its next poll.
    public nonisolated func settleOnArrival(_ delivery: Delivery) -> Bool {
        settleable.withLockedValue { $0.remove(delivery.deliveryTag) != nil }
    }

    /// Frees the prefetch slot of a delivery settled on arrival (``settleOnArrival(_:)``):
    /// nothing goes to the broker. Without a hop onto the actor: the slot is handed over under
    /// a lock, a poll waiting for room is woken, and the actor frees it before it next counts
    /// its deliveries.
    public nonisolated func settled(_ delivery: Delivery) async {
        await settled([delivery])
    }

    /// ``settled(_:)`` for several deliveries: a batch of tasks that started together.
    public nonisolated func settled(_ deliveries: [Delivery]) async {
        guard !deliveries.isEmpty else { return }
        let waiters = settledInbox.withLockedValue { inbox -> [CheckedContinuation<Void, Never>] in
            inbox.tags.append(contentsOf: deliveries.map(\.deliveryTag))
            defer { inbox.roomWaiters.removeAll() }
            return inbox.roomWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Frees the slots of the deliveries ``settled(_:)`` handed over since the last time.
    private func absorbSettled() {
        let tags = settledInbox.withLockedValue { inbox -> [String] in
            defer { inbox.tags.removeAll() }
            return inbox.tags
        }
        for tag in tags {
            unrecorded[tag] = nil
            forget(tag)
        }
    }

    /// Records a delivery handed out unrecorded now, rather than at the next poll (or waits for
    /// its record in flight): for a task that holds its message unacked while it runs (late
    /// ack), so that it is recorded before the body starts. Nothing to do for the rest. On
    /// failure it stays deferred, for the next poll.
    public func ensureRecorded(_ delivery: Delivery) async throws(RedisError) {
        let tag = delivery.deliveryTag
        guard let entry = await claimUnrecorded(tag) else { return }
        do {
            try await transport.recordUnacked(tag: tag, entry: entry)
        } catch {
            if unacked[tag] != nil {
                unrecorded[tag] = delivery
                settleable.withLockedValue { _ = $0.insert(tag) }
            }
            throw error
        }
    }

    /// Records the deferred deliveries nobody settled (one transaction). On failure they stay
    /// deferred, to be recorded by a later poll.
    private func recordDeferred() async throws(RedisError) {
        guard !unrecorded.isEmpty else { return }
        let taken = unrecorded
        unrecorded.removeAll()
        let claimed = settleable.withLockedValue { set in taken.keys.filter { set.remove($0) != nil } }
        let entries = claimed.compactMap { tag in taken[tag].map { (tag: tag, entry: Self.unackedEntry($0)) } }
        guard !entries.isEmpty else { return }
        recordingTags.formUnion(claimed)
        defer {
            recordingTags.subtract(claimed)
            let waiters = recordWaiters
            recordWaiters.removeAll()
            for waiter in waiters { waiter.resume() }
        }
        do {
            try await transport.recordUnacked(entries)
        } catch {
            for item in entries where unacked[item.tag] != nil { unrecorded[item.tag] = taken[item.tag] }
            settleable.withLockedValue { set in for item in entries where unacked[item.tag] != nil { set.insert(item.tag) } }
            throw error
        }
    }

    /// Before an ack, reject or release reaches the broker: waits for a record of `tag` in
    /// flight, and takes an unrecorded one out of the deferred set. Returns its `unacked`
    /// entry when it was never recorded nor settled (the caller decides whether to record it
    /// now).
    private func claimUnrecorded(_ tag: String) async -> [UInt8]? {
        while recordingTags.contains(tag) {
            await withCheckedContinuation { recordWaiters.append($0) }
        }
        guard let delivery = unrecorded.removeValue(forKey: tag) else { return nil }
        // Settled on arrival already: acked as far as anyone can tell, never to be recorded.
        guard settleable.withLockedValue({ $0.remove(tag) != nil }) else { return nil }
        return Self.unackedEntry(delivery)
    }

    private func nextReady() -> Result<Delivery, ConsumerError>? {
        guard readyIndex < ready.count else { return nil }
        let next = ready[readyIndex]
        readyIndex += 1
        if readyIndex == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
        }
        return next
    }

    /// kombu's `unacked` entry for a delivery: `[envelope, exchange, routing_key]`.
    private static func unackedEntry(_ delivery: Delivery) -> [UInt8] {
        UnackedEntry(envelope: delivery.envelope, exchange: delivery.exchange, routingKey: delivery.routingKey).encoded()
    }

    private static func decode(_ raw: [UInt8], queue: String, key: String) -> Result<Delivery, ConsumerError> {
        let envelope: KombuEnvelope
        do {
            envelope = try KombuEnvelope.decode(raw)
        } catch {
            return .failure(.undecodable(queue: queue, raw: raw, reason: "\(error)"))
        }
        guard let tag = envelope.properties.deliveryTag else {
            return .failure(.undecodable(queue: queue, raw: raw, reason: "no properties.delivery_tag"))
        }
        return .success(Delivery(raw: raw, queue: queue, key: key, envelope: envelope, deliveryTag: tag))
    }

    /// Acks a delivery (ZREM + HDEL).
    public func ack(_ delivery: Delivery) async throws(RedisError) {
        // Never recorded: a record and an ack cancel out, so nothing is sent.
        if await claimUnrecorded(delivery.deliveryTag) == nil {
            try await transport.ack(tag: delivery.deliveryTag)
        }
        forget(delivery.deliveryTag)
    }

    /// Acks several deliveries in one write (a batch of tasks that started together).
    public func ack(_ deliveries: [Delivery]) async throws(RedisError) {
        var tags: [String] = []
        tags.reserveCapacity(deliveries.count)
        for delivery in deliveries where await claimUnrecorded(delivery.deliveryTag) == nil {
            tags.append(delivery.deliveryTag)
        }
        try await transport.ack(tags: tags)
        for delivery in deliveries { forget(delivery.deliveryTag) }
    }

    /// Lets go of a delivery without acking it: it stays in `unacked` on the broker and the
    /// visibility-timeout restore hands it out again (for a task whose result could not be
    /// stored). Frees its prefetch slot here.
    public func release(_ delivery: Delivery) async {
        if let entry = await claimUnrecorded(delivery.deliveryTag) {
            // It must stay unacked on the broker to come back: record it now.
            do {
                try await transport.recordUnacked(tag: delivery.deliveryTag, entry: entry)
            } catch {
                transport.logger.error("delivery \(delivery.deliveryTag) could not be recorded unacked and may be lost: \(error)")
            }
        }
        forget(delivery.deliveryTag)
    }

    /// Rejects a delivery: with `requeue`, it goes to the back of its queue (LPUSH) marked
    /// redelivered; without, it is dropped (ZREM + HDEL).
    public func reject(_ delivery: Delivery, requeue: Bool) async throws(RedisError) {
        if let entry = await claimUnrecorded(delivery.deliveryTag) {
            // Requeued through the unacked record, as every other requeue is.
            guard requeue else {
                forget(delivery.deliveryTag)
                return
            }
            try await transport.recordUnacked(tag: delivery.deliveryTag, entry: entry)
        }
        if requeue {
            try await transport.restore(tag: delivery.deliveryTag, leftmost: true)
        } else {
            try await transport.ack(tag: delivery.deliveryTag)
        }
        forget(delivery.deliveryTag)
    }

    /// Puts back every delivery this consumer holds (RPUSH, so they are consumed next), as a
    /// worker does at warm shutdown. Returns how many were restored.
    @discardableResult
    public func restoreUnacked() async throws(RedisError) -> Int {
        // Deliveries handed out unrecorded are recorded first, so that they come back too
        // (those settled on arrival are gone already: they do not).
        absorbSettled()
        try await recordDeferred()
        var count = 0
        for tag in unackedOrder {
            if try await transport.restore(tag: tag) { count += 1 }
        }
        unacked.removeAll()
        unackedOrder.removeAll()
        ready.removeAll()
        readyIndex = 0
        wakeCapacityWaiters()
        return count
    }

    /// Stops the consumer: pending and later calls to ``next()`` fail with `closed`.
    public func close() async {
        closed = true
        wakeCapacityWaiters()
        await blocking.close()
    }

    /// Runs the visibility-restore round on every ``restoreEveryEmptyPolls``-th empty poll. A
    /// failed round is logged and tried again at the next turn; it must not stop consuming.
    private func restoreVisibleIfDue() async {
        guard restoreEveryEmptyPolls > 0 else { return }
        emptyPolls += 1
        guard emptyPolls % restoreEveryEmptyPolls == 0 else { return }
        await restoreRound()
    }

    /// The timed visibility-restore round, for consumers that never poll empty.
    private func restoreVisibleIfTimerDue() async {
        guard restoreInterval > 0, ContinuousClock.now - lastRestore > .milliseconds(Int(restoreInterval * 1000)) else { return }
        lastRestore = .now
        await restoreRound()
    }

    /// One visibility-restore round; a failure is logged and tried again at the next turn.
    private func restoreRound() async {
        do {
            let restored = try await transport.restoreVisible()
            if !restored.isEmpty { transport.logger.info("restored \(restored.count) unacked messages past the visibility timeout") }
        } catch {
            transport.logger.warning("visibility restore failed: \(error)")
        }
    }

    private func forget(_ tag: String) {
        if unacked.removeValue(forKey: tag) != nil {
            // Tags are unique and mostly acked in the order taken: the first match is near the
            // front, where removeAll would compare every tag held.
            if let index = unackedOrder.firstIndex(of: tag) { unackedOrder.remove(at: index) }
        }
        wakeCapacityWaiters()
    }

    private func rotate(served queue: String) {
        guard strategy == .roundRobin, let index = queues.firstIndex(of: queue) else { return }
        queues.remove(at: index)
        queues.append(queue)
    }

    /// Waits while the prefetch is used up, or while deliveries are held and the room left is
    /// smaller than ``refillRoom`` (capped at the prefetch and the batch size, so an idle
    /// consumer always takes what waits).
    private func waitForCapacity() async throws {
        while true {
            absorbSettled()
            guard prefetch > 0, !closed,
                  unacked.count >= prefetch || (!unacked.isEmpty && prefetch - unacked.count < min(refillRoom, prefetch, batchLimit))
            else { return }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Under the inbox's lock: a delivery settled since the check above wakes at once.
                let parked = settledInbox.withLockedValue { inbox -> Bool in
                    guard inbox.tags.isEmpty else { return false }
                    inbox.roomWaiters.append(continuation)
                    return true
                }
                if !parked { continuation.resume() }
            }
        }
    }

    private func wakeCapacityWaiters() {
        let waiters = settledInbox.withLockedValue { inbox -> [CheckedContinuation<Void, Never>] in
            defer { inbox.roomWaiters.removeAll() }
            return inbox.roomWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
