import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a stored failed message into the message that retries it.
///
/// The policy (documented in the README): a retry is the same task — same id, same
/// arguments unless edited — counted as one more retry (`retries + 1`, as Celery's own
/// `Task.retry` republishes), so a task that checks its retry count moves on. It gets a fresh
/// delivery tag and loses any `redelivered` mark; every other header and property stays as
/// the original producer wrote it.
public enum FailedMessage {
    /// The bytes to publish, and the priority to publish them at.
    public struct Republish: Sendable, Hashable {
        /// The new envelope.
        public var envelope: [UInt8]
        /// The message priority (for the priority key).
        public var priority: Int
        /// The routing key the message was sent with, for when the queue is unknown.
        public var routingKey: String?
    }

    /// Builds the retry of `original`; `args`/`kwargs`, when given, replace the task's
    /// arguments (and the `argsrepr`/`kwargsrepr` headers that show them).
    public static func republish(_ original: [UInt8], args: [JSONValue]? = nil, kwargs: JSONObject? = nil,
                                 deliveryTag: String = UUID().uuidString.lowercased()) throws(ProtocolError) -> Republish
    {
        var envelope = try KombuEnvelope.decode(original)
        guard envelope.headers["id"]?.stringValue != nil, envelope.headers["task"]?.stringValue != nil else {
            throw ProtocolError.missing("headers.id and headers.task")
        }
        let retries = envelope.headers["retries"]?.intValue ?? 0
        envelope.headers["retries"] = .int(retries + 1)
        envelope.headers["redelivered"] = nil
        envelope.properties.deliveryTag = deliveryTag
        var info = envelope.properties.deliveryInfo
        info.redelivered = nil
        envelope.properties.deliveryInfo = info
        if args != nil || kwargs != nil {
            let body = try envelope.decodeBody()
            guard case .array(var parts) = body, parts.count == 3 else {
                throw ProtocolError.wrongType("body", expected: "[args, kwargs, embed]", found: body)
            }
            if let args {
                parts[0] = .array(args)
                envelope.headers["argsrepr"] = .string(PythonSafeRepr.argsrepr(args))
            }
            if let kwargs {
                parts[1] = .object(kwargs)
                envelope.headers["kwargsrepr"] = .string(PythonSafeRepr.kwargsrepr(kwargs))
            }
            envelope.body = JSONWriter.bytes(.array(parts))
        }
        return Republish(envelope: envelope.encoded(), priority: Priority.of(envelope.properties),
                         routingKey: envelope.properties.deliveryInfo.routingKey)
    }
}
