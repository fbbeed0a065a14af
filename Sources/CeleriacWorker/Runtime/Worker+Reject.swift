import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Worker {
    /// Discards a revoked or expired request as Celery does: REVOKED result
    /// (`TaskRevokedError('revoked'|'expired')`), `task-revoked`, ack. Runs in its own task so
    /// the actor does not wait on the broker.
    func spawnDiscard(_ request: TaskRequest, expired: Bool) {
        remember(request)
        Task { await self.discard(request, expired: expired) }
    }

    /// `acked`: its message was acked already (early ack before it went to the process pool,
    /// which then dropped it unstarted), so no second ack is sent.
    nonisolated func discard(_ request: TaskRequest, expired: Bool, acked: Bool = false) async {
        logger.info("Discarding \(expired ? "expired" : "revoked") task: \(request.name)[\(request.id)]")
        await storeRevoked(request, reason: expired ? "expired" : "revoked")
        if switches.taskEventsEnabled {
            await events.buffer(.taskRevoked, fields: EventFields.taskRevoked(uuid: request.id, terminated: false, signum: nil,
                                                                              expired: expired))
        }
        if !acked { await ack(request) }
    }

    /// An unregistered task name: rejected without requeue, FAILURE `NotRegistered` stored,
    /// `task-failed` sent without a traceback (as Celery does), and the message kept in the
    /// failure store.
    func rejectUnregistered(_ delivery: Delivery, message: TaskMessage) async {
        let id = message.id
        logger.error("Received unregistered task of type '\(message.task)' (id \(id), queue \(delivery.queue)). The message has been rejected and kept in the failure store.")
        Task {
            do {
                try await consumer.reject(delivery, requeue: false)
            } catch {
                logger.error("reject of unregistered \(message.task)[\(id)] failed: \(error)")
            }
            let exception = ExceptionInfo.notRegistered(message.task)
            let meta = ResultMeta(taskID: id, exception: exception, traceback: nil,
                                  dateDone: CeleryDateTime(timeIntervalSince1970: Self.now()),
                                  groupID: message.headers.group, parentID: message.headers.parentID)
            do {
                try await results.store(meta, taskID: id)
            } catch {
                logger.error("result of unregistered \(message.task)[\(id)] not stored: \(error)")
            }
            if switches.taskEventsEnabled {
                await events.buffer(.taskFailed, fields: EventFields.taskFailed(uuid: id, exception: exception.pythonRepr, traceback: nil))
            }
            await recordFailure(raw: delivery.raw, taskID: id, name: message.task, queue: delivery.queue, reason: .unregistered,
                                exception: exception.pythonRepr, traceback: "")
        }
    }

    /// A kombu envelope whose task message is not valid Celery: rejected without requeue,
    /// logged with its id and queue, `task-rejected` sent when it has an id, kept in the
    /// failure store. The worker goes on.
    func rejectMalformed(_ delivery: Delivery, reason: String) async {
        let id = delivery.envelope.headers["id"]?.stringValue ?? delivery.envelope.properties.correlationID
        logger.error("Rejected a malformed task message (id \(id ?? "unknown"), queue \(delivery.queue)): \(reason)")
        Task {
            do {
                try await consumer.reject(delivery, requeue: false)
            } catch {
                logger.error("reject of malformed message \(id ?? "unknown") failed: \(error)")
            }
            if let id, switches.taskEventsEnabled {
                await events.buffer(.taskRejected, fields: EventFields.taskRejected(uuid: id, requeue: false))
            }
            await recordFailure(raw: delivery.raw, taskID: id ?? Self.madeUpID(), name: delivery.envelope.headers["task"]?.stringValue ?? "",
                                queue: delivery.queue, reason: .malformed, exception: Self.malformedRepr(reason), traceback: "")
        }
    }

    /// Bytes popped from a queue that are not a kombu envelope (the consumer already removed
    /// them): logged and kept in the failure store.
    func recordUndecodable(queue: String, raw: [UInt8], reason: String) async {
        let id = Self.readableID(in: raw) ?? Self.madeUpID()
        logger.error("Rejected an undecodable message from queue \(queue) (\(raw.count) bytes, kept as \(id)): \(reason)")
        Task {
            await recordFailure(raw: raw, taskID: id, name: "", queue: queue, reason: .malformed,
                                exception: Self.malformedRepr(reason), traceback: "")
        }
    }

    /// The task id of an envelope that is JSON with a readable `headers.id` but cannot be
    /// decoded further (a broken base64 body, say): the failure record is kept under the id
    /// the sender knows, not a made-up one.
    nonisolated static func readableID(in raw: [UInt8]) -> String? {
        guard case .object(let envelope)? = try? JSONParser.parse(raw), case .object(let headers)? = envelope["headers"],
              let id = headers["id"]?.stringValue, !id.isEmpty else { return nil }
        return id
    }

    /// An id for a message that has none: the failure store keys records by id.
    nonisolated static func madeUpID() -> String { "malformed-" + UUID().uuidString.lowercased() }

    /// The exception repr a malformed message is reported with.
    nonisolated static func malformedRepr(_ reason: String) -> String {
        PythonRepr.exceptionRepr(type: "MalformedMessage", arguments: [.string(reason)])
    }
}
