import Celeriac
import CeleriacProtocol
import CeleriacRedis

extension LiveCluster {
    /// Reads the newest entries of the worker failure store into the model (failures that
    /// happened while no console was open included). A store key of another type (a server
    /// error, not a lost connection) leaves the entries as they were.
    func refreshFailures() async throws(RedisError) {
        let records: [FailureRecord]
        do {
            records = try await failures.list(offset: 0, count: options.failureCount)
        } catch .server {
            return
        }
        inbox.push(.failures(records.map(Self.entry)))
    }

    static func entry(_ record: FailureRecord) -> FailureEntry {
        FailureEntry(taskID: record.taskID, name: record.name.isEmpty ? "(\(record.reason.rawValue))" : record.name,
                     queue: record.queue, exception: record.exception, traceback: record.traceback,
                     timestamp: record.timestamp, envelope: String(decoding: record.envelope, as: UTF8.self),
                     worker: record.worker, reason: record.reason.rawValue)
    }

    /// Re-publishes failure-store entries; one reply per id: the queue it went to, or why not.
    func retry(_ effect: Effect, ids: [String]) async -> EffectOutcome {
        let outcomes = await failures.retry(ids: ids)
        let replies = ids.map { id -> EffectOutcome.Reply in
            switch outcomes[id] {
            case .republished(let queue)?: EffectOutcome.Reply(worker: id, text: "re-published to \(queue)")
            case .failed(let why)?: EffectOutcome.Reply(worker: id, text: why, isError: true)
            case nil: EffectOutcome.Reply(worker: id, text: "not retried", isError: true)
            }
        }
        try? await refreshFailures()
        return EffectOutcome(effect: effect, replies: replies)
    }

    /// Re-publishes one entry with new arguments (JSON texts the model has validated).
    func editAndRetry(_ effect: Effect, id: String, args: String, kwargs: String) async -> EffectOutcome {
        guard let parsedArgs = (try? JSONParser.parse(args))?.arrayValue else {
            return EffectOutcome(effect: effect, error: "the new args are not a JSON list: \(args)")
        }
        guard let parsedKwargs = (try? JSONParser.parse(kwargs))?.objectValue else {
            return EffectOutcome(effect: effect, error: "the new kwargs are not a JSON object: \(kwargs)")
        }
        do {
            let queue = try await failures.retry(id: id, args: parsedArgs, kwargs: parsedKwargs)
            try? await refreshFailures()
            return EffectOutcome(effect: effect, replies: [EffectOutcome.Reply(worker: id, text: "re-published to \(queue) with new arguments")])
        } catch {
            return EffectOutcome(effect: effect, replies: [EffectOutcome.Reply(worker: id, text: error.description, isError: true)])
        }
    }
}
