import CeleriacProtocol
import CeleriacRedis

/// The audit list: every action an operator took through the console, newest first, in a
/// capped Redis list that no Celery component touches, so a team sees who did what.
///
/// `append` runs `MULTI; LPUSH celeriac.audit <record>; LTRIM celeriac.audit 0 9999; EXEC`, so
/// the list never grows past ``capacity`` and a reader never sees it longer.
public struct AuditLog: Sendable {
    /// The list's key.
    public static let key = "celeriac.audit"
    /// The most records kept; older ones are trimmed away.
    public static let capacity = 10_000

    /// The broker client.
    public let client: RedisClient
    /// The list's key (``key`` unless a test or deployment chooses another).
    public let key: String
    /// The most records kept.
    public let capacity: Int

    /// An audit log on `client`'s database.
    public init(client: RedisClient, key: String = AuditLog.key, capacity: Int = AuditLog.capacity) {
        self.client = client
        self.key = key
        self.capacity = max(1, capacity)
    }

    /// An audit log on the transport's broker.
    public init(transport: KombuTransport) {
        self.init(client: transport.client)
    }

    /// Appends a record (as the newest) and trims the list to ``capacity``, in one transaction.
    public func append(_ record: AuditRecord) async throws(RedisError) {
        _ = try await client.transaction([
            RedisCommand([Array("LPUSH".utf8), Array(key.utf8), record.encoded]),
            RedisCommand(["LTRIM", key, "0", String(capacity - 1)]),
        ])
    }

    /// The newest `count` entries, newest first. An entry that is not a valid record is kept in
    /// its place as the error that says why, never dropped.
    public func recent(count: Int) async throws(RedisError) -> [Result<AuditRecord, AuditRecordError>] {
        guard count > 0 else { return [] }
        let reply = try await client.send(RedisCommand(["LRANGE", key, "0", String(count - 1)]))
        guard let items = reply.array else { throw .unexpectedReply("LRANGE \(key) answered \(reply)") }
        return items.map { item in
            guard let bytes = item.bytes else {
                return .failure(AuditRecordError(message: "not a string: \(item)"))
            }
            do throws(AuditRecordError) {
                return .success(try AuditRecord(decoding: bytes))
            } catch {
                return .failure(error)
            }
        }
    }

    /// How many records the list holds.
    public func count() async throws(RedisError) -> Int {
        try await client.llen(key)
    }
}
