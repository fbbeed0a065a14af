import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOConcurrencyHelpers

/// kombu's Redis transport, producer side and shared bookkeeping: declaring and binding
/// queues, publishing through the anonymous, direct and fanout exchanges, acking and
/// restoring unacked messages. Every key and value is written as kombu 5.7 writes it, so
/// Python and Swift processes can share one broker.
public final class KombuTransport: Sendable {
    /// The pooled client for ordinary commands.
    public let client: RedisClient
    /// The database number, used in fanout channel names (`/{db}.<exchange>`).
    public let database: Int
    /// `visibility_timeout` in seconds.
    public let visibilityTimeout: Double
    /// How many entries one visibility-restore round takes at most (kombu's `num=10`).
    public let restoreLimit: Int
    let logger: Logger
    private let declared = NIOLockedValueBox<Set<String>>([])
    /// The token of a restore lock this transport took but could not release (the broker went
    /// away mid-round). It is released first thing next round, so a broker crash does not
    /// leave the lock to kombu's 300 s expiry while no process restores anything.
    private let unreleasedLockToken = NIOLockedValueBox<String?>(nil)
    /// Acks sent together: tags acked while another ack is in flight share its next round trip.
    private let acks: GroupCommit<String, Void>

    /// kombu's key names.
    public static let unackedKey = "unacked"
    /// The sorted set of delivery tags by delivery time.
    public static let unackedIndexKey = "unacked_index"
    /// The lock around a visibility-restore round.
    public static let unackedMutexKey = "unacked_mutex"
    /// The lock's expiry in milliseconds (kombu's `unacked_mutex_expire` 300 s).
    public static let unackedMutexExpireMilliseconds = 300_000

    /// A transport over `client`.
    public init(client: RedisClient, visibilityTimeout: Double = 3_600, restoreLimit: Int = 10,
                logger: Logger = Logger(label: "celeriac.transport"))
    {
        self.client = client
        database = client.url.database
        self.visibilityTimeout = visibilityTimeout
        self.restoreLimit = restoreLimit
        self.logger = logger
        acks = GroupCommit(limit: 512) { tags in
            if let error = await Self.sendAcks(tags, client: client) { return tags.map { _ in .failure(error) } }
            return tags.map { _ in .success(()) }
        }
    }

    /// HDEL then ZREM in one write, without kombu's MULTI/EXEC: half the commands per batch
    /// (redis-server's work per ack). Each command is atomic; between the two, the restore
    /// script finds the index entry without its message and only drops the entry (as it does
    /// for any stale index entry), so nothing is requeued. If only the HDEL got through, the
    /// caller's retry (or the next restore round) removes the entry left in the index.
    private static func sendAcks(_ tags: [String], client: RedisClient) async -> RedisError? {
        let replies = await client.pipeline([
            RedisCommand(["HDEL", KombuTransport.unackedKey] + tags),
            RedisCommand(["ZREM", KombuTransport.unackedIndexKey] + tags),
        ])
        for case .failure(let error) in replies { return error }
        return nil
    }

    // MARK: Declaring

    /// Declares a queue as kombu does: `MULTI; LLEN ×4; EXEC` (the passive size check), then
    /// the permanent binding `routing_key SEP SEP queue` in `_kombu.binding.<exchange>` and
    /// `_kombu.binding_permanent.<exchange>`. Returns the number of waiting messages.
    @discardableResult
    public func declareQueue(_ queue: String, exchange: String? = nil, routingKey: String? = nil) async throws(RedisError) -> Int {
        let count = try await size(of: queue)
        try await bind(queue: queue, exchange: exchange ?? queue, routingKey: routingKey ?? queue)
        declared.withLockedValue { _ = $0.insert(queue) }
        return count
    }

    /// Declares the queue only the first time this transport sees it (Celery caches declared
    /// queues per producer the same way).
    public func declareOnce(_ queue: String) async throws(RedisError) {
        if declared.withLockedValue({ $0.contains(queue) }) { return }
        try await declareQueue(queue)
    }

    /// Adds a permanent binding (`MULTI; SADD binding; SADD binding_permanent; EXEC`).
    public func bind(queue: String, exchange: String, routingKey: String) async throws(RedisError) {
        let member = Binding(routingKey: routingKey, queue: queue).member
        _ = try await client.transaction([
            RedisCommand(["SADD", Binding.setKey(exchange: exchange), member]),
            RedisCommand(["SADD", Binding.permanentSetKey(exchange: exchange), member]),
        ])
    }

