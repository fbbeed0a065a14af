import CeleriacProtocol

/// What `demo.fail` raises; Python sees `DemoError` from module `celeriac.demo`.
public struct DemoError: Error, Sendable, Hashable, CeleryException, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
    public var exceptionInfo: ExceptionInfo {
        ExceptionInfo(type: "DemoError", arguments: [.string(message)], module: "celeriac.demo")
    }
}

/// A Python `TypeError` for operands that do not combine, as `x + y` would raise it.
struct OperandError: Error, CeleryException, CustomStringConvertible {
    var description: String
    var exceptionInfo: ExceptionInfo { ExceptionInfo(type: "TypeError", arguments: [.string(description)], module: "builtins") }
}

/// The demo tasks of DESIGN.md, with the same names, arguments and results as
/// `Tests/Interop/python/demo.py`, so Python Celery and Celeriac can call each other.
public enum DemoTasks {
    /// Registers every demo task into `registry`.
    public static func register(into registry: inout TaskRegistry) {
        registry.register("demo.add", synchronous: { task in
            try PythonArithmetic.add(try task.argument(0, "x"), try task.argument(1, "y"))
        })
        registry.register("demo.mul", synchronous: { task in
            try PythonArithmetic.multiply(try task.number(0, "x"), try task.number(1, "y"))
        })
        registry.register("demo.xsum", synchronous: { task in
            guard case .array(let numbers) = try task.argument(0, "numbers") else {
                throw TaskArgumentError(task: task.name, argument: "numbers", problem: "must be a list")
            }
            return try numbers.reduce(JSONValue.int(0)) { try PythonArithmetic.add($0, $1) }
        })
        registry.register("demo.echo", synchronous: { task in
            .object(JSONObject([("args", .array(task.args)), ("kwargs", .object(task.kwargs))]))
        })
        registry.register("demo.sleep") { task in
            let seconds = try task.number(0, "seconds")
            let duration = seconds.numberValue ?? 0
            // Task.sleep throws CancellationError when the task is revoked or hits its limit.
            try await Task.sleep(nanoseconds: UInt64(max(0, duration) * 1_000_000_000))
            return seconds
        }
        registry.register("demo.fail", synchronous: { task in
            throw DemoError(message: try task.string(0, "message"))
        })
        registry.register("demo.flaky", options: TaskOptions(maxRetries: 20), synchronous: { task in
            guard let failures = try task.number(0, "failures").intValue else {
                throw TaskArgumentError(task: task.name, argument: "failures", problem: "must be an integer")
            }
            if task.retries < failures { throw task.retry(countdown: 0.1) }
            return .int(Int64(task.retries))
        })
        registry.register("demo.noop", synchronous: { _ in .null })
    }

    /// A registry holding just the demo tasks.
    public static var registry: TaskRegistry {
        var registry = TaskRegistry()
        register(into: &registry)
        return registry
    }
}
