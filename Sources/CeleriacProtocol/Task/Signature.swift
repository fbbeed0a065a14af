/// A Celery signature as it travels in `embed` (callbacks, errbacks, chain, chord):
/// `{"task", "args", "kwargs", "options", "subtask_type", "immutable"}`.
///
/// A typed view over the JSON object: unknown members (`chord_size`, stamps…) survive.
public struct Signature: Sendable, Hashable {
    /// The members as sent.
    public private(set) var raw: JSONObject

    /// The order Celery writes a signature's members in.
    public static let keyOrder = ["task", "args", "kwargs", "options", "subtask_type", "immutable"]

    /// Reads a signature, checking the kinds of its known members (`task` is required).
    public init(raw: JSONObject, field: String = "signature") throws(ProtocolError) {
        let path = field + "."
        _ = try raw.requiredString("task", path: path)
        _ = try raw.optionalArray("args", path: path)
        _ = try raw.optionalObject("kwargs", path: path)
        _ = try raw.optionalObject("options", path: path)
        _ = try raw.optionalString("subtask_type", path: path)
        _ = try raw.optionalBool("immutable", path: path)
        self.raw = raw
    }

    /// A signature as Celery's `Signature.__json__` writes it.
    public init(task: String, args: [JSONValue] = [], kwargs: JSONObject = JSONObject(),
                options: JSONObject = JSONObject(), subtaskType: String? = nil, immutable: Bool = false)
    {
        var object = JSONObject()
        object.reserveCapacity(6)
        object.appendUnchecked("task", .string(task))
        object.appendUnchecked("args", .array(args))
        object.appendUnchecked("kwargs", .object(kwargs))
        object.appendUnchecked("options", .object(options))
        object.appendUnchecked("subtask_type", .optionalString(subtaskType))
        object.appendUnchecked("immutable", .bool(immutable))
        raw = object
    }

    /// The task name.
    public var task: String { raw["task"]?.stringValue ?? "" }

    /// Positional arguments.
    public var args: [JSONValue] {
        get { raw["args"]?.arrayValue ?? [] }
        set { raw.setOrdered("args", .array(newValue), order: Self.keyOrder) }
    }

    /// Keyword arguments.
    public var kwargs: JSONObject {
        get { raw["kwargs"]?.objectValue ?? JSONObject() }
        set { raw.setOrdered("kwargs", .object(newValue), order: Self.keyOrder) }
    }

    /// Call options (`task_id`, `reply_to`, `group_id`, queue, priority…).
    public var options: JSONObject {
        get { raw["options"]?.objectValue ?? JSONObject() }
        set { raw.setOrdered("options", .object(newValue), order: Self.keyOrder) }
    }

    /// The task id the options assign, if any.
    public var taskID: String? { options["task_id"]?.stringValue }

    /// nil for a plain task; `"group"`, `"chord"`, `"chain"`… for canvas primitives.
    public var subtaskType: String? { raw["subtask_type"]?.stringValue }

    /// An immutable signature does not get its parent's result prepended to its args.
    public var immutable: Bool { raw["immutable"]?.boolValue ?? false }

    /// The JSON object.
    public var jsonValue: JSONValue { .object(raw) }

    /// The args a chain or callback step is called with: the parent's result first, unless
    /// the signature is immutable (Celery's `clone(args=(retval,) + args)`).
    public func arguments(afterParentResult result: JSONValue) -> [JSONValue] {
        immutable ? args : [result] + args
    }
}

extension Signature {
    /// Reads a list of signatures (or null) at `field`.
    static func list(_ value: JSONValue?, field: String) throws(ProtocolError) -> [Signature]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)?:
            var signatures: [Signature] = []
            signatures.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard case .object(let object) = item else {
                    throw ProtocolError.wrongType("\(field)[\(index)]", expected: "a signature object", found: item)
                }
                signatures.append(try Signature(raw: object, field: "\(field)[\(index)]"))
            }
            return signatures
        case let other?:
            throw ProtocolError.wrongType(field, expected: "a list of signatures or null", found: other)
        }
    }
}
