import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The worker failure store (beyond Celery): messages that failed for good, were not
/// registered or could not be decoded, kept untouched so an operator can retry exactly what
/// failed — even failures that happened while no console was open.
///
/// Layout: the hash `celeriac.failures` maps a task id to a JSON record (`FailureRecord`), and
/// the sorted set `celeriac.failures.index` orders the ids by time. Both expire together
/// (`expires`, the results' expiry) and the store keeps at most `cap` entries, oldest dropped.
public struct FailureStore: Sendable {
    /// The hash of records by task id.
    public static let recordsKey = "celeriac.failures"
    /// The time index.
    public static let indexKey = "celeriac.failures.index"

    /// The connection pool.
    public let client: RedisClient
    /// The most entries kept.
    public let cap: Int
    /// Seconds an entry is kept.
    public let expires: Double

    /// A store on `client`.
    public init(client: RedisClient, cap: Int = 10_000, expires: Double = 86_400) {
        self.client = client
        self.cap = max(1, cap)
        self.expires = expires
    }

    /// Keeps a failure (replacing an older entry of the same id), then drops entries past the
    /// cap or older than the expiry.
    public func record(_ record: FailureRecord) async throws(RedisError) {
        let ttl = String(Int(expires * 1000))
        let replies = try await client.transaction([
            RedisCommand([Array("HSET".utf8), Array(Self.recordsKey.utf8), Array(record.taskID.utf8),
                          JSONWriter.bytes(record.jsonValue)]),
            RedisCommand(["ZADD", Self.indexKey, String(record.timestamp), record.taskID]),
            RedisCommand(["PEXPIRE", Self.recordsKey, ttl]),
            RedisCommand(["PEXPIRE", Self.indexKey, ttl]),
            RedisCommand(["ZCARD", Self.indexKey]),
        ])
        let size = replies.flatMap { $0.last?.int } ?? 0
        try await trim(size: Int(size), now: record.timestamp)
    }

    /// Drops the oldest entries beyond the cap and every entry older than the expiry.
    private func trim(size: Int, now: Double) async throws(RedisError) {
        var stale: [String] = []
        if size > cap {
            stale += try await client.send(["ZRANGE", Self.indexKey, "0", String(size - cap - 1)]).array?.compactMap(\.string) ?? []
        }
        stale += try await client.send(["ZRANGEBYSCORE", Self.indexKey, "-inf", "(" + String(now - expires)]).array?.compactMap(\.string) ?? []
        guard !stale.isEmpty else { return }
        let ids = Array(Set(stale))
        _ = try await client.transaction([
            RedisCommand(["HDEL", Self.recordsKey] + ids),
            RedisCommand(["ZREM", Self.indexKey] + ids),
        ])
    }

    /// How many entries the store holds.
    public func count() async throws(RedisError) -> Int {
        Int(try await client.send(["ZCARD", Self.indexKey]).int ?? 0)
    }

    /// A page of entries, newest first. Entries that are not valid records are skipped.
    public func list(offset: Int = 0, count: Int = 100) async throws(RedisError) -> [FailureRecord] {
        guard count > 0 else { return [] }
        let ids = try await client.send(["ZREVRANGE", Self.indexKey, String(offset), String(offset + count - 1)]).array?.compactMap(\.string) ?? []
        guard !ids.isEmpty else { return [] }
        let values = try await client.send(["HMGET", Self.recordsKey] + ids)
        return (values.array ?? []).compactMap { item in
            guard let bytes = item.bytes else { return nil }
            return try? FailureRecord(stored: bytes)
        }
    }

    /// One entry by task id, or nil.
    public func get(_ id: String) async throws(FailureStoreError) -> FailureRecord? {
        let bytes: [UInt8]?
        do {
            bytes = try await client.hget(Self.recordsKey, id)
        } catch {
            throw .redis(error)
        }
        guard let bytes else { return nil }
        return try FailureRecord(stored: bytes)
    }

    /// Deletes entries; returns how many existed.
    @discardableResult
    public func delete(ids: [String]) async throws(RedisError) -> Int {
        guard !ids.isEmpty else { return 0 }
        let replies = try await client.transaction([
            RedisCommand(["HDEL", Self.recordsKey] + ids),
            RedisCommand(["ZREM", Self.indexKey] + ids),
        ])
        return Int(replies.flatMap { $0.first?.int } ?? 0)
    }
}
