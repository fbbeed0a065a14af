import CeleriacProtocol
import CeleriacRedis

/// A task's result, as Celery's `AsyncResult`: wait for it, read its state, forget or revoke it.
public struct AsyncResult: Sendable {
    /// The task id.
    public let id: String
    /// Where results are read.
    public let backend: ResultBackend

    /// A handle for `id`.
    public init(id: String, backend: ResultBackend) {
        self.id = id
        self.backend = backend
    }

    /// The current meta, or nil while PENDING.
    public func meta() async throws -> ResultMeta? { try await backend.meta(id) }

    /// The current state (PENDING when nothing is stored).
    public func state() async throws -> TaskState { try await meta()?.status ?? .pending }

    /// The stored result value (the exception dict for failures), null while pending.
    public func result() async throws -> JSONValue { try await meta()?.result ?? .null }

    /// The stored traceback, if any.
    public func traceback() async throws -> String? { try await meta()?.traceback }

    /// Waits for the task to finish and returns its result; a FAILURE or REVOKED result throws
    /// ``TaskFailure`` with the exception's type, message and traceback. Throws
    /// ``ResultError/timeout(taskID:seconds:)`` when not ready within `timeout` seconds.
    public func get(timeout: Double? = nil) async throws -> JSONValue {
        let meta = try await wait(timeout: timeout)
        if meta.status == .success { return meta.result }
        throw TaskFailure(meta: meta)
    }

    /// Waits for a ready state and returns the meta, whatever the state.
    public func wait(timeout: Double? = nil) async throws -> ResultMeta {
        try await backend.waitForReady(id, timeout: timeout)
    }

    /// Deletes the stored result.
    public func forget() async throws(RedisError) { try await backend.forget(id) }

    /// Broadcasts `revoke` for this task (no reply is awaited).
    public func revoke(terminate: Bool = false, signal: String = "SIGTERM") async throws(RedisError) {
        let control = ControlClient(transport: backend.transport, logger: backend.logger)
        try await control.cast(.revoke(taskIDs: [id], terminate: terminate, signal: signal))
    }
}

/// A task that finished in FAILURE (or was REVOKED): the exception as Celery stored it.
public struct TaskFailure: Error, Sendable, CustomStringConvertible {
    /// The final state.
    public var state: TaskState
    /// `exc_type`, such as `DemoError`.
    public var excType: String
    /// `exc_message`, the exception's args.
    public var excMessage: [JSONValue]
    /// `exc_module`.
    public var excModule: String
    /// The traceback text, when stored.
    public var traceback: String?
    /// The task id.
    public var taskID: String

    init(meta: ResultMeta) {
        state = meta.status
        taskID = meta.taskID ?? ""
        traceback = meta.traceback
        if let exception = meta.exception {
            excType = exception.type
            excMessage = exception.arguments
            excModule = exception.module
        } else {
            excType = meta.status.rawValue
            excMessage = [meta.result]
            excModule = "builtins"
        }
    }

    /// `DemoError('boom')`, as Python prints the exception.
    public var description: String { PythonRepr.exceptionRepr(type: excType, arguments: excMessage) }
}
