import NIOConcurrencyHelpers

/// The mailbox of one ``ResultBackend/waitForReady(_:timeout:)`` call.
///
/// The backend's subscriber drops what it hears on the task's channel here, on its event loop,
/// and resumes the waiting task directly: no stream, relay task or task group in between.
/// Signals that arrive while nobody awaits are kept in order; the first failure (timeout,
/// cancellation, backend closed) ends the wait and later signals are dropped.
final class ResultWaiter: Sendable {
    /// What the subscriber heard.
    enum Signal: Sendable {
        /// A state published on the channel (the stored value itself).
        case payload([UInt8])
        /// The subscriber reconnected: a publish may have been missed, so read the key again.
        case reread
    }

    private struct State {
        var pending: [Signal] = []
        var continuation: UnsafeContinuation<Result<Signal, any Error>, Never>?
        var failure: (any Error)?
    }

    private let state = NIOLockedValueBox(State())

    /// Hands a signal to the waiting task, or keeps it for the next ``next()``.
    func deliver(_ signal: Signal) {
        let continuation = state.withLockedValue { state -> UnsafeContinuation<Result<Signal, any Error>, Never>? in
            if state.failure != nil { return nil }
            if let continuation = state.continuation {
                state.continuation = nil
                return continuation
            }
            state.pending.append(signal)
            return nil
        }
        continuation?.resume(returning: .success(signal))
    }

    /// Ends the wait: the task waiting now, and every later ``next()``, throws the first error
    /// given here.
    func fail(_ error: any Error) {
        let (continuation, failure) = state.withLockedValue { state -> (UnsafeContinuation<Result<Signal, any Error>, Never>?, any Error) in
            let failure = state.failure ?? error
            state.failure = failure
            defer { state.continuation = nil }
            return (state.continuation, failure)
        }
        continuation?.resume(returning: .failure(failure))
    }

    /// The next signal, in arrival order; throws the failure once the wait has ended, and
    /// `CancellationError` when the task is cancelled.
    func next() async throws -> Signal {
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Signal, any Error>, Never>) in
                let ready = state.withLockedValue { state -> Result<Signal, any Error>? in
                    if let failure = state.failure { return .failure(failure) }
                    if !state.pending.isEmpty { return .success(state.pending.removeFirst()) }
                    state.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            fail(CancellationError())
        }
        return try result.get()
    }
}
