#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TaskMessageBuilder {
    /// A builder for calling a signature, as `Signature.apply_async(args)` does: the id, reply
    /// oid, group, queue and priority come from the signature's options, and `args` replaces
    /// the signature's args (pass ``Signature/arguments(afterParentResult:)`` for a callback).
    public static func calling(_ signature: Signature, args: [JSONValue], rootID: String?, parentID: String?,
                               origin: String, deliveryTag: String) -> TaskMessageBuilder
    {
        let options = signature.options
        var builder = TaskMessageBuilder(
            id: signature.taskID ?? UUID().uuidString.lowercased(), name: signature.task, origin: origin,
            replyTo: options["reply_to"]?.stringValue ?? UUID().uuidString.lowercased(), deliveryTag: deliveryTag)
        builder.args = args
        builder.kwargs = signature.kwargs
        builder.rootID = rootID
        builder.parentID = parentID
        builder.groupID = options["group_id"]?.stringValue
        builder.groupIndex = options["group_index"]?.intValue.map(Int.init)
        builder.queue = options["queue"]?.stringValue ?? options["routing_key"]?.stringValue ?? builder.queue
        builder.priority = options["priority"]?.intValue.map(Int.init) ?? 0
        builder.shadow = options["shadow"]?.stringValue
        return builder
    }

    /// The next step of a chain after `message` returned `result`: the last signature of
    /// `embed.chain` with the result prepended (unless immutable), the rest of the chain
    /// (possibly `[]`) embedded, `root_id` kept and `parent_id` = the finished task.
    /// Nil when the message has no chain left.
    public static func nextChainStep(after message: TaskMessage, result: JSONValue, origin: String,
                                     deliveryTag: String) -> TaskMessageBuilder?
    {
        guard var chain = message.body.embed.chain, let next = chain.popLast() else { return nil }
        var builder = calling(next, args: next.arguments(afterParentResult: result), rootID: message.headers.rootID,
                              parentID: message.id, origin: origin, deliveryTag: deliveryTag)
        builder.embed.chain = chain
        return builder
    }

    /// The chord body once every header part is done: called with `[results in header order]`
    /// prepended to its args, in the chord's group, with root and parent set to the header
    /// task that completed the chord.
    public static func chordBody(_ body: Signature, results: [JSONValue], completedBy message: TaskMessage,
                                 origin: String, deliveryTag: String) -> TaskMessageBuilder
    {
        calling(body, args: [.array(results)] + body.args, rootID: message.headers.rootID, parentID: message.id,
                origin: origin, deliveryTag: deliveryTag)
    }
}
