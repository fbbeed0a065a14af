import CeleriacProtocol

/// The body of a task: takes its context, returns its JSON result.
public typealias TaskHandler = @Sendable (TaskContext) async throws -> JSONValue

/// The body of a task that never suspends (no `await` in it): pure computation on its
/// arguments. The worker may run several such bodies one after another in one task, with their
/// acks, results and events written together (``TaskRegistry/register(_:options:synchronous:)``).
public typealias SynchronousTaskHandler = @Sendable (TaskContext) throws -> JSONValue

/// A registered task type.
public struct RegisteredTask: Sendable {
    public var name: String
    public var options: TaskOptions
    public var handler: TaskHandler
    /// The same body, when it was registered as one that never suspends.
    public var synchronousHandler: SynchronousTaskHandler?

    public init(name: String, options: TaskOptions = TaskOptions(), handler: @escaping TaskHandler) {
        self.name = name
        self.options = options
        self.handler = handler
    }

    /// A task whose body never suspends.
    public init(name: String, options: TaskOptions = TaskOptions(), synchronous body: @escaping SynchronousTaskHandler) {
        self.name = name
        self.options = options
        handler = { context in try body(context) }
        synchronousHandler = body
    }
}

/// The tasks a worker can run, by name. An application builds one in its own executable and
/// hands it to the worker:
///
/// ```swift
/// var tasks = TaskRegistry()
/// tasks.register("shop.invoice", options: TaskOptions(rateLimit: "10/s")) { task in
///     let order = try task.string(0, "order_id")
///     return .string("invoice for \(order)")
/// }
/// ```
public struct TaskRegistry: Sendable {
    private var tasks: [String: RegisteredTask] = [:]

    public init() {}

    /// Registers (or replaces) a task type.
    public mutating func register(_ name: String, options: TaskOptions = TaskOptions(), handler: @escaping TaskHandler) {
        tasks[name] = RegisteredTask(name: name, options: options, handler: handler)
    }

    /// Registers (or replaces) a task type whose body never suspends (it cannot `await`). On
    /// the async pool, messages of such tasks that arrive together run one after another in
    /// one task, and their acks, results and events go out together: far less work per task
    /// than a task of its own each. A body that computes for long holds up the others of its
    /// batch, as it would hold up its thread anyway; give it an `async` body (the other
    /// `register`) if it waits on anything. A trailing closure without `await` is taken as a
    /// synchronous body too: it cannot suspend.
    public mutating func register(_ name: String, options: TaskOptions = TaskOptions(), synchronous body: @escaping SynchronousTaskHandler) {
        tasks[name] = RegisteredTask(name: name, options: options, synchronous: body)
    }

    /// The task registered under `name`.
    public subscript(name: String) -> RegisteredTask? { tasks[name] }

    /// Every registered name, sorted.
    public var names: [String] { tasks.keys.sorted() }

    /// Lines as `inspect registered` shows them: `demo.add`, `demo.limited [rate_limit=10/m]`.
    public var registeredDescriptions: [String] {
        names.map { name in
            var extras: [String] = []
            if let task = tasks[name] {
                if let rate = task.options.rateLimit { extras.append("rate_limit=\(rate)") }
                if let hard = task.options.timeLimit { extras.append("time_limit=\(OptionNumber.text(hard))") }
                if let soft = task.options.softTimeLimit { extras.append("soft_time_limit=\(OptionNumber.text(soft))") }
            }
            return extras.isEmpty ? name : "\(name) [\(extras.joined(separator: " "))]"
        }
    }
}

/// Option values as a Python task declares them: limits are usually whole seconds (`2`), so
/// integral values print without a fraction.
enum OptionNumber {
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
