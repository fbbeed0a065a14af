import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Waits for one of a set of signals (Ctrl-C, `kill`), so a foreground command can stop in
/// order instead of dying mid-way. While it exists the signals' default actions are off.
final class SignalWaiter: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]
    private let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation

    init(signals: [Int32]) {
        self.signals = signals
        (stream, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            // A dispatch source sees the signal only when its default action is off.
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let continuation = continuation
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Returns when a signal arrives (or the waiter is cancelled).
    func wait() async {
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
    }

    /// Stops listening and gives the signals their default actions back.
    func cancel() {
        for source in sources { source.cancel() }
        for number in signals { Glibc.signal(number, SIG_DFL) }
        continuation.finish()
    }
}
