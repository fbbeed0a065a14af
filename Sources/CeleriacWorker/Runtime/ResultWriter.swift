import CeleriacProtocol
import CeleriacRedis

/// Writes task states as Celery's Redis result backend does: `GET key` first (an existing
/// SUCCESS is never overwritten), then `MULTI; SETEX key ttl value; PUBLISH key value; EXEC`
/// (plain `SET` when results do not expire). The channel is the key itself.
public struct ResultWriter: Sendable {
    /// The backend's client.
    public let client: RedisClient
    /// `result_expires` in seconds; nil or 0 means no expiry.
    public let expires: Double?

    public init(client: RedisClient, expires: Double?) {
        self.client = client
        self.expires = expires
    }

    /// Stores `meta` for `taskID` unless a SUCCESS is already stored there. Returns whether it
    /// was written.
    @discardableResult
    public func store(_ meta: ResultMeta, taskID: String) async throws(RedisError) -> Bool {
        let key = ResultMeta.key(forTaskID: taskID)
        if let existing = try await client.get(key), let stored = try? ResultMeta.decode(existing), stored.status == .success {
            return false
        }
        let bytes = meta.encoded()
        let write: RedisCommand
        if let expires, expires > 0 {
            write = RedisCommand("SETEX", arguments: [.string(key), .integer(Int64(expires)), .bytes(bytes)])
        } else {
            write = RedisCommand("SET", arguments: [.string(key), .bytes(bytes)])
        }
        _ = try await client.transaction([write, RedisCommand("PUBLISH", arguments: [.string(key), .bytes(bytes)])])
        return true
    }
}
