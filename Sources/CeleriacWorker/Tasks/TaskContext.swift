import CeleriacProtocol

/// What a running task sees: its arguments and the request's identity, plus `retry`.
public struct TaskContext: Sendable {
    public var id: String
    public var name: String
    public var args: [JSONValue]
    public var kwargs: JSONObject
    /// How many times this task has been retried so far.
    public var retries: Int
    public var rootID: String?
    public var parentID: String?
    public var groupID: String?
    /// The nodename of the worker running it.
    public var hostname: String

    public init(
        id: String, name: String, args: [JSONValue], kwargs: JSONObject = JSONObject(), retries: Int = 0,
        rootID: String? = nil, parentID: String? = nil, groupID: String? = nil, hostname: String = ""
    ) {
        self.id = id
        self.name = name
        self.args = args
        self.kwargs = kwargs
        self.retries = retries
        self.rootID = rootID
        self.parentID = parentID
        self.groupID = groupID
        self.hostname = hostname
    }

    /// The argument at `position`, or the keyword `name` when it was passed by keyword.
    public func argument(_ position: Int, _ name: String) throws(TaskArgumentError) -> JSONValue {
        if position < args.count { return args[position] }
        if let value = kwargs[name] { return value }
        throw TaskArgumentError(task: self.name, argument: name, problem: "is missing")
    }

    /// A number argument (Python `int` or `float`).
    public func number(_ position: Int, _ name: String) throws(TaskArgumentError) -> JSONValue {
        let value = try argument(position, name)
        switch value {
        case .int, .double, .bigInt: return value
        default: throw TaskArgumentError(task: self.name, argument: name, problem: "must be a number, not \(value.kindName)")
        }
    }

    /// A string argument.
    public func string(_ position: Int, _ name: String) throws(TaskArgumentError) -> String {
        let value = try argument(position, name)
        guard case .string(let text) = value else {
            throw TaskArgumentError(task: self.name, argument: name, problem: "must be a string, not \(value.kindName)")
        }
        return text
    }

    /// Asks for this task to run again later (Celery's `self.retry(countdown=...)`). Throw the
    /// result: `throw context.retry(countdown: 0.1)`.
    public func retry(countdown: Double? = nil, maxRetries: Int?? = nil, reason: String? = nil) -> TaskRetry {
        TaskRetry(countdown: countdown, maxRetries: maxRetries, reason: reason)
    }
}

/// An argument of the wrong kind or a missing one; fails the task as Python's `TypeError` would.
public struct TaskArgumentError: Error, Sendable, Hashable, CustomStringConvertible, CeleryException {
    public var task: String
    public var argument: String
    public var problem: String

    public var description: String { "\(task)() argument '\(argument)' \(problem)" }
    public var exceptionInfo: ExceptionInfo {
        ExceptionInfo(type: "TypeError", arguments: [.string(description)], module: "builtins")
    }
}

/// Thrown by a task to be retried; see ``TaskContext/retry(countdown:maxRetries:reason:)``.
public struct TaskRetry: Error, Sendable, Hashable {
    /// Seconds from now; nil uses the task's `defaultRetryDelay`.
    public var countdown: Double?
    /// Overrides the task's `maxRetries` for this retry (`.some(nil)` = unlimited).
    public var maxRetries: Int??
    /// Why, shown in the RETRY result and the `task-retried` event.
    public var reason: String?
}
