#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds a task message exactly as Python Celery's `apply_async`/`send_task` would: all the
/// headers in Celery's order, `argsrepr`/`kwargsrepr` through Celery's saferepr, the anonymous
/// exchange with the queue as routing key, and kombu's properties.
public struct TaskMessageBuilder: Sendable {
    /// The task id (a uuid4 string).
    public var id: String
    /// The task name.
    public var name: String
    /// Positional arguments.
    public var args: [JSONValue] = []
    /// Keyword arguments.
    public var kwargs: JSONObject = JSONObject()
    /// Callbacks, errbacks, chain and chord.
    public var embed = TaskEmbed()
    /// When to run (countdowns are converted to an ETA by the client: see ``eta(countdown:from:)``).
    public var eta: CeleryDateTime?
    /// When the task expires.
    public var expires: CeleryDateTime?
    /// The message TTL in seconds; Celery sets it to the seconds left until `expires`.
    /// Written as `properties.expiration` in milliseconds, as kombu does (`str(int(s * 1000))`).
    public var expirationSeconds: Double?
    /// A display name.
    public var shadow: String?
    /// The group id and position, for group members and chord parts.
    public var groupID: String?
    /// The position in the group.
    public var groupIndex: Int?
    /// Retries so far.
    public var retries = 0
    /// `[hard, soft]` time limits.
    public var timeLimit = TimeLimit()
    /// The workflow root; the task's own id when nil.
    public var rootID: String?
    /// The sending task.
    public var parentID: String?
    /// Overrides the computed `argsrepr`.
    public var argsrepr: String?
    /// Overrides the computed `kwargsrepr`.
    public var kwargsrepr: String?
    /// `gen<pid>@<host>` of the sender.
    public var origin: String
    /// Whether the worker should not store the result.
    public var ignoreResult = false
    /// How many times the task was replaced.
    public var replacedTaskNesting = 0
    /// Stamp header names; nil when unstamped (Celery sends null).
    public var stampedHeaders: [String]?
    /// Stamp values.
    public var stamps = JSONObject()
    /// Custom headers, merged like Python's `dict.update` (standard keys are replaced in
    /// place, new keys come after `stamps`).
    public var customHeaders = JSONObject()
    /// The queue (routing key on the anonymous exchange).
    public var queue = "celery"
    /// The priority (0–9 on Redis; see ``Priority``).
    public var priority = 0
    /// The sender's reply oid, sent as `reply_to`.
    public var replyTo: String
    /// The kombu delivery tag (a new uuid4 per publish).
    public var deliveryTag: String
    /// Copies `origin` into the properties, as Celery does when a task retries itself.
    public var originInProperties = false

    /// A builder with fresh uuid4s for the reply oid and delivery tag.
    public init(id: String, name: String, origin: String,
                replyTo: String = UUID().uuidString.lowercased(),
                deliveryTag: String = UUID().uuidString.lowercased())
    {
        self.id = id
        self.name = name
        self.origin = origin
        self.replyTo = replyTo
        self.deliveryTag = deliveryTag
    }

    /// The ETA of a countdown, as Celery computes it on the client: `now + countdown`, UTC.
    public static func eta(countdown seconds: Double, from now: Date) -> CeleryDateTime {
        CeleryDateTime(timeIntervalSince1970: now.timeIntervalSince1970 + seconds)
    }

    /// The `origin` Celery uses for a client process: `gen<pid>@<host>`.
    public static func anonymousNodename(pid: Int32, host: String) -> String {
        "gen\(pid)@\(host)"
    }

    /// The headers, in Celery's order with custom headers merged.
    public func headers() -> JSONObject {
        var object = JSONObject()
        object.reserveCapacity(19 + customHeaders.count)
        object.appendUnchecked("lang", "py")
        object.appendUnchecked("task", .string(name))
        object.appendUnchecked("id", .string(id))
        object.appendUnchecked("shadow", .optionalString(shadow))
        object.appendUnchecked("eta", .optionalString(eta?.isoformat))
        object.appendUnchecked("expires", .optionalString(expires?.isoformat))
        object.appendUnchecked("group", .optionalString(groupID))
        object.appendUnchecked("group_index", groupIndex.map(JSONValue.integer) ?? .null)
        object.appendUnchecked("retries", .integer(retries))
        object.appendUnchecked("timelimit", timeLimit.jsonValue)
        object.appendUnchecked("root_id", .string(rootID ?? id))
        object.appendUnchecked("parent_id", .optionalString(parentID))
        object.appendUnchecked("argsrepr", .string(argsrepr ?? PythonSafeRepr.argsrepr(args)))
        object.appendUnchecked("kwargsrepr", .string(kwargsrepr ?? PythonSafeRepr.kwargsrepr(kwargs)))
        object.appendUnchecked("origin", .string(origin))
        object.appendUnchecked("ignore_result", .bool(ignoreResult))
        object.appendUnchecked("replaced_task_nesting", .integer(replacedTaskNesting))
        object.appendUnchecked("stamped_headers", stampedHeaders.map { .array($0.map(JSONValue.string)) } ?? .null)
        object.appendUnchecked("stamps", .object(stamps))
        for member in customHeaders.members { object[member.key] = member.value }
        return object
    }

    /// The properties, in kombu's order.
    public func properties() -> MessageProperties {
        MessageProperties(
            correlationID: id,
            replyTo: replyTo,
            origin: originInProperties ? origin : nil,
            deliveryMode: 2,
            expiration: expirationSeconds.map(Self.expirationMilliseconds),
            deliveryInfo: DeliveryInfo(exchange: "", routingKey: queue),
            priority: priority,
            deliveryTag: deliveryTag
        )
    }

    /// kombu's `str(int(seconds * 1000))`, with negative TTLs as 0 (Celery clamps them) and
    /// values too large for 64 bits clamped instead of trapping.
    static func expirationMilliseconds(_ seconds: Double) -> String {
        let milliseconds = (seconds * 1000).rounded(.towardZero)
        guard milliseconds.isFinite || milliseconds == .infinity else { return "0" }
        if milliseconds <= 0 { return "0" }
        if milliseconds >= 9.2e18 { return String(Int64.max) }
        return String(Int64(milliseconds))
    }

    /// The message. Headers built here always pass ``TaskHeaders`` validation; if a custom
    /// header replaced a standard one with a value of the wrong kind, that is reported.
    public func build() throws(ProtocolError) -> TaskMessage {
        TaskMessage(headers: try TaskHeaders(raw: headers()),
                    body: TaskBody(args: args, kwargs: kwargs, embed: embed),
                    properties: properties())
    }
}
