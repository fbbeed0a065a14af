import Celeriac
import CeleriacProtocol
import CeleriacRedis

extension LiveCluster {
    /// Carries out an effect and returns what came back. Every effect that changes the cluster
    /// is appended to the audit list with the operator and the outcome, and the audit list is
    /// read again so the Audit view shows it at once.
    func run(_ effect: Effect) async -> EffectOutcome {
        var outcome = await carryOut(effect)
        if effect.isDestructive, let (action, target) = Self.auditSubject(effect) {
            let record = options.identity.record(action: action, target: target, outcome: Self.auditText(outcome),
                                                 at: clock())
            do {
                try await audit.append(record)
                try await refreshAudit()
            } catch {
                outcome.replies.append(EffectOutcome.Reply(worker: "audit", text: "not recorded: \(error)", isError: true))
            }
        }
        return outcome
    }

    private func carryOut(_ effect: Effect) async -> EffectOutcome {
        do {
            switch effect {
            case .revoke(let ids, let terminate, let signal):
                return try await broadcast(effect, .revoke(taskIDs: ids, terminate: terminate, signal: terminate ? signal : nil))
            case .rateLimit(let task, let rate):
                return try await broadcast(effect, .rateLimit(taskName: task, rateLimit: .string(rate)))
            case .timeLimit(let task, let soft, let hard):
                return try await broadcast(effect, .timeLimit(taskName: task, hard: hard.map(JSONValue.double) ?? .null,
                                                              soft: soft.map(JSONValue.double) ?? .null))
            case .addConsumer(let queue, let worker):
                let outcome = try await broadcast(effect, .addConsumer(queue: queue, exchange: nil, exchangeType: nil, routingKey: nil),
                                                  destination: worker.map { [$0] })
                await refreshActiveQueues(destination: worker.map { [$0] })
                return outcome
            case .cancelConsumer(let queue, let worker):
                let outcome = try await broadcast(effect, .cancelConsumer(queue: queue), destination: worker.map { [$0] })
                await refreshActiveQueues(destination: worker.map { [$0] })
                return outcome
            case .poolGrow(let worker, let n):
                return try await broadcast(effect, .poolGrow(n: n), destination: [worker])
            case .poolShrink(let worker, let n):
                return try await broadcast(effect, .poolShrink(n: n), destination: [worker])
            case .shutdown(let worker):
                // A worker shuts down without replying (Celery's handler raises before it
                // could), so this is a cast; the worker-offline event confirms it.
                try await control.cast(.shutdown, destination: [worker])
                return EffectOutcome(effect: effect)
            case .purge(let queue):
                let removed = try await transport.purge(queue)
                try? await pollDepths()
                return EffectOutcome(effect: effect, replies: [
                    EffectOutcome.Reply(worker: "broker", text: "purged \(removed) message\(removed == 1 ? "" : "s")"),
                ])
            case .browseQueue(let queue, let page):
                return EffectOutcome(effect: effect, page: try await browse(queue: queue, page: page))
            case .retry(let ids):
                return await retry(effect, ids: ids)
            case .deleteFailures(let ids):
                let deleted = try await failures.delete(ids: ids)
                try? await refreshFailures()
                return EffectOutcome(effect: effect, replies: [
                    EffectOutcome.Reply(worker: "broker", text: "deleted \(deleted) of \(ids.count)"),
                ])
            case .editAndRetry(let id, let args, let kwargs):
                return await editAndRetry(effect, id: id, args: args, kwargs: kwargs)
            case .setTheme, .openEditor, .quit:
                return EffectOutcome(effect: effect, error: "handled by the console itself, not by the cluster")
            }
        } catch {
            return EffectOutcome(effect: effect, error: "\(error)")
        }
    }

    /// Broadcasts a control command and turns the replies into the outcome: `{"ok": text}` is
    /// a success, `{"error": text}` an error, anything else is shown as JSON.
    private func broadcast(_ effect: Effect, _ command: ControlCommand,
                           destination: [String]? = nil) async throws(RedisError) -> EffectOutcome {
        let replies = try await control.broadcast(command, destination: destination, timeout: options.controlTimeout)
        return EffectOutcome(effect: effect, replies: replies.map(Self.reply))
    }

    static func reply(_ reply: ControlClient.Reply) -> EffectOutcome.Reply {
        if let ok = reply.result["ok"]?.stringValue {
            return EffectOutcome.Reply(worker: reply.nodename, text: ok)
        }
        if let error = reply.result["error"] {
            return EffectOutcome.Reply(worker: reply.nodename, text: error.stringValue ?? JSONWriter.string(error), isError: true)
        }
        return EffectOutcome.Reply(worker: reply.nodename, text: JSONWriter.string(reply.result))
    }

    /// The audit action name and target of an effect that changes the cluster.
    static func auditSubject(_ effect: Effect) -> (action: String, target: String)? {
        switch effect {
        case .revoke(let ids, let terminate, let signal):
            return terminate ? ("terminate", ids.joined(separator: " ") + " (\(signal))") : ("revoke", ids.joined(separator: " "))
        case .retry(let ids): return ("retry", ids.joined(separator: " "))
        case .deleteFailures(let ids): return ("delete_failures", ids.joined(separator: " "))
        case .editAndRetry(let id, let args, let kwargs): return ("edit_retry", "\(id) args=\(args) kwargs=\(kwargs)")
        case .rateLimit(let task, let rate): return ("rate_limit", "\(task) \(rate)")
        case .timeLimit(let task, let soft, let hard):
            return ("time_limit", "\(task) soft=\(soft.map { "\($0)" } ?? "none") hard=\(hard.map { "\($0)" } ?? "none")")
        case .purge(let queue): return ("purge", queue)
        case .addConsumer(let queue, let worker): return ("add_consumer", "\(queue) on \(worker ?? "every worker")")
        case .cancelConsumer(let queue, let worker): return ("cancel_consumer", "\(queue) on \(worker ?? "every worker")")
        case .poolGrow(let worker, let n): return ("pool_grow", "\(worker) by \(n)")
        case .poolShrink(let worker, let n): return ("pool_shrink", "\(worker) by \(n)")
        case .shutdown(let worker): return ("shutdown", worker)
        case .browseQueue, .setTheme, .openEditor, .quit: return nil
        }
    }

    /// The outcome as the audit list keeps it: the error, or each reply.
    static func auditText(_ outcome: EffectOutcome) -> String {
        if let error = outcome.error { return "failed: \(error)" }
        if outcome.replies.isEmpty {
            if case .shutdown = outcome.effect { return "sent (workers do not reply to shutdown)" }
            return "no worker replied"
        }
        return outcome.replies.map { "\($0.worker): \($0.isError ? "error: " : "")\($0.text)" }.joined(separator: "; ")
    }
}
