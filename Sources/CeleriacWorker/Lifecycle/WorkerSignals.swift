#if canImport(Glibc)
import Glibc
#endif

/// Celery's signal handling for a worker process: SIGTERM and SIGINT ask for a warm shutdown
/// (a second one makes it cold), SIGQUIT for a cold one. Keep it alive while the worker runs.
public final class WorkerSignals {
    private let handlers: SignalHandlers

    /// Starts handling the signals for `worker`.
    public init(worker: Worker) {
        handlers = SignalHandlers([SIGTERM, SIGINT, SIGQUIT]) { number in
            Task {
                if number == SIGQUIT { await worker.coldShutdown() } else { await worker.requestShutdown() }
            }
        }
    }

    /// Stops handling them.
    public func cancel() { handlers.cancel() }
}