    /// Adds a binding for a queue with `x-expires` (control and event queues): kombu's
    /// REFRESH_BINDING with a ttl of `max(2·expires, 3 600 000)` ms.
    public func bindExpiring(queue: String, exchange: String, routingKey: String, expiresMilliseconds: Int) async throws(RedisError) {
        let member = Binding(routingKey: routingKey, queue: queue).member
        let ttl = max(2 * expiresMilliseconds, 3_600_000)
        _ = try await client.evalSHA(KombuScripts.refreshBinding,
                                     keys: [Binding.setKey(exchange: exchange), Binding.deadlinesKey],
                                     arguments: [member, exchange, String(ttl)])
    }

    /// Deletes a queue as kombu does: SREM its binding from both sets, then DEL its four keys.
    public func deleteQueue(_ queue: String, exchange: String, routingKey: String) async throws(RedisError) {
        let member = Binding(routingKey: routingKey, queue: queue).member
        _ = try await client.send(RedisCommand(["SREM", Binding.setKey(exchange: exchange), member]))
        _ = try await client.send(RedisCommand(["SREM", Binding.permanentSetKey(exchange: exchange), member]))
        _ = try await client.transaction(Priority.allKeys(queue).map { RedisCommand(["DEL", $0]) })
        declared.withLockedValue { _ = $0.remove(queue) }
    }

    // MARK: Sizes

    /// The queue's length per priority step (`MULTI; LLEN ×4; EXEC`), in step order 0, 3, 6, 9.
    public func lengths(of queue: String) async throws(RedisError) -> [Int] {
        let replies = try await client.transaction(Priority.allKeys(queue).map { RedisCommand(["LLEN", $0]) }) ?? []
        return replies.map { Int($0.int ?? 0) }
    }

    /// The queue's total length.
    public func size(of queue: String) async throws(RedisError) -> Int {
        try await lengths(of: queue).reduce(0, +)
    }

    /// Empties a queue as `celery purge` does (`MULTI; LLEN k; DEL k …; EXEC`) and returns how
    /// many messages were removed.
    public func purge(_ queue: String) async throws(RedisError) -> Int {
        var commands: [RedisCommand] = []
        for key in Priority.allKeys(queue) {
            commands.append(RedisCommand(["LLEN", key]))
            commands.append(RedisCommand(["DEL", key]))
        }
        let replies = try await client.transaction(commands) ?? []
        var removed = 0
        for (index, reply) in replies.enumerated() where index % 2 == 0 { removed += Int(reply.int ?? 0) }
        return removed
    }

    /// Every binding kombu knows of: exchange → bindings, read from the `_kombu.binding.*` sets.
    public func bindings() async throws(RedisError) -> [(exchange: String, bindings: [Binding])] {
        var keys: [String] = []
        var cursor = "0"
        repeat {
            let reply = try await client.send(RedisCommand(["SCAN", cursor, "MATCH", "_kombu.binding.*", "COUNT", "1000"]))
            guard let items = reply.array, items.count == 2, let next = items[0].string, let found = items[1].array else {
                throw .unexpectedReply("SCAN answered \(reply)")
            }
            cursor = next
            keys.append(contentsOf: found.compactMap(\.string))
        } while cursor != "0"
        var result: [(exchange: String, bindings: [Binding])] = []
        for key in Set(keys).sorted() {
            let exchange = String(key.dropFirst("_kombu.binding.".count))
            let members = try await client.smembers(key)
            result.append((exchange, members.sorted().compactMap(Binding.init(member:))))
        }
        return result
    }

    // MARK: Publishing

    /// LPUSHes an envelope to a queue through the anonymous exchange (the routing key is the
    /// queue), on the key of its priority. The bytes are stored untouched.
    @discardableResult
    public func publish(_ envelope: [UInt8], toQueue queue: String, priority: Int) async throws(RedisError) -> Int {
        try await client.lpush(Priority.queueKey(queue, priority: priority), [envelope])
    }

    /// Routes through a named direct exchange: `SMEMBERS _kombu.binding.<exchange>`, then an
    /// LPUSH to every queue whose routing key matches. Returns the queues delivered to (none
    /// when nothing matches: kombu drops such messages).
    @discardableResult
    public func publishDirect(_ envelope: [UInt8], exchange: String, routingKey: String, priority: Int = 0) async throws(RedisError) -> [String] {
        let queues = try await lookup(exchange: exchange, routingKey: routingKey)
        for queue in queues { try await publish(envelope, toQueue: queue, priority: priority) }
        return queues
    }

