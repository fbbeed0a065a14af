import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Turns a worker's process signals into shutdowns, as `celery worker` does: SIGTERM and
/// SIGINT ask for a warm shutdown (a second one makes it cold), SIGQUIT for a cold one.
/// Dispatch sources read the signals, so no async-signal-unsafe code runs in a handler.
/// Keep the value alive while the worker runs; ``cancel()`` restores nothing (the signals stay
/// ignored), so call it only when the process is about to exit.
public final class WorkerSignals {
    private let sources: [any DispatchSourceSignal]

    /// Starts listening for SIGTERM, SIGINT and SIGQUIT on behalf of `worker`.
    public init(worker: Worker) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT, SIGQUIT] {
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

    /// Stops listening.
    public func cancel() {
        for source in sources { source.cancel() }
    }
}
