import CeleriacProtocol

/// How one run of a task ended, before any result is stored or event sent.
public enum ExecutionOutcome: Sendable, Hashable {
    /// Returned a value after `runtime` seconds.
    case succeeded(JSONValue, runtime: Double)
    /// Threw (or hit its soft limit and let the error out); `traceback` is Python-shaped text.
    case failed(ExceptionInfo, traceback: String, runtime: Double)
    /// Asked to be retried.
    case retry(TaskRetry, runtime: Double)
    /// Ran past its hard limit. `abandoned` is true when its code ignored cancellation and is
    /// still running detached (the slot is freed anyway).
    case timeLimitExceeded(hardLimit: Double, abandoned: Bool, runtime: Double)
    /// Stopped by `revoke --terminate`.
    case terminated(signal: Int32, runtime: Double)
    /// The process pool's child running it died on its own (Celery's `WorkerLostError`).
    case workerLost(ExceptionInfo, runtime: Double)
    /// Revoked (without `terminate`) while the process pool held it queued in a child, before
    /// its body started: it never ran.
    case withdrawn

    /// Seconds the run took.
    public var runtime: Double {
        switch self {
        case .succeeded(_, let runtime), .failed(_, _, let runtime), .retry(_, let runtime),
            .timeLimitExceeded(_, _, let runtime), .terminated(_, let runtime), .workerLost(_, let runtime):
            return runtime
        case .withdrawn:
            return 0
        }
    }
}

extension ExceptionInfo {
    /// A traceback in Python's shape, so Python readers and `celery result --traceback` show
    /// something meaningful for an error raised in Swift.
    public func pythonTraceback(task: String) -> String {
        let message = arguments.map { value -> String in
            if case .string(let text) = value { return text }
            return PythonRepr.repr(value)
        }.joined(separator: ", ")
        return "Traceback (most recent call last):\n  File \"celeriac\", in \(task)\n\(type)\(message.isEmpty ? "" : ": " + message)\n"
    }
}
