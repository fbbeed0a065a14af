import CeleriacProtocol
import CeleriacRedis

extension FailureStore {
    /// What retrying one entry did.
    public enum RetryOutcome: Sendable, Hashable {
        /// Re-published to this queue and removed from the store.
        case republished(queue: String)
        /// Not retried; the entry (if any) is still there.
        case failed(String)
    }

    /// Retries entries by id: each is re-published (see `FailedMessage` for what changes) and
    /// removed from the store in one transaction, so a broker that goes away in between can
    /// neither lose the message nor leave it both queued and stored.
    public func retry(ids: [String]) async -> [String: RetryOutcome] {
        var outcomes: [String: RetryOutcome] = [:]
        for id in ids {
            do {
                let queue = try await retry(id: id)
                outcomes[id] = .republished(queue: queue)
            } catch {
                outcomes[id] = .failed(error.description)
            }
        }
        return outcomes
    }

    /// Retries one entry, with new arguments when `args`/`kwargs` are given; returns the queue
    /// it went to.
    @discardableResult
    public func retry(id: String, args: [JSONValue]? = nil, kwargs: JSONObject? = nil) async throws(FailureStoreError) -> String {
        guard let record = try await get(id) else { throw .notFound(id) }
        let message: FailedMessage.Republish
        do {
            message = try FailedMessage.republish(record.envelope, args: args, kwargs: kwargs)
        } catch {
            throw .notRetryable(id: id, why: error.description)
        }
        guard let queue = record.queue.isEmpty ? message.routingKey : record.queue, !queue.isEmpty else {
            throw .notRetryable(id: id, why: "the message names no queue")
        }
        let replies: [RESPValue]?
        do {
            replies = try await client.transaction([
                RedisCommand([Array("LPUSH".utf8), Array(Priority.queueKey(queue, priority: message.priority).utf8),
                              message.envelope]),
                RedisCommand(["HDEL", Self.recordsKey, id]),
                RedisCommand(["ZREM", Self.indexKey, id]),
            ])
        } catch {
            throw .redis(error)
        }
        guard replies != nil else { throw .notRetryable(id: id, why: "the transaction was aborted") }
        return queue
    }
}
