import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Runs a handler for chosen signals on a dispatch queue, outside signal context (so it may do
/// anything), while it exists. The signals' default actions are off until `cancel()`.
public final class SignalHandlers {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    /// Starts handling `signals` with `handler`, which gets the signal number.
    public init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        sources = signals.map { number in
            // A dispatch source sees the signal only when its default action is off.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops handling them and gives them their default actions back.
    public func cancel() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
