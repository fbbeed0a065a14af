/// Where a worker runs task bodies (`-P/--pool`).
public enum WorkerPoolKind: String, Sendable, Hashable, CaseIterable {
    /// Swift async functions on the cooperative pool of the worker's process.
    case async
    /// Dedicated threads, one per slot (Celery's `threads`): blocking code does not starve
    /// the worker.
    case threads
    /// Child processes (Celery's prefork): a crash or a kill takes one child, not the worker.
    case process

    /// Reads `--pool`'s value; a name that is not a pool is an error naming the option.
    public init(option text: String) throws(WorkerConfigurationError) {
        guard let kind = WorkerPoolKind(rawValue: text) else {
            let names = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw WorkerConfigurationError(option: "--pool", "'\(text)' is not a pool: choose one of \(names)")
        }
        self = kind
    }
}
