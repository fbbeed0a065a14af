import CeleriacProtocol

/// The `registered` / `dump_tasks` reply: each task's name, then `[attr=value …]` for the
/// asked attributes that are set, as Celery's `registered(taskinfoitems)` writes them.
enum TaskInfoItems {
    /// What Celery shows when no attribute is asked for.
    static let defaults = ["exchange", "routing_key", "rate_limit"]

    /// The reply: names sorted; `celery.*` tasks only with `builtins`.
    static func registered(_ tasks: [RegisteredTask], items: [String], builtins: Bool) -> JSONValue {
        let asked = (items.isEmpty ? defaults : items).filter { !$0.hasPrefix("_") }
        let shown = tasks.filter { builtins || !$0.name.hasPrefix("celery.") }
        return ControlReplies.registered(shown.map { task in
            (name: task.name, attributes: asked.compactMap { item in value(of: item, in: task).map { (item, $0) } })
        })
    }

    /// `str(getattr(task, item))`, or nil where Celery's task has None (or no such attribute).
    static func value(of item: String, in task: RegisteredTask) -> String? {
        let options = task.options
        switch item {
        case "name": return task.name
        case "rate_limit": return options.rateLimit.flatMap { $0.isEmpty ? nil : $0 }
        case "time_limit": return options.timeLimit.map(OptionNumber.text)
        case "soft_time_limit": return options.softTimeLimit.map(OptionNumber.text)
        case "acks_late": return options.acksLate.map(pythonBool)
        case "ignore_result": return pythonBool(options.ignoreResult)
        case "max_retries": return options.maxRetries.map { String($0) }
        case "default_retry_delay": return OptionNumber.text(options.defaultRetryDelay)
        case "retry_backoff": return options.retryBackoff.map(OptionNumber.text) ?? "False"
        case "retry_backoff_max": return OptionNumber.text(options.retryBackoffMax)
        case "retry_jitter": return pythonBool(options.retryJitter)
        default: return nil
        }
    }

    static func pythonBool(_ value: Bool) -> String { value ? "True" : "False" }
}
