/// The reply shapes of Celery's control handlers, with their exact texts.
public enum ControlReplies {
    /// `{"ok": text}`.
    public static func ok(_ text: String) -> JSONValue { ["ok": .string(text)] }
    /// `{"error": text}`.
    public static func error(_ text: String) -> JSONValue { ["error": .string(text)] }

    /// `ping`.
    public static let pong = ok("pong")

    /// The reply to an unknown method: pidbox replies with the `KeyError` repr.
    public static func unknownMethod(_ method: String) -> JSONValue {
        error(PythonRepr.exceptionRepr(type: "KeyError", arguments: [.string(method)]))
    }

    /// `revoke` without terminate: `tasks {'id1', 'id2'} flagged as revoked` (a Python set repr;
    /// Python's own order is hash-dependent, so the given order is used).
    public static func revokeFlagged(_ ids: [String]) -> JSONValue {
        ok("tasks \(PythonRepr.setRepr(ids)) flagged as revoked")
    }

    /// `revoke` with terminate: `terminate: id1, id2`, or `terminate: tasks unknown`.
    public static func revokeTerminated(_ ids: [String]) -> JSONValue {
        ids.isEmpty ? ok("terminate: tasks unknown") : ok("terminate: " + ids.joined(separator: ", "))
    }

    /// `rate_limit` succeeded.
    public static let rateLimitSet = ok("new rate limit set successfully")
    /// `rate_limit` with an empty or zero limit.
    public static let rateLimitDisabled = ok("rate limit disabled successfully")
    /// `rate_limit` / `time_limit` for a task the worker does not know.
    public static let unknownTask = error("unknown task")
    /// `time_limit` succeeded.
    public static let timeLimitsSet = ok("time limits set successfully")

    /// `rate_limit` with a bad string: a bad unit propagates Python's `KeyError`
    /// (`{"error": "KeyError('x')"}`); a bad number is reported as Celery's own message.
    public static func invalidRateLimit(_ failure: RateLimitError) -> JSONValue {
        switch failure {
        case .unknownUnit:
            return error(failure.pythonRepr)
        case .invalidNumber:
            return error("Invalid rate limit string: \(failure.pythonRepr)")
        }
    }

    /// `add_consumer`.
    public static func consumerAdded(_ queue: String) -> JSONValue { ok("add consumer \(queue)") }
    /// `cancel_consumer`.
    public static func consumerCancelled(_ queue: String) -> JSONValue { ok("no longer consuming from \(queue)") }
    /// `pool_grow`.
    public static let poolWillGrow = ok("pool will grow")
    /// `pool_shrink`.
    public static let poolWillShrink = ok("pool will shrink")

    /// `enable_events`: whether they were off before.
    public static func eventsEnabled(changed: Bool) -> JSONValue {
        ok(changed ? "task events enabled" : "task events already enabled")
    }

    /// `disable_events`: whether they were on before.
    public static func eventsDisabled(changed: Bool) -> JSONValue {
        ok(changed ? "task events disabled" : "task events already disabled")
    }

    /// `clock`.
    public static func clock(_ value: Int) -> JSONValue { ["clock": .integer(value)] }

    /// `hello`: our revoked ids (oldest first) and our clock.
    public static func hello(revoked: [String], clock: Int) -> JSONValue {
        ["revoked": .array(revoked.map(JSONValue.string)), "clock": .integer(clock)]
    }

    /// One `registered` entry: the name, then `[attr=value …]` for the attributes that are set
    /// (`demo.limited [rate_limit=10/m]`).
    public static func registeredEntry(_ name: String, attributes: [(String, String)] = []) -> JSONValue {
        guard !attributes.isEmpty else { return .string(name) }
        return .string(name + " [" + attributes.map { $0.0 + "=" + $0.1 }.joined(separator: " ") + "]")
    }