    /// The queues a message published to `exchange` with `routingKey` reaches.
    public func lookup(exchange: String, routingKey: String) async throws(RedisError) -> [String] {
        if exchange.isEmpty { return [routingKey] }
        let members = try await client.smembers(Binding.setKey(exchange: exchange))
        var queues: [String] = []
        for member in members.sorted() {
            guard let binding = Binding(member: member) else { continue }
            if binding.routingKey == routingKey, !queues.contains(binding.queue) { queues.append(binding.queue) }
        }
        return queues
    }

    /// The channel of a fanout exchange: `/{db}.<exchange>/<routing key>`, or `/{db}.<exchange>`.
    public func fanoutChannel(exchange: String, routingKey: String) -> String {
        routingKey.isEmpty ? "/\(database).\(exchange)" : "/\(database).\(exchange)/\(routingKey)"
    }

    /// PUBLISHes to a fanout exchange; returns the receiver count.
    @discardableResult
    public func publishFanout(_ envelope: [UInt8], exchange: String, routingKey: String) async throws(RedisError) -> Int {
        try await client.publish(fanoutChannel(exchange: exchange, routingKey: routingKey), envelope)
    }

    // MARK: Unacked

    /// The `unacked_index` score of a delivery made at `time`: the time rounded up to a whole
    /// second. kombu writes `time()` itself, but redis-server keeps a small sorted set (up to
    /// 128 members: every worker's prefetch) as a listpack that holds scores as text and
    /// parses them with `strtod` at every comparison, and each ZADD of a delivery newer than
    /// all others compares with every member: with 17-digit scores that was a fifth of the
    /// server's time per task in a drain, with whole seconds a third of it. Rounding *up*
    /// keeps the visibility timeout a lower bound (a message comes back at most a second
    /// later, never earlier); kombu and Celery only ever compare the scores with a time.
    public static func unackedScore(at time: Double) -> String {
        let seconds = time.rounded(.up)
        guard seconds.isFinite, abs(seconds) < 1e15 else { return PythonFloat.repr(time) }
        return String(Int64(seconds))
    }

    /// Records a delivery as unacked: `MULTI; ZADD unacked_index <time> tag; HSET unacked tag
    /// [envelope, exchange, routing_key]; EXEC` (the time as ``unackedScore(at:)`` writes it).
    public func recordUnacked(tag: String, entry: [UInt8], at time: Double = Date().timeIntervalSince1970) async throws(RedisError) {
        _ = try await client.transaction([
            RedisCommand(["ZADD", Self.unackedIndexKey, Self.unackedScore(at: time), tag]),
            RedisCommand("HSET", arguments: [.string(Self.unackedKey), .string(tag), .bytes(entry)]),
        ])
    }

    /// Records several deliveries as unacked in one transaction: one ZADD and one HSET with
    /// every tag (the batch a consumer popped at once).
    public func recordUnacked(_ entries: [(tag: String, entry: [UInt8])], at time: Double = Date().timeIntervalSince1970) async throws(RedisError) {
        guard entries.count > 1 else {
            if let only = entries.first { try await recordUnacked(tag: only.tag, entry: only.entry, at: time) }
            return
        }
        let score = Self.unackedScore(at: time)
        var zadd: [RedisArgument] = [.string(Self.unackedIndexKey)]
        var hset: [RedisArgument] = [.string(Self.unackedKey)]
        for item in entries {
            zadd += [.string(score), .string(item.tag)]
            hset += [.string(item.tag), .bytes(item.entry)]
        }
        _ = try await client.transaction([RedisCommand("ZADD", arguments: zadd), RedisCommand("HSET", arguments: hset)])
    }

    /// Acks (or rejects without requeue): `HDEL unacked; ZREM unacked_index`, pipelined (kombu
    /// wraps its `ZREM; HDEL` in MULTI/EXEC; see the batcher in ``init``). Acks made while
    /// another is in flight go together in the next pair (one HDEL and one ZREM with every tag).
    public func ack(tag: String) async throws(RedisError) {
        try await acks.submit(tag).get()
    }

    /// Acks several messages in one write (a caller that holds a batch already).
    public func ack(tags: [String]) async throws(RedisError) {
        guard !tags.isEmpty else { return }
        if let error = await Self.sendAcks(tags, client: client) { throw error }
    }

