import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A group's results, in member order.
public struct GroupResult: Sendable {
    /// The group id.
    public let id: String
    /// One result per member.
    public let results: [AsyncResult]

    /// Waits for every member; a failed member throws its ``TaskFailure``.
    public func get(timeout: Double? = nil) async throws -> [JSONValue] {
        var values: [JSONValue] = []
        for result in results { values.append(try await result.get(timeout: timeout)) }
        return values
    }
}

extension Producer {
    /// A signature frozen as Celery's `freeze()` leaves it inside a workflow: `task_id` and
    /// `reply_to` in its options (and `group_id` for a chord body).
    static func frozen(_ signature: Signature, id: String, replyTo: String, groupID: String? = nil) -> Signature {
        var options = signature.options
        options["task_id"] = .string(id)
        options["reply_to"] = .string(replyTo)
        if let groupID { options["group_id"] = .string(groupID) }
        return Signature(task: signature.task, args: signature.args, kwargs: signature.kwargs, options: options,
                         subtaskType: signature.subtaskType, immutable: signature.immutable)
    }

    /// `chain(a, b, c).apply_async()`: only the first task is published, carrying the rest as
    /// `embed.chain` in reverse order; each worker publishes the next step with its result
    /// prepended. Returns the last task's result.
    @discardableResult
    public func chain(_ steps: [Signature], options: SendOptions = SendOptions()) async throws(SendError) -> AsyncResult {
        guard let first = steps.first else { throw SendError.invalidOption("a chain needs at least one task") }
        let replyTo = UUID().uuidString.lowercased()
        let ids = steps.map { $0.taskID ?? UUID().uuidString.lowercased() }
        let rest = zip(steps.dropFirst(), ids.dropFirst()).map { Self.frozen($0, id: $1, replyTo: replyTo) }
        var firstOptions = options
        firstOptions.taskID = ids[0]
        firstOptions.chain = rest.isEmpty ? nil : Array(rest.reversed())
        if firstOptions.queue == nil { firstOptions.queue = first.options["queue"]?.stringValue }
        try await send(first.task, args: first.args, kwargs: first.kwargs, options: firstOptions)
        return app.result(ids[ids.count - 1])
    }

    /// `group(...).apply_async()` then `GroupResult.save()`: one message per member with
    /// `group` and `group_index`, and the group record stored for result readers.
    @discardableResult
    public func group(_ members: [Signature], options: SendOptions = SendOptions()) async throws(SendError) -> GroupResult {
        let groupID = UUID().uuidString.lowercased()
        var messages: [TaskMessage] = []
        for (index, member) in members.enumerated() {
            var memberOptions = options
            memberOptions.taskID = member.taskID ?? UUID().uuidString.lowercased()
            memberOptions.groupID = groupID
            memberOptions.groupIndex = index
            if memberOptions.queue == nil { memberOptions.queue = member.options["queue"]?.stringValue }
            messages.append(try message(member.task, args: member.args, kwargs: member.kwargs, options: memberOptions))
        }
        try await publishMany(messages)
        do {
            try await app.results.saveGroup(id: groupID, taskIDs: messages.map(\.id))
        } catch {
            throw SendError.broker("group \(groupID) was sent but its record was not saved: \(error)")
        }
        return GroupResult(id: groupID, results: messages.map { app.result($0.id) })
    }

    /// `chord(header, body).apply_async()` on the Redis result backend: `DEL <g>.c`,
    /// `SET <g>.s <size> EX <ttl>`, then the header messages with `group`, `group_index` and
    /// `embed.chord` (the body, whose options carry the chord's `group_id`). The worker that
    /// finishes the last part publishes the body with the list of results. Returns the body's
    /// result.
    @discardableResult
    public func chord(_ header: [Signature], body: Signature, options: SendOptions = SendOptions()) async throws(SendError) -> AsyncResult {
        guard !header.isEmpty else { throw SendError.invalidOption("a chord needs at least one header task") }
        let groupID = UUID().uuidString.lowercased()
        let bodyID = body.taskID ?? UUID().uuidString.lowercased()
        let frozenBody = Self.frozen(body, id: bodyID, replyTo: UUID().uuidString.lowercased(), groupID: groupID)
        let keys = ChordPart.Keys(groupID: groupID)
        let ttl = Int64(app.configuration.resultExpires ?? 86_400)
        do {
            _ = try await app.results.client.del([keys.claim])
            var set: [RedisArgument] = [.string(keys.size), .integer(Int64(header.count))]
            if ttl > 0 { set += [.string("EX"), .integer(ttl)] }
            _ = try await app.results.client.send(RedisCommand("SET", arguments: set))
        } catch {
            throw SendError.broker("chord \(groupID): the result backend refused the chord setup: \(error)")
        }
        var messages: [TaskMessage] = []
        for (index, part) in header.enumerated() {
            var partOptions = options
            partOptions.taskID = part.taskID ?? UUID().uuidString.lowercased()
            partOptions.groupID = groupID
            partOptions.groupIndex = index
            partOptions.chord = frozenBody
            if partOptions.queue == nil { partOptions.queue = part.options["queue"]?.stringValue }
            messages.append(try message(part.task, args: part.args, kwargs: part.kwargs, options: partOptions))
        }
        try await publishMany(messages)
        return app.result(bodyID)
    }
}
