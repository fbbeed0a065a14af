import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOConcurrencyHelpers

/// Runs one task body with Celery's time limits.
///
/// The soft limit cancels the task, which sees `CancellationError` and fails with
/// `SoftTimeLimitExceeded` if it lets the error out. The hard limit does not wait for the task:
/// an async pool cannot stop code that ignores cancellation, so the run is abandoned (reported
/// as such), the outcome is `TimeLimitExceeded`, and the slot is free again. With an
/// `executor` (the thread pool's ``PoolThread``) the body runs there instead of on the
/// cooperative pool.
public enum TaskRunner {
    public static func run(
        _ task: RegisteredTask, context: TaskContext, softLimit: Double? = nil, hardLimit: Double? = nil,
        handle: RunningTask = RunningTask(), executor: (any TaskExecutor)? = nil
    ) async -> ExecutionOutcome {
        let started = ContinuousClock.now
        let race = RunRace()
        // An unstructured task does not inherit an executor preference: the thread pool's
        // thread is passed in (nil keeps the cooperative pool).
        let work = Task(executorPreference: executor) {
            do { race.bodyFinished(.success(try await task.handler(context))) } catch { race.bodyFinished(.failure(error)) }
        }
        handle.attach(work)
        var timers: [Task<Void, Never>] = []
        if let softLimit, softLimit > 0 {
            timers.append(Task {
                guard (try? await Task.sleep(nanoseconds: nanoseconds(softLimit))) != nil else { return }
                handle.stop(.softLimit)
            })
        }
        if let hardLimit, hardLimit > 0 {
            timers.append(Task {
                guard (try? await Task.sleep(nanoseconds: nanoseconds(hardLimit))) != nil else { return }
                race.hardLimitReached()
            })
        }
        let ending = await race.outcome
        timers.forEach { $0.cancel() }
        guard case .body(let finished) = ending else {
            work.cancel()
            // Give well-behaved code a moment to notice the cancellation; anything still
            // running after that ignored it and is abandoned.
            let stopped = await race.settled(within: 0.05)
            return .timeLimitExceeded(hardLimit: hardLimit ?? 0, abandoned: !stopped, runtime: started.secondsUntilNow)
        }
        return outcome(of: finished, runtime: started.secondsUntilNow, handle: handle, context: context)
    }

    /// Runs a body that has no time limit in the caller's own task: with no limit to race,
    /// a task of its own (and the race, its lock and continuation) would only cost a task
    /// creation and two thread hand-overs per task. The caller's task must have been given to
    /// `handle` (``RunningTask/carry(_:)``): a stop cancels it while the body runs, and only then.
    /// The caller checks `Task.isCancelled` afterwards: a stop that came while the body ran
    /// leaves its task cancelled.
    public static func runInline(_ task: RegisteredTask, context: TaskContext, handle: RunningTask) async -> ExecutionOutcome {
        let started = ContinuousClock.now
        handle.arm()
        let finished: Result<JSONValue, any Error>
        do { finished = .success(try await task.handler(context)) } catch { finished = .failure(error) }
        handle.disarm()
        return outcome(of: finished, runtime: started.secondsUntilNow, handle: handle, context: context)
    }

    /// Runs a body that never suspends (``TaskRegistry/register(_:options:synchronous:)``) right
    /// here: nothing to race, nothing to cancel while it runs.
    public static func runSynchronous(_ body: SynchronousTaskHandler, context: TaskContext, handle: RunningTask) -> ExecutionOutcome {
        let started = ContinuousClock.now
        let finished: Result<JSONValue, any Error>
        do { finished = .success(try body(context)) } catch { finished = .failure(error) }
        return outcome(of: finished, runtime: started.secondsUntilNow, handle: handle, context: context)
    }

    /// The outcome of a body that ended (returned or threw) after `runtime` seconds.
    static func outcome(of finished: Result<JSONValue, any Error>, runtime: Double, handle: RunningTask,
                        context: TaskContext) -> ExecutionOutcome
    {
        switch finished {
        case .success(let value):
            return .succeeded(value, runtime: runtime)
        case .failure(let error as TaskRetry):
            return .retry(error, runtime: runtime)
        case .failure(let error):
            if error is CancellationError, let reason = handle.stopReason {
                switch reason {
                case .terminate(let signal):
                    return .terminated(signal: signal, runtime: runtime)
                case .softLimit:
                    let info = ExceptionInfo.softTimeLimitExceeded
                    return .failed(info, traceback: info.pythonTraceback(task: context.name), runtime: runtime)
                }
            }
            let info = ExceptionInfo.from(error)
            return .failed(info, traceback: info.pythonTraceback(task: context.name), runtime: runtime)
        }
    }

    static func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1_000_000_000) }
}

/// Whichever comes first, the task body's end or the hard limit, decides the run; the other
/// is ignored. `settled(within:)` tells whether the body has ended since.
final class RunRace: @unchecked Sendable {
    enum Ending: Sendable {
        case body(Result<JSONValue, any Error>)
        case hardLimit
    }

    private let lock = NIOLock()
    private var ending: Ending?
    private var bodyDone = false
    private var waiters: [CheckedContinuation<Ending, Never>] = []

    func bodyFinished(_ result: Result<JSONValue, any Error>) {
        lock.lock()
        bodyDone = true
        lock.unlock()
        resolve(.body(result))
    }

    func hardLimitReached() { resolve(.hardLimit) }

    private func resolve(_ value: Ending) {
        lock.lock()
        guard ending == nil else {
            lock.unlock()
            return
        }
        ending = value
        let pending = waiters
        waiters = []
        lock.unlock()
        pending.forEach { $0.resume(returning: value) }
    }

    var outcome: Ending {
        get async {
            await withCheckedContinuation { continuation in
                lock.lock()
                if let ending {
                    lock.unlock()
                    continuation.resume(returning: ending)
                } else {
                    waiters.append(continuation)
                    lock.unlock()
                }
            }
        }
    }

    /// Waits up to `seconds` for the task body to end; returns whether it did.
    func settled(within seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if isBodyDone { return true }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return isBodyDone
    }

    private var isBodyDone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return bodyDone
    }
}