    /// One `scheduled` entry.
    public static func scheduledEntry(eta: CeleryDateTime?, priority: Int, request: TaskRequestInfo) -> JSONValue {
        ["eta": .optionalString(eta?.isoformat), "priority": .integer(priority), "request": request.jsonValue]
    }

    /// The state names `query_task` reports.
    public enum QueryState: String, Sendable {
        /// Running.
        case active
        /// Received, waiting for a slot.
        case reserved
        /// Waiting for its ETA.
        case scheduled
        /// Finished (known to the worker).
        case ready
    }

    /// `query_task`: `{id: [state, info]}` for the ids the worker knows.
    public static func queryTask(_ entries: [(QueryState, TaskRequestInfo)]) -> JSONValue {
        var object = JSONObject()
        for (state, info) in entries {
            object[info.id] = [.string(state.rawValue), info.jsonValue]
        }
        return .object(object)
    }
}

/// The dict a worker reports for a request in `active`, `reserved`, `scheduled` and
/// `query_task`: `{id, name, args, kwargs, type, hostname, time_start, acknowledged,
/// delivery_info {exchange, routing_key, priority, redelivered}, worker_pid}`.
public struct TaskRequestInfo: Sendable, Hashable {
    /// Task id.
    public var id: String
    /// Task name (also sent as `type`).
    public var name: String
    /// The args: a list, or a repr string with `safe`.
    public var args: JSONValue
    /// The kwargs: an object, or a repr string with `safe`.
    public var kwargs: JSONValue
    /// The worker's nodename.
    public var hostname: String
    /// When it started running (`time.time()`), or nil.
    public var timeStart: Double?
    /// Whether the message was acked.
    public var acknowledged: Bool
    /// The delivery exchange.
    public var exchange: String
    /// The delivery routing key.
    public var routingKey: String
    /// The message priority.
    public var priority: Int
    /// Whether it was redelivered.
    public var redelivered: Bool
    /// The process running it, or nil.
    public var workerPID: Int?

    /// A request description.
    public init(id: String, name: String, args: JSONValue, kwargs: JSONValue, hostname: String, timeStart: Double?,
                acknowledged: Bool, exchange: String = "", routingKey: String, priority: Int = 0,
                redelivered: Bool = false, workerPID: Int?)
    {
        self.id = id
        self.name = name
        self.args = args
        self.kwargs = kwargs
        self.hostname = hostname
        self.timeStart = timeStart
        self.acknowledged = acknowledged
        self.exchange = exchange
        self.routingKey = routingKey
        self.priority = priority
        self.redelivered = redelivered
        self.workerPID = workerPID
    }

    /// The dict as Celery's `Request.info()` writes it.
    public var jsonValue: JSONValue {
        ["id": .string(id), "name": .string(name), "args": args, "kwargs": kwargs, "type": .string(name),
         "hostname": .string(hostname), "time_start": timeStart.map(JSONValue.double) ?? .null,
         "acknowledged": .bool(acknowledged),
         "delivery_info": ["exchange": .string(exchange), "routing_key": .string(routingKey),
                           "priority": .integer(priority), "redelivered": .bool(redelivered)],
         "worker_pid": workerPID.map(JSONValue.integer) ?? .null]
    }
}

extension ControlReplies {
    /// `active` / `reserved`: a list of request dicts.
    public static func requests(_ requests: [TaskRequestInfo]) -> JSONValue {
        .array(requests.map(\.jsonValue))
    }

    /// `revoked`: the revoked ids.
    public static func revokedIDs(_ ids: [String]) -> JSONValue {
        .array(ids.map(JSONValue.string))
    }

    /// `registered`: the entries, sorted by task name as Celery sorts them.
    public static func registered(_ entries: [(name: String, attributes: [(String, String)])]) -> JSONValue {
        .array(entries.sorted { $0.name < $1.name }.map { registeredEntry($0.name, attributes: $0.attributes) })
    }

    /// `report`: `{"ok": text}`.
    public static func report(_ text: String) -> JSONValue { ok(text) }
}
