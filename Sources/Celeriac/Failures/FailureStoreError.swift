import CeleriacRedis

/// What can go wrong reading or acting on the failure store.
public enum FailureStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broker could not be reached or refused a command.
    case redis(RedisError)
    /// A stored entry is not a failure record.
    case corrupt(String)
    /// No entry has that id (already retried or deleted, or expired).
    case notFound(String)
    /// The entry's message cannot be re-published (malformed, or new arguments are invalid).
    case notRetryable(id: String, why: String)

    public var description: String {
        switch self {
        case .redis(let error): "broker: \(error)"
        case .corrupt(let why): "corrupt failure-store entry: \(why)"
        case .notFound(let id): "no failure with id \(id)"
        case .notRetryable(let id, let why): "cannot retry \(id): \(why)"
        }
    }
}
