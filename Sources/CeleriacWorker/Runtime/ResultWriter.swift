import Celeriac
import CeleriacProtocol
import CeleriacRedis

/// Writes task states as Celery's Redis result backend does: an existing SUCCESS is never
/// overwritten, then `SETEX key ttl value` and `PUBLISH key value` (plain `SET` when results do
/// not expire). The channel is the key itself.
///
/// Celery reads the key first (`GET`) and writes with `MULTI; SETEX; PUBLISH; EXEC`: two round
/// trips per result. Here one script does the check and the writes, and results stored while
/// another store is in flight go together in its next script call (``GroupCommit``), so a busy
/// worker stores a whole batch of results in one round trip.
public struct ResultWriter: Sendable {
    /// The backend's client.
    public let client: RedisClient
    /// `result_expires` in seconds; nil or 0 means no expiry.
    public let expires: Double?
    private let batches: GroupCommit<Write, Verdict>
    /// The script's TTL argument (empty: no expiry).
    private let ttl: RedisArgument

    /// One result to write.
    struct Write: Sendable {
        var key: String
        var value: [UInt8]
    }

    /// What the script did with one result.
    enum Verdict: Sendable {
        /// Written and published.
        case stored
        /// A SUCCESS is stored there already; nothing was written.
        case successExists
        /// Not written: the stored value does not start with its status, so the script could
        /// not tell whether it is a SUCCESS. The caller decodes it.
        case undecided([UInt8])
    }

    public init(client: RedisClient, expires: Double?) {
        self.client = client
        self.expires = expires
        let ttl: RedisArgument = expires.flatMap { $0 > 0 ? .integer(Int64($0)) : nil } ?? .string("")
        self.ttl = ttl
        batches = GroupCommit(limit: Self.batchLimit) { writes in
            await Self.write(writes, ttl: ttl, client: client)
        }
    }

    /// Stores `meta` for `taskID` unless a SUCCESS is already stored there. Returns whether it
    /// was written.
    @discardableResult
    public func store(_ meta: ResultMeta, taskID: String) async throws(RedisError) -> Bool {
        let write = Write(key: ResultMeta.key(forTaskID: taskID), value: meta.encoded())
        return try await written(write, try await batches.submit(write).get())
    }

    /// Stores many results at once, each unless a SUCCESS is already stored for its task: one
    /// script call per ``batchLimit`` results, sent at once rather than through the batcher (the
    /// caller has its batch already). Returns, in order, whether each was written.
    @discardableResult
    public func store(_ metas: [(meta: ResultMeta, taskID: String)]) async throws(RedisError) -> [Bool] {
        var written: [Bool] = []
        written.reserveCapacity(metas.count)
        var start = 0
        while start < metas.count {
            let chunk = metas[start..<min(metas.count, start + Self.batchLimit)]
            let writes = chunk.map { Write(key: ResultMeta.key(forTaskID: $0.taskID), value: $0.meta.encoded()) }
            let verdicts = await Self.write(writes, ttl: ttl, client: client)
            for (write, verdict) in zip(writes, verdicts) {
                written.append(try await self.written(write, try verdict.get()))
            }
            start += Self.batchLimit
        }
        return written
    }

    /// Whether `write` was written, from the script's verdict: a value it could not judge is
    /// decoded here and, unless it is a SUCCESS, written Celery's way.
    private func written(_ write: Write, _ verdict: Verdict) async throws(RedisError) -> Bool {
        switch verdict {
        case .stored:
            return true
        case .successExists:
            return false
        case .undecided(let existing):
            if let stored = try? ResultMeta.decode(existing), stored.status == .success { return false }
            return try await storeChecked(key: write.key, bytes: write.value)
        }
    }

    /// The most results one script call stores.
    static let batchLimit = 256

    /// Celery's own sequence (`GET`, then `MULTI; SETEX; PUBLISH; EXEC`), for a stored value
    /// the script could not judge.
    private func storeChecked(key: String, bytes: [UInt8]) async throws(RedisError) -> Bool {
        if let existing = try await client.get(key), let stored = try? ResultMeta.decode(existing), stored.status == .success {
            return false
        }
        let write: RedisCommand
        if let expires, expires > 0 {
            write = RedisCommand("SETEX", arguments: [.string(key), .integer(Int64(expires)), .bytes(bytes)])
        } else {
            write = RedisCommand("SET", arguments: [.string(key), .bytes(bytes)])
        }
        _ = try await client.transaction([write, RedisCommand("PUBLISH", arguments: [.string(key), .bytes(bytes)])])
        return true
    }

    /// Runs ``storeScript`` for a batch and reads its verdicts.
    private static func write(_ writes: [Write], ttl: RedisArgument, client: RedisClient) async -> [GroupCommit<Write, Verdict>.Outcome] {
        do throws(RedisError) {
            let reply = try await client.evalSHA(storeScript, keys: writes.map(\.key),
                                                 binaryArguments: [ttl] + writes.map { .bytes($0.value) })
            guard let items = reply.array, items.count == writes.count else {
                return writes.map { _ in .failure(.unexpectedReply("result script answered \(reply)")) }
            }
            return items.map { item -> GroupCommit<Write, Verdict>.Outcome in
                if let code = item.int { return .success(code == 1 ? .stored : .successExists) }
                if let parts = item.array, parts.count == 2, let bytes = parts[1].bytes {
                    return parts[0].int == 2 ? .success(.undecided(bytes))
                        : .failure(.server(String(decoding: bytes, as: UTF8.self)))
                }
                return .failure(.unexpectedReply("result script answered \(item)"))
            }
        } catch {
            return writes.map { _ in .failure(error) }
        }
    }

    /// KEYS: result keys. ARGV[1]: the TTL in seconds (empty: no expiry); ARGV[i + 1]: the
    /// value of KEYS[i]. A key that does not exist yet (a task's first state, nearly every
    /// store) is written with `SET NX` and published: two calls instead of a GET, a compare and
    /// a write. Per key: 1 written and published; 0 a SUCCESS is stored (Celery's
    /// layout starts with the status, so its first bytes tell); {2, current} the stored value
    /// starts otherwise and mentions SUCCESS, left for the caller to decode; {-1, error} the
    /// key holds another type.
    static let storeScript = RedisScript(#"""
        local out = {}
        for i, key in ipairs(KEYS) do
          local value = ARGV[i + 1]
          local fresh
          if ARGV[1] ~= '' then
            fresh = redis.call('SET', key, value, 'NX', 'EX', ARGV[1])
          else
            fresh = redis.call('SET', key, value, 'NX')
          end
          if fresh then
            redis.call('PUBLISH', key, value)
            out[i] = 1
          else
            local current = redis.pcall('GET', key)
            if type(current) == 'table' and current.err then
              out[i] = {-1, current.err}
            elseif current and string.sub(current, 1, 20) == '{"status": "SUCCESS"' then
              out[i] = 0
            elseif current and string.sub(current, 1, 12) ~= '{"status": "' and string.find(current, 'SUCCESS', 1, true) then
              out[i] = {2, current}
            else
              if ARGV[1] ~= '' then
                redis.call('SETEX', key, ARGV[1], value)
              else
                redis.call('SET', key, value)
              end
              redis.call('PUBLISH', key, value)
              out[i] = 1
            end
          end
        end
        return out
        """#)
}
