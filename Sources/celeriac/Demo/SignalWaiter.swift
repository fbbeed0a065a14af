import CeleriacWorker

/// Waits for one of a set of signals (Ctrl-C, `kill`), so a foreground command can stop in
/// order instead of dying mid-way.
final class SignalWaiter: Sendable {
    private let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation
    private nonisolated(unsafe) let handlers: SignalHandlers
    // nonisolated(unsafe): SignalHandlers is only created here and cancelled once, from the
    // task that waits.

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        self.continuation = continuation
        handlers = SignalHandlers(signals) { continuation.yield($0) }
    }

    /// Returns when a signal arrives (or the waiter is cancelled).
    func wait() async {
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
    }

    /// Stops listening and gives the signals their default actions back.
    func cancel() {
        handlers.cancel()
        continuation.finish()
    }
}
