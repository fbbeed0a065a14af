import CeleriacProtocol

/// A task body handed to a pool child: a job number (unique within the pool) and what the
/// task sees. The child looks the task up in its own registry by `context.name`.
public struct PoolJob: Sendable, Hashable {
    /// The pool's number for this run (Celery's "Job: N").
    public var number: UInt64
    /// The task's context.
    public var context: TaskContext
    /// Seconds after its start at which the child cancels it (the task sees the soft-limit
    /// error); nil for none. The child keeps it because only the child knows when a job queued
    /// behind others starts.
    public var softLimit: Double?

    public init(number: UInt64, context: TaskContext, softLimit: Double? = nil) {
        self.number = number
        self.context = context
        self.softLimit = softLimit
    }

    public static func == (lhs: PoolJob, rhs: PoolJob) -> Bool {
        lhs.number == rhs.number && lhs.softLimit == rhs.softLimit && lhs.contextJSON == rhs.contextJSON
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(number)
        hasher.combine(softLimit)
        hasher.combine(contextJSON)
    }

    /// The context as the JSON object the frame carries.
    var contextJSON: JSONValue {
        var object = JSONObject()
        object["id"] = .string(context.id)
        object["name"] = .string(context.name)
        object["args"] = .array(context.args)
        object["kwargs"] = .object(context.kwargs)
        object["retries"] = .integer(context.retries)
        object["root_id"] = .optionalString(context.rootID)
        object["parent_id"] = .optionalString(context.parentID)
        object["group"] = .optionalString(context.groupID)
        object["hostname"] = .string(context.hostname)
        return .object(object)
    }

    /// Appends ``contextJSON``'s text without building the object first (once per job on the
    /// parent's hot path).
    func writeContextJSON(into out: inout [UInt8]) {
        func member(_ key: StaticString, _ value: JSONValue) {
            out.append(contentsOf: UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            JSONWriter.write(value, into: &out)
        }
        member(#"{"id": "#, .string(context.id))
        member(#", "name": "#, .string(context.name))
        member(#", "args": "#, .array(context.args))
        member(#", "kwargs": "#, .object(context.kwargs))
        member(#", "retries": "#, .integer(context.retries))
        member(#", "root_id": "#, .optionalString(context.rootID))
        member(#", "parent_id": "#, .optionalString(context.parentID))
        member(#", "group": "#, .optionalString(context.groupID))
        member(#", "hostname": "#, .string(context.hostname))
        out.append(UInt8(ascii: "}"))
    }

    /// Reads the context object back.
    static func context(from value: JSONValue) throws(PoolFrameError) -> TaskContext {
        guard case .object(let object) = value, case .string(let id)? = object["id"], case .string(let name)? = object["name"],
              case .array(let args)? = object["args"], case .object(let kwargs)? = object["kwargs"],
              let retries = object["retries"]?.intValue
        else {
            throw PoolFrameError(.badPayload, "a run frame needs id, name, args, kwargs and retries")
        }
        return TaskContext(id: id, name: name, args: args, kwargs: kwargs, retries: Int(retries),
                           rootID: object["root_id"]?.stringValue, parentID: object["parent_id"]?.stringValue,
                           groupID: object["group"]?.stringValue, hostname: object["hostname"]?.stringValue ?? "")
    }
}
