/// One Celery event: a JSON object that starts with `hostname`, `utcoffset`, `pid`, `clock`,
/// continues with the type's own fields and ends with `timestamp` and `type`.
///
/// A typed view over the object: unknown fields survive a round trip.
public struct CeleryEvent: Sendable, Hashable {
    /// The fields as sent.
    public private(set) var raw: JSONObject

    /// Where an event comes from: the fields every event starts with.
    public struct Source: Sendable, Hashable {
        /// The sender's nodename (`w1@host1`, or `gen<pid>@host` for clients).
        public var hostname: String
        /// Hours **west** of UTC (Python's `time.timezone / 3600`).
        public var utcoffset: Double
        /// The sender's process id.
        public var pid: Int

        /// A source.
        public init(hostname: String, utcoffset: Double = 0, pid: Int) {
            self.hostname = hostname
            self.utcoffset = utcoffset
            self.pid = pid
        }
    }

    /// Reads an event; `type` is required, and the common fields must have their kinds.
    public init(raw: JSONObject) throws(ProtocolError) {
        _ = try raw.requiredString("type", path: "event.")
        _ = try raw.optionalString("hostname", path: "event.")
        _ = try raw.optionalNumber("timestamp", path: "event.")
        _ = try raw.optionalNumber("utcoffset", path: "event.")
        _ = try raw.optionalInt("clock", path: "event.")
        _ = try raw.optionalInt("pid", path: "event.")
        _ = try raw.optionalString("uuid", path: "event.")
        self.raw = raw
    }

    /// An event laid out as Celery's `EventDispatcher.publish` does:
    /// hostname, utcoffset, pid, clock, the type's fields, timestamp, type.
    public init(type: EventType, source: Source, clock: Int, fields: JSONObject, timestamp: Double) {
        var object = JSONObject()
        object.reserveCapacity(fields.count + 6)
        object.appendUnchecked("hostname", .string(source.hostname))
        object.appendUnchecked("utcoffset", .double(source.utcoffset))
        object.appendUnchecked("pid", .integer(source.pid))
        object.appendUnchecked("clock", .integer(clock))
        for member in fields.members { object[member.key] = member.value }
        object["timestamp"] = .double(timestamp)
        object["type"] = .string(type.rawValue)
        raw = object
    }

    /// A field by name.
    public subscript(key: String) -> JSONValue? { raw[key] }

    /// The JSON object.
    public var jsonValue: JSONValue { .object(raw) }

    /// The event type.
    public var type: EventType { EventType(rawValue: raw["type"]?.stringValue ?? "") }
    /// The sender's nodename.
    public var hostname: String? { raw["hostname"]?.stringValue }
    /// When it was sent (`time.time()` of the sender).
    public var timestamp: Double? { raw["timestamp"]?.numberValue }
    /// The sender's Lamport clock.
    public var clock: Int? { raw["clock"]?.intValue.map(Int.init) }
    /// Hours west of UTC of the sender.
    public var utcoffset: Double? { raw["utcoffset"]?.numberValue }
    /// The sender's process id.
    public var pid: Int? { raw["pid"]?.intValue.map(Int.init) }
    /// The task id, for task events.
    public var uuid: String? { raw["uuid"]?.stringValue }
    /// The task name (task-sent, task-received).
    public var name: String? { raw["name"]?.stringValue }
    /// The args repr (task-sent, task-received).
    public var args: String? { raw["args"]?.stringValue }
    /// The kwargs repr (task-sent, task-received).
    public var kwargs: String? { raw["kwargs"]?.stringValue }
    /// The result repr (task-succeeded).
    public var result: String? { raw["result"]?.stringValue }
    /// Seconds the task ran (task-succeeded).
    public var runtime: Double? { raw["runtime"]?.numberValue }
    /// The exception repr (task-failed, task-retried).
    public var exception: String? { raw["exception"]?.stringValue }
    /// The traceback (task-failed, task-retried).
    public var traceback: String? { raw["traceback"]?.stringValue }
    /// Retries so far (task-sent, task-received).
    public var retries: Int? { raw["retries"]?.intValue.map(Int.init) }
    /// The ETA (task-sent, task-received).
    public var eta: String? { raw["eta"]?.stringValue }
    /// The expiry (task-sent, task-received).
    public var expires: String? { raw["expires"]?.stringValue }
    /// The workflow root.
    public var rootID: String? { raw["root_id"]?.stringValue }
    /// The sending task.
    public var parentID: String? { raw["parent_id"]?.stringValue }
    /// The queue (task-sent).
    public var queue: String? { raw["queue"]?.stringValue }
    /// The exchange (task-sent).
    public var exchange: String? { raw["exchange"]?.stringValue }
    /// The routing key (task-sent).
    public var routingKey: String? { raw["routing_key"]?.stringValue }
    /// Whether the task was terminated (task-revoked).
    public var terminated: Bool? { raw["terminated"]?.boolValue }
    /// The signal used (task-revoked), or nil.
    public var signum: Int? { raw["signum"]?.intValue.map(Int.init) }
    /// Whether the task expired (task-revoked).
    public var expired: Bool? { raw["expired"]?.boolValue }
    /// Whether the message was requeued (task-rejected).
    public var requeue: Bool? { raw["requeue"]?.boolValue }
    /// Heartbeat frequency in seconds (worker events).
    public var freq: Double? { raw["freq"]?.numberValue }
    /// Tasks running (worker events).
    public var active: Int? { raw["active"]?.intValue.map(Int.init) }
    /// Tasks processed so far (worker events).
    public var processed: Int? { raw["processed"]?.intValue.map(Int.init) }
    /// 1, 5 and 15 minute load averages (worker events).
    public var loadavg: [Double]? { raw["loadavg"]?.arrayValue?.compactMap(\.numberValue) }
    /// `py-celery` for Celery workers.
    public var swIdent: String? { raw["sw_ident"]?.stringValue }
    /// The worker software version.
    public var swVer: String? { raw["sw_ver"]?.stringValue }
    /// The worker's operating system (`Linux`).
    public var swSys: String? { raw["sw_sys"]?.stringValue }

    /// The timestamp in the receiver's time: `timestamp − (utcoffset − local) × 3600`, as
    /// Celery's monitors correct it.
    public func adjustedTimestamp(localUTCOffset: Double) -> Double? {
        guard let timestamp else { return nil }
        return timestamp - ((utcoffset ?? localUTCOffset) - localUTCOffset) * 3600
    }
}
