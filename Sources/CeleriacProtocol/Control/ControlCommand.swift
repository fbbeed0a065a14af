/// The remote-control commands Celery's workers answer, with their arguments parsed.
///
/// Argument defaults follow the Python handlers (`terminate=False`, `n=1`,
/// `with_defaults=False`…); a required argument that is missing is a typed error.
public enum ControlCommand: Sendable, Hashable {
    /// `ping` → `{"ok": "pong"}`.
    case ping
    /// `stats` → the stats dict.
    case stats
    /// `active` → running requests; with `safe`, args/kwargs are reprs.
    case active(safe: Bool?)
    /// `reserved` → received, not yet running requests.
    case reserved
    /// `scheduled` → ETA requests.
    case scheduled
    /// `revoked` → revoked ids.
    case revoked
    /// `registered` → task names, with the listed attributes.
    case registered(taskInfoItems: [String])
    /// `query_task` → `{id: [state, info]}`.
    case queryTask(ids: [String])
    /// `active_queues` → kombu queue dicts.
    case activeQueues
    /// `conf` → non-default settings.
    case conf(withDefaults: Bool)
    /// `clock` → `{"clock": n}`.
    case clock
    /// `report` → `{"ok": bugreport}`.
    case report
    /// `revoke` one or more ids, optionally terminating them with `signal`.
    case revoke(taskIDs: [String], terminate: Bool, signal: String?)
    /// `rate_limit` of a task type (a string like `"10/m"`, a number, or null to disable).
    case rateLimit(taskName: String, rateLimit: JSONValue)
    /// `time_limit` of a task type (seconds or null).
    case timeLimit(taskName: String, hard: JSONValue, soft: JSONValue)
    /// `add_consumer`: start consuming from a queue.
    case addConsumer(queue: String, exchange: String?, exchangeType: String?, routingKey: String?)
    /// `cancel_consumer`: stop consuming from a queue.
    case cancelConsumer(queue: String)
    /// `pool_grow` by n processes.
    case poolGrow(n: Int)
    /// `pool_shrink` by n processes.
    case poolShrink(n: Int)
    /// `enable_events`.
    case enableEvents
    /// `disable_events`.
    case disableEvents
    /// `heartbeat` (a cast): send a worker-heartbeat event.
    case heartbeat
    /// `shutdown`: warm shutdown, no reply.
    case shutdown
    /// `hello` (mingle): the sender's revoked ids; the reply carries ours and our clock.
    case hello(fromNode: String, revoked: [String])
    /// Any other method, kept as sent.
    case other(method: String, arguments: JSONObject)

    /// Parses a method and its arguments.
    public init(method: String, arguments: JSONObject) throws(ProtocolError) {
        let path = "arguments."
        switch method {
        case "ping": self = .ping
        case "stats": self = .stats
        case "active": self = .active(safe: try arguments.optionalBool("safe", path: path))
        case "reserved": self = .reserved
        case "scheduled": self = .scheduled
        case "revoked": self = .revoked
        case "registered":
            self = .registered(taskInfoItems: try Self.stringList(arguments["taskinfoitems"], field: path + "taskinfoitems"))
        case "query_task":
            self = .queryTask(ids: try Self.stringList(arguments["ids"], field: path + "ids"))
        case "active_queues": self = .activeQueues
        case "conf": self = .conf(withDefaults: try arguments.optionalBool("with_defaults", path: path) ?? false)
        case "clock": self = .clock
        case "report": self = .report
        case "revoke":
            guard let ids = arguments["task_id"], !ids.isNull else { throw ProtocolError.missing(path + "task_id") }
            self = .revoke(taskIDs: try Self.stringList(ids, field: path + "task_id"),
                           terminate: try arguments.optionalBool("terminate", path: path) ?? false,
                           signal: try arguments.optionalString("signal", path: path))
        case "rate_limit":
            self = .rateLimit(taskName: try arguments.requiredString("task_name", path: path),
                              rateLimit: arguments["rate_limit"] ?? .null)
        case "time_limit":
            _ = try arguments.optionalNumber("hard", path: path)
            _ = try arguments.optionalNumber("soft", path: path)
            self = .timeLimit(taskName: try arguments.requiredString("task_name", path: path),
                              hard: arguments["hard"] ?? .null, soft: arguments["soft"] ?? .null)
        case "add_consumer":
            self = .addConsumer(queue: try arguments.requiredString("queue", path: path),
                                exchange: try arguments.optionalString("exchange", path: path),
                                exchangeType: try arguments.optionalString("exchange_type", path: path),
                                routingKey: try arguments.optionalString("routing_key", path: path))
        case "cancel_consumer":
            self = .cancelConsumer(queue: try arguments.requiredString("queue", path: path))
        case "pool_grow": self = .poolGrow(n: try arguments.optionalInt("n", path: path) ?? 1)
        case "pool_shrink": self = .poolShrink(n: try arguments.optionalInt("n", path: path) ?? 1)
        case "enable_events": self = .enableEvents
        case "disable_events": self = .disableEvents
        case "heartbeat": self = .heartbeat
        case "shutdown": self = .shutdown
        case "hello":
            self = .hello(fromNode: try arguments.requiredString("from_node", path: path),
                          revoked: try Self.stringList(arguments["revoked"], field: path + "revoked"))
        default:
            self = .other(method: method, arguments: arguments)
        }
    }

