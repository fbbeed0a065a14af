/// The headers of a task message (protocol v2), as a typed view over the JSON object.
///
/// Only `id` and `task` are required; every other header may be missing (older or foreign
/// clients), but a header that is present must have the right kind. Custom headers and the
/// sender's key order are kept.
public struct TaskHeaders: Sendable, Hashable {
    /// The headers as sent.
    public private(set) var raw: JSONObject

    /// The order Celery writes the standard headers in.
    public static let keyOrder = [
        "lang", "task", "id", "shadow", "eta", "expires", "group", "group_index", "retries", "timelimit",
        "root_id", "parent_id", "argsrepr", "kwargsrepr", "origin", "ignore_result", "replaced_task_nesting",
        "stamped_headers", "stamps",
    ]

    /// The task id.
    public private(set) var id: String
    /// The task name.
    public private(set) var task: String
    /// The ETA, parsed.
    public private(set) var eta: CeleryDateTime?
    /// The expiry time, parsed.
    public private(set) var expires: CeleryDateTime?

    /// Reads and checks headers: `id` and `task` must be strings; known headers must have the
    /// right kind; `eta`/`expires` must be ISO-8601.
    public init(raw: JSONObject) throws(ProtocolError) {
        let path = "headers."
        id = try raw.requiredString("id", path: path)
        task = try raw.requiredString("task", path: path)
        for key in ["lang", "shadow", "group", "root_id", "parent_id", "argsrepr", "kwargsrepr", "origin"] {
            _ = try raw.optionalString(key, path: path)
        }
        for key in ["group_index", "retries", "replaced_task_nesting"] {
            _ = try raw.optionalInt(key, path: path)
        }
        _ = try raw.optionalBool("ignore_result", path: path)
        _ = try raw.optionalArray("stamped_headers", path: path)
        _ = try raw.optionalObject("stamps", path: path)
        if let limit = raw["timelimit"], !limit.isNull {
            _ = try TimeLimit(jsonValue: limit)
        }
        eta = try raw.optionalString("eta", path: path).map { (text) throws(ProtocolError) in
            try CeleryDateTime.parse(text, field: "headers.eta")
        }
        expires = try raw.optionalString("expires", path: path).map { (text) throws(ProtocolError) in
            try CeleryDateTime.parse(text, field: "headers.expires")
        }
        self.raw = raw
    }

    /// Sets a header, keeping Celery's order for standard headers; custom headers append.
    /// Setting `id`, `task`, `eta` or `expires` here is checked like decoding.
    public mutating func set(_ key: String, _ value: JSONValue?) throws(ProtocolError) {
        var copy = raw
        copy.setOrdered(key, value, order: Self.keyOrder)
        self = try TaskHeaders(raw: copy)
    }

    /// Sets a header without re-validating (for values built by this module).
    mutating func setUnchecked(_ key: String, _ value: JSONValue?) {
        raw.setOrdered(key, value, order: Self.keyOrder)
    }

    /// `"py"` for Celery; Celeriac sends `"py"` too so Python workers accept its messages.
    public var lang: String? { raw["lang"]?.stringValue }
    /// A display name replacing the task name in logs.
    public var shadow: String? { raw["shadow"]?.stringValue }
    /// The group id.
    public var group: String? { raw["group"]?.stringValue }
    /// The position in the group (chord parts are ordered by it).
    public var groupIndex: Int? { raw["group_index"]?.intValue.map(Int.init) }
    /// How many times the task was retried; 0 when missing.
    public var retries: Int { raw["retries"]?.intValue.map(Int.init) ?? 0 }
    /// `[hard, soft]` time limits.
    public var timeLimit: TimeLimit {
        raw["timelimit"].flatMap { try? TimeLimit(jsonValue: $0) } ?? TimeLimit()
    }
    /// The workflow's first task; the task itself when missing.
    public var rootID: String { raw["root_id"]?.stringValue ?? id }
    /// The task that sent this one.
    public var parentID: String? { raw["parent_id"]?.stringValue }
    /// The repr of the args, for logs and events.
    public var argsrepr: String? { raw["argsrepr"]?.stringValue }
    /// The repr of the kwargs, for logs and events.
    public var kwargsrepr: String? { raw["kwargsrepr"]?.stringValue }
    /// `gen<pid>@<host>` of the sender.
    public var origin: String? { raw["origin"]?.stringValue }
    /// Whether the result should not be stored; false when missing.
    public var ignoreResult: Bool { raw["ignore_result"]?.boolValue ?? false }
    /// How many times the task was replaced; 0 when missing.
    public var replacedTaskNesting: Int { raw["replaced_task_nesting"]?.intValue.map(Int.init) ?? 0 }
    /// Names of stamp headers.
    public var stampedHeaders: [JSONValue]? { raw["stamped_headers"]?.arrayValue }
    /// Stamp values.
    public var stamps: JSONObject { raw["stamps"]?.objectValue ?? JSONObject() }
    /// Set by kombu when the message was restored or requeued.
    public var redelivered: Bool { raw["redelivered"]?.boolValue ?? false }

    /// Headers that are not among Celery's standard ones (custom `headers=`, `redelivered`).
    public var customHeaders: JSONObject {
        var object = JSONObject()
        for member in raw.members where !Self.keyOrder.contains(member.key) {
            object.appendUnchecked(member.key, member.value)
        }
        return object
    }
}
