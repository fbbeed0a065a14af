import CeleriacRESP
import NIOCore

/// Who waits for a reply: one awaiting caller, one slot of a pipeline, a promise (used by
/// the handshake-free paths and the handler tests), or nobody (a pub/sub command whose
/// confirmations the subscriber follows itself; it still holds its place in the reply order).
enum RedisWaiter {
    case continuation(UnsafeContinuation<Result<RESPValue, RedisError>, Never>)
    case batch(RedisPipelineCollector)
    case promise(EventLoopPromise<RESPValue>)
    case none

    func complete(_ result: Result<RESPValue, RedisError>) {
        switch self {
        case .continuation(let continuation): continuation.resume(returning: result)
        case .batch(let collector): collector.add(result)
        case .promise(let promise): promise.completeWith(result.mapError { $0 as any Error })
        case .none: break
        }
    }
}

/// Gathers the replies of one pipeline and resumes its caller once, when the last arrives.
/// Lives on the connection's event loop only.
final class RedisPipelineCollector {
    // Event-loop confined and never re-entered, like the handler's state.
    @exclusivity(unchecked) private var results: [Result<RESPValue, RedisError>]
    private let expected: Int
    private let continuation: UnsafeContinuation<[Result<RESPValue, RedisError>], Never>

    init(expected: Int, continuation: UnsafeContinuation<[Result<RESPValue, RedisError>], Never>) {
        self.expected = expected
        self.continuation = continuation
        results = []
        results.reserveCapacity(expected)
        if expected == 0 { continuation.resume(returning: []) }
    }

    func add(_ result: Result<RESPValue, RedisError>) {
        results.append(result)
        if results.count == expected { continuation.resume(returning: results) }
    }
}
