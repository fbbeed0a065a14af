import CeleriacProtocol

/// How a child reports an outcome in a result frame: `{"ok", "runtime"}`,
/// `{"error", "traceback", "runtime"}` or `{"retry": {"countdown", "max_retries", "reason"},
/// "runtime"}`. A child only ever produces these three: limits, termination and a lost child
/// are decided by the parent.
extension ExecutionOutcome {
    var poolJSON: JSONValue {
        var object = JSONObject()
        switch self {
        case .succeeded(let value, _):
            object["ok"] = value
        case .failed(let info, let traceback, _):
            object["error"] = info.jsonValue
            object["traceback"] = .string(traceback)
        case .retry(let retry, _):
            var fields = JSONObject()
            fields["countdown"] = retry.countdown.map(JSONValue.double) ?? .null
            if let limit = retry.maxRetries { fields["max_retries"] = limit.map(JSONValue.integer) ?? .null }
            fields["reason"] = .optionalString(retry.reason)
            object["retry"] = .object(fields)
        case .timeLimitExceeded(let hard, _, _):
            let info = ExceptionInfo.timeLimitExceeded(.double(hard))
            object["error"] = info.jsonValue
            object["traceback"] = .string(info.pythonTraceback(task: "child"))
        case .withdrawn:
            // Decided by the parent, never sent by a child; written as a termination without a
            // signal so the switch stays total.
            let info = ExceptionInfo(type: "Terminated", arguments: [.integer(0)], module: "billiard.exceptions")
            object["error"] = info.jsonValue
            object["traceback"] = .string(info.pythonTraceback(task: "child"))
        case .terminated(let signal, _):
            let info = ExceptionInfo(type: "Terminated", arguments: [.integer(Int(signal))], module: "billiard.exceptions")
            object["error"] = info.jsonValue
            object["traceback"] = .string(info.pythonTraceback(task: "child"))
        case .workerLost(let info, _):
            object["error"] = info.jsonValue
            object["traceback"] = .string(info.pythonTraceback(task: "child"))
        }
        object["runtime"] = .double(runtime)
        return .object(object)
    }

    init(poolJSON value: JSONValue) throws(PoolFrameError) {
        guard case .object(let object) = value, let runtime = object["runtime"]?.numberValue else {
            throw PoolFrameError(.badPayload, "a result needs an object with a runtime")
        }
        if let result = object["ok"] {
            self = .succeeded(result, runtime: runtime)
        } else if let error = object["error"] {
            let info: ExceptionInfo
            do {
                info = try ExceptionInfo(jsonValue: error)
            } catch {
                throw PoolFrameError(.badPayload, "a result's error cannot be read: \(error)")
            }
            self = .failed(info, traceback: object["traceback"]?.stringValue ?? info.pythonTraceback(task: "child"), runtime: runtime)
        } else if case .object(let fields)? = object["retry"] {
            let maxRetries: Int??
            switch fields["max_retries"] {
            case nil: maxRetries = .none
            case .null?: maxRetries = .some(nil)
            case let number?:
                guard let limit = number.intValue else { throw PoolFrameError(.badPayload, "a retry's max_retries is not a number") }
                maxRetries = .some(Int(limit))
            }
            self = .retry(TaskRetry(countdown: fields["countdown"]?.numberValue, maxRetries: maxRetries,
                                    reason: fields["reason"]?.stringValue), runtime: runtime)
        } else {
            throw PoolFrameError(.badPayload, "a result holds none of ok, error, retry")
        }
    }
}