    /// A string or a list of strings (Celery's `maybe_list`); null or absent is empty.
    private static func stringList(_ value: JSONValue?, field: String) throws(ProtocolError) -> [String] {
        switch value {
        case nil, .null?: return []
        case .string(let single)?: return [single]
        case .array(let items)?:
            var strings: [String] = []
            for item in items {
                guard case .string(let text) = item else {
                    throw ProtocolError.wrongType(field, expected: "a list of strings", found: item)
                }
                strings.append(text)
            }
            return strings
        case let other?:
            throw ProtocolError.wrongType(field, expected: "a string or a list of strings", found: other)
        }
    }

    /// The method name.
    public var method: String {
        switch self {
        case .ping: return "ping"
        case .stats: return "stats"
        case .active: return "active"
        case .reserved: return "reserved"
        case .scheduled: return "scheduled"
        case .revoked: return "revoked"
        case .registered: return "registered"
        case .queryTask: return "query_task"
        case .activeQueues: return "active_queues"
        case .conf: return "conf"
        case .clock: return "clock"
        case .report: return "report"
        case .revoke: return "revoke"
        case .rateLimit: return "rate_limit"
        case .timeLimit: return "time_limit"
        case .addConsumer: return "add_consumer"
        case .cancelConsumer: return "cancel_consumer"
        case .poolGrow: return "pool_grow"
        case .poolShrink: return "pool_shrink"
        case .enableEvents: return "enable_events"
        case .disableEvents: return "disable_events"
        case .heartbeat: return "heartbeat"
        case .shutdown: return "shutdown"
        case .hello: return "hello"
        case .other(let method, _): return method
        }
    }

    /// The arguments as Celery's control client sends them. A revoke of one id sends the id
    /// as a string, of several a list (as `revoke(id)` / `revoke([ids])` do).
    public var arguments: JSONObject {
        switch self {
        case .ping, .stats, .reserved, .scheduled, .revoked, .activeQueues, .clock, .report, .enableEvents,
             .disableEvents, .heartbeat, .shutdown:
            return JSONObject()
        case .active(let safe):
            return ["safe": safe.map(JSONValue.bool) ?? .null]
        case .registered(let items):
            return ["taskinfoitems": .array(items.map(JSONValue.string))]
        case .queryTask(let ids):
            return ["ids": .array(ids.map(JSONValue.string))]
        case .conf(let withDefaults):
            return ["with_defaults": .bool(withDefaults)]
        case .revoke(let ids, let terminate, let signal):
            let target: JSONValue = ids.count == 1 ? .string(ids[0]) : .array(ids.map(JSONValue.string))
            return ["task_id": target, "terminate": .bool(terminate), "signal": .optionalString(signal)]
        case .rateLimit(let taskName, let rateLimit):
            return ["task_name": .string(taskName), "rate_limit": rateLimit]
        case .timeLimit(let taskName, let hard, let soft):
            return ["task_name": .string(taskName), "hard": hard, "soft": soft]
        case .addConsumer(let queue, let exchange, let exchangeType, let routingKey):
            return ["queue": .string(queue), "exchange": .optionalString(exchange),
                    "exchange_type": .optionalString(exchangeType), "routing_key": .optionalString(routingKey)]
        case .cancelConsumer(let queue):
            return ["queue": .string(queue)]
        case .poolGrow(let n), .poolShrink(let n):
            return ["n": .integer(n)]
        case .hello(let fromNode, let revoked):
            return ["from_node": .string(fromNode), "revoked": .array(revoked.map(JSONValue.string))]
        case .other(_, let arguments):
            return arguments
        }
    }

    /// Commands that never reply (casts and shutdown).
    public var expectsReply: Bool {
        switch self {
        case .heartbeat, .shutdown: return false
        default: return true
        }
    }
}