    /// Puts an unacked message back: `HGET unacked tag`, then one script that — only if the
    /// entry is still the one read — does `ZREM; HDEL; RPUSH|LPUSH <priority key> <envelope with
    /// redelivered set>` (`KombuScripts.restore`), read again when it changed. Compare-and-set
    /// on the one entry rather than `WATCH unacked`: under a steady stream of acks, a WATCH on
    /// the whole hash aborted nearly every transaction and a restore round could starve for
    /// many seconds while holding `unacked_mutex`. `leftmost` (LPUSH, the back of the queue) is
    /// kombu's requeue-on-reject; RPUSH (consumed next) is the restore at shutdown and after
    /// the visibility timeout. Returns whether a message was put back.
    @discardableResult
    public func restore(tag: String, leftmost: Bool = false) async throws(RedisError) -> Bool {
        for _ in 0..<100 {
            guard let stored = try await client.hget(Self.unackedKey, tag) else {
                // Acked meanwhile, or never recorded: only a stale index entry can be left.
                _ = try await client.send(RedisCommand(["ZREM", Self.unackedIndexKey, tag]))
                return false
            }
            var keys = [Self.unackedKey, Self.unackedIndexKey]
            var envelope: [UInt8] = []
            do {
                var entry = try UnackedEntry.decode(stored)
                entry.envelope.markRedelivered()
                let priority = Priority.of(entry.envelope.properties)
                keys += try await lookup(exchange: entry.exchange, routingKey: entry.routingKey)
                    .map { Priority.queueKey($0, priority: priority) }
                envelope = entry.envelope.encoded()
            } catch let error as ProtocolError {
                logger.error("unacked entry \(tag) cannot be decoded and is dropped: \(error)")
            } catch let error as RedisError {
                throw error
            } catch {
                throw .unexpectedReply("\(error)")
            }
            let reply = try await client.evalSHA(KombuScripts.restore, keys: keys,
                                                 arguments: [Array(tag.utf8), stored, envelope,
                                                             Array((leftmost ? "LPUSH" : "RPUSH").utf8)])
            guard let pushed = reply.int else { throw .unexpectedReply("restore script answered \(reply)") }
            if pushed >= 0 { return pushed > 0 }
        }
        throw .unexpectedReply("restore of \(tag): its unacked entry kept changing")
    }

    /// One visibility-restore round: take `unacked_mutex` (`SET NX PX 300000`; skip the round
    /// if another process holds it), put back every delivery older than the visibility
    /// timeout (`ZRANGE unacked_index <now-timeout> 0 BYSCORE REV WITHSCORES LIMIT 0 n`), and
    /// release the lock. Returns the tags restored.
    @discardableResult
    public func restoreVisible(now: Double = Date().timeIntervalSince1970) async throws(RedisError) -> [String] {
        try await releaseUnreleasedLock()
        let token = String(UUID().uuidString.lowercased().filter { $0 != "-" })
        // Noted before the SET: its reply can be lost after the lock was taken.
        unreleasedLockToken.withLockedValue { $0 = token }
        let acquired = try await client.set(Self.unackedMutexKey, token,
                                            expireMilliseconds: Self.unackedMutexExpireMilliseconds, onlyIfAbsent: true)
        guard acquired else {
            unreleasedLockToken.withLockedValue { $0 = nil }
            return []
        }
        var restored: [String] = []
        do {
            let ceiling = now - visibilityTimeout
            var arguments = ["ZRANGE", Self.unackedIndexKey, PythonFloat.repr(ceiling), "0", "BYSCORE", "REV"]
            if restoreLimit > 0 { arguments += ["LIMIT", "0", String(restoreLimit)] }
            arguments.append("WITHSCORES")
            let reply = try await client.send(RedisCommand(arguments))
            for tag in Self.members(ofScoredReply: reply) {
                if try await restore(tag: tag) { restored.append(tag) }
            }
        } catch {
            try? await releaseUnreleasedLock()
            throw error
        }
        try await releaseUnreleasedLock()
        return restored
    }

    /// Releases the restore lock this transport still holds, if any (only if it still holds
    /// the token, as kombu's release script checks).
    private func releaseUnreleasedLock() async throws(RedisError) {
        guard let token = unreleasedLockToken.withLockedValue({ $0 }) else { return }
        _ = try await client.evalSHA(KombuScripts.lockRelease, keys: [Self.unackedMutexKey], arguments: [token])
        unreleasedLockToken.withLockedValue { if $0 == token { $0 = nil } }
    }

    /// The members of a WITHSCORES reply: RESP3 `[[m, s], …]` or RESP2 `[m, s, m, s …]`.
    static func members(ofScoredReply reply: RESPValue) -> [String] {
        guard let items = reply.array else { return [] }
        if items.first?.array != nil { return items.compactMap { $0.array?.first?.string } }
        return stride(from: 0, to: items.count, by: 2).compactMap { items[$0].string }
    }
}
