/// An exception as Celery stores it in a result:
/// `{"exc_type": qualname, "exc_message": [args…], "exc_module": module}`.
public struct ExceptionInfo: Sendable, Hashable {
    /// The exception class's qualified name (`DemoError`, `TaskRevokedError`).
    public var type: String
    /// The exception's args.
    public var arguments: [JSONValue]
    /// The module a Python reader will look the class up in. Python readers build a stand-in
    /// class when the module is not loaded, so Celeriac uses modules like `celeriac.demo`.
    public var module: String

    /// An exception with these parts.
    public init(type: String, arguments: [JSONValue], module: String) {
        self.type = type
        self.arguments = arguments
        self.module = module
    }

    /// The object Celery stores.
    public var jsonValue: JSONValue {
        ["exc_type": .string(type), "exc_message": .array(arguments), "exc_module": .string(module)]
    }

    /// Reads the stored object; `exc_message` may also be a bare value (older Celery).
    public init(jsonValue: JSONValue) throws(ProtocolError) {
        guard case .object(let object) = jsonValue else {
            throw ProtocolError.wrongType("result", expected: "an exception object", found: jsonValue)
        }
        type = try object.requiredString("exc_type", path: "result.")
        module = try object.optionalString("exc_module", path: "result.") ?? "builtins"
        switch object["exc_message"] {
        case nil, .null?: arguments = []
        case .array(let items)?: arguments = items
        case let other?: arguments = [other]
        }
    }

    /// `repr(exc)` as Python prints it: `DemoError('boom')`.
    public var pythonRepr: String {
        PythonRepr.exceptionRepr(type: type, arguments: arguments)
    }

    /// `TaskRevokedError` with reason `revoked`, `expired` or `terminated`, as a worker stores
    /// for a discarded task.
    public static func taskRevoked(_ reason: String) -> ExceptionInfo {
        ExceptionInfo(type: "TaskRevokedError", arguments: [.string(reason)], module: "celery.exceptions")
    }

    /// `NotRegistered(name)`, stored for an unknown task name.
    public static func notRegistered(_ task: String) -> ExceptionInfo {
        ExceptionInfo(type: "NotRegistered", arguments: [.string(task)], module: "celery.exceptions")
    }

    /// `TimeLimitExceeded(hard)` as the main process stores it after a hard time limit.
    public static func timeLimitExceeded(_ seconds: JSONValue) -> ExceptionInfo {
        ExceptionInfo(type: "TimeLimitExceeded", arguments: [seconds], module: "billiard.exceptions")
    }

    /// `SoftTimeLimitExceeded()` raised inside a task.
    public static let softTimeLimitExceeded = ExceptionInfo(
        type: "SoftTimeLimitExceeded", arguments: [], module: "billiard.exceptions")
}
