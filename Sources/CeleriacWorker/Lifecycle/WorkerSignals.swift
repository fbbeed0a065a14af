import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Celery's signal handling for a worker process: SIGTERM and SIGINT ask for a warm shutdown
/// (a second one makes it cold), SIGQUIT for a cold one. Dispatch sources read the signals, so
/// no async-signal-unsafe code runs in a handler. Keep it alive while the worker runs.
public final class WorkerSignals {
    private let sources: [any DispatchSourceSignal]

    /// Starts handling the signals for `worker`.
    public init(worker: Worker) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT, SIGQUIT] {
            // A dispatch source sees the signal only when its default action is off.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Task {
                    if number == SIGQUIT { await worker.coldShutdown() } else { await worker.requestShutdown() }
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Stops handling them.
    public func cancel() {
        for source in sources { source.cancel() }
    }
}
