/// The value stored at `celery-task-meta-<id>` (and published on the same channel):
/// `{"status", "result", "traceback", "children", "date_done", ["group_id"], ["parent_id"],
/// [extended: "name", "args", "kwargs", "worker", "retries", "queue"], "task_id"}`.
///
/// A typed view over the JSON object; unknown members (stamps) survive a round trip.
public struct ResultMeta: Sendable, Hashable {
    /// The members as stored.
    public private(set) var raw: JSONObject

    /// The order Celery writes the members in.
    public static let keyOrder = [
        "status", "result", "traceback", "children", "date_done", "group_id", "parent_id",
        "name", "args", "kwargs", "worker", "retries", "queue", "task_id",
    ]

    /// The fields `result_extended` adds.
    public struct Extended: Sendable, Hashable {
        /// Task name.
        public var name: String?
        /// Positional args as received.
        public var args: JSONValue
        /// Keyword args as received.
        public var kwargs: JSONValue
        /// The worker's nodename.
        public var worker: String?
        /// Retries so far.
        public var retries: Int?
        /// The routing key it was delivered with.
        public var queue: String?

        /// Extended fields.
        public init(name: String?, args: JSONValue, kwargs: JSONValue, worker: String?, retries: Int?, queue: String?) {
            self.name = name
            self.args = args
            self.kwargs = kwargs
            self.worker = worker
            self.retries = retries
            self.queue = queue
        }
    }

    /// The result key of a task id.
    public static func key(forTaskID id: String) -> String {
        "celery-task-meta-" + id
    }

    /// A meta value laid out as Celery's `_get_result_meta` + `_store_result` write it.
    /// `dateDone` is nil for states that are not ready (STARTED, RETRY).
    public init(
        taskID: String,
        status: TaskState,
        result: JSONValue,
        traceback: String? = nil,
        children: [ResultReference]? = [],
        dateDone: CeleryDateTime?,
        groupID: String? = nil,
        parentID: String? = nil,
        extended: Extended? = nil
    ) {
        var object = JSONObject()
        object.reserveCapacity(14)
        object.appendUnchecked("status", .string(status.rawValue))
        object.appendUnchecked("result", result)
        object.appendUnchecked("traceback", .optionalString(traceback))
        object.appendUnchecked("children", children.map { .array($0.map(\.jsonValue)) } ?? .null)
        object.appendUnchecked("date_done", .optionalString(dateDone?.isoformat))
        if let groupID { object.appendUnchecked("group_id", .string(groupID)) }
        if let parentID { object.appendUnchecked("parent_id", .string(parentID)) }
        if let extended {
            object.appendUnchecked("name", .optionalString(extended.name))
            object.appendUnchecked("args", extended.args)
            object.appendUnchecked("kwargs", extended.kwargs)
            object.appendUnchecked("worker", .optionalString(extended.worker))
            object.appendUnchecked("retries", extended.retries.map(JSONValue.integer) ?? .null)
            object.appendUnchecked("queue", .optionalString(extended.queue))
        }
        object.appendUnchecked("task_id", .string(taskID))
        raw = object
    }

    /// A FAILURE (or REVOKED) meta for an exception.
    public init(taskID: String, status: TaskState = .failure, exception: ExceptionInfo, traceback: String?,
                children: [ResultReference]? = [], dateDone: CeleryDateTime?, groupID: String? = nil,
                parentID: String? = nil, extended: Extended? = nil)
    {
        self.init(taskID: taskID, status: status, result: exception.jsonValue, traceback: traceback,
                  children: children, dateDone: dateDone, groupID: groupID, parentID: parentID, extended: extended)
    }

    /// Reads a stored meta object; `status` is required, other members may be missing.
    public init(raw: JSONObject) throws(ProtocolError) {
        _ = try raw.requiredString("status", path: "")
        _ = try raw.optionalString("traceback", path: "")
        _ = try raw.optionalArray("children", path: "")
        _ = try raw.optionalString("task_id", path: "")
        _ = try raw.optionalString("group_id", path: "")
        _ = try raw.optionalString("parent_id", path: "")
        if let text = try raw.optionalString("date_done", path: "") {
            _ = try CeleryDateTime.parse(text, field: "date_done")
        }
        self.raw = raw
    }

    /// Decodes the bytes stored at the result key.
    public static func decode(_ bytes: some Collection<UInt8>) throws(ProtocolError) -> ResultMeta {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ProtocolError.json(error, in: "result")
        }
        guard case .object(let object) = value else {
            throw ProtocolError.wrongType("result", expected: "an object", found: value)
        }
        return try ResultMeta(raw: object)
    }

    /// The bytes Celery stores (Python `json.dumps` defaults).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        // A plain success is about 200 bytes: one allocation, not three doublings (issue #6).
        out.reserveCapacity(256)
        JSONWriter.write(raw, into: &out)
        return out
    }

    /// The state.
    public var status: TaskState { TaskState(rawValue: raw["status"]?.stringValue ?? "PENDING") }
    /// The return value, or the exception object for failures.
    public var result: JSONValue { raw["result"] ?? .null }
    /// The exception, for FAILURE, RETRY (when an exc was given) and REVOKED.
    public var exception: ExceptionInfo? {
        guard status.isException, case .object = result else { return nil }
        return try? ExceptionInfo(jsonValue: result)
    }
    /// The formatted traceback.
    public var traceback: String? { raw["traceback"]?.stringValue }
    /// Result tuples of the tasks this one sent; nil when stored as null.
    public var children: [ResultReference]? {
        raw["children"]?.arrayValue?.compactMap { try? ResultReference(jsonValue: $0) }
    }
    /// When the task finished; nil for STARTED and RETRY.
    public var dateDone: CeleryDateTime? {
        raw["date_done"]?.stringValue.flatMap { try? CeleryDateTime.parse($0) }
    }
    /// The group the task belongs to.
    public var groupID: String? { raw["group_id"]?.stringValue }
    /// The task that sent this one.
    public var parentID: String? { raw["parent_id"]?.stringValue }
    /// The task id.
    public var taskID: String? { raw["task_id"]?.stringValue }
}
