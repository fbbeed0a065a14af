import CeleriacProtocol
import DequeModule
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Celery's threads pool for Swift (`--pool threads`): `size` dedicated threads, one task body
/// per thread at a time, each body started with the thread as its task executor (see
/// ``PoolThread``). Blocking task code holds its own thread and nothing else.
///
/// Limits as on the async pool: the soft limit and `revoke --terminate` cancel the body (it
/// sees `CancellationError`); at the hard limit the task fails with `TimeLimitExceeded` and
/// its slot is free at once. A thread whose code ignored the cancellation is stuck: it is
/// never given another task, a new thread takes its place, and it ends when that code returns.
public final class ThreadPool: Sendable {
    struct State {
        var target: Int
        var nextNumber = 0
        /// Threads that take tasks (stuck and retired ones are not here).
        var live: [Int: PoolThread] = [:]
        var idle: Deque<PoolThread> = []
        /// Busy threads to retire once their body ends (the pool shrank under them).
        var retireAfterBody: Set<Int> = []
        /// Threads left to code that ignored cancellation, until it returns.
        var stuck: [Int: String] = [:]
        var waiters: Deque<CheckedContinuation<PoolThread?, Never>> = []
        var stopped = false
        var tasksRun = 0
    }

    let logger: Logger
    let state: Mutex<State>

    /// A pool of `threads` threads (at least 1); none starts until ``start()``.
    public init(threads: Int, logger: Logger = Logger(label: "celeriac.pool")) {
        self.logger = logger
        state = Mutex(State(target: max(1, threads)))
    }

    /// Starts the threads (runs waiting for one get theirs).
    public func start() {
        let handed: [(CheckedContinuation<PoolThread?, Never>, PoolThread)] = state.withLock { state in
            guard !state.stopped else { return [] }
            while state.live.count < state.target { spawn(&state) }
            var handed: [(CheckedContinuation<PoolThread?, Never>, PoolThread)] = []
            while !state.waiters.isEmpty, let thread = state.idle.popFirst() { handed.append((state.waiters.removeFirst(), thread)) }
            return handed
        }
        for (waiter, thread) in handed { waiter.resume(returning: thread) }
    }

    /// The number of threads that take tasks.
    public var size: Int { state.withLock { $0.target } }

    /// Threads stuck in code that ignored its hard limit's cancellation, still running.
    public var stuckCount: Int { state.withLock { $0.stuck.count } }

    /// Live threads (taking tasks, idle or busy).
    public var threadCount: Int { state.withLock { $0.live.count } }

    /// Runs a task body on a thread of its own, with the soft limit, the hard limit and
    /// terminate requests (through `handle`) as ``TaskRunner`` applies them.
    public func run(_ task: RegisteredTask, context: TaskContext, softLimit: Double?, hardLimit: Double?,
                    handle: RunningTask) async -> ExecutionOutcome {
        guard let thread = await acquire() else { return .terminated(signal: SIGKILL, runtime: 0) }
        thread.bodyBegan()
        var body = task
        body.handler = { context in
            defer { thread.bodyEnded() }
            return try await task.handler(context)
        }
        let outcome = await TaskRunner.run(body, context: context, softLimit: softLimit, hardLimit: hardLimit, handle: handle,
                                           executor: thread)
        if case .timeLimitExceeded(_, true, _) = outcome, thread.isHoldingBody {
            abandon(thread, task: "\(context.name)[\(context.id)]")
        } else {
            release(thread)
        }
        return outcome
    }

    /// An idle thread, waiting for one when all are busy; nil once the pool stopped.
    func acquire() async -> PoolThread? {
        await withCheckedContinuation { continuation in
            let ready: PoolThread?? = state.withLock { state in
                if state.stopped { return .some(nil) }
                if let thread = state.idle.popFirst() { return .some(thread) }
                state.waiters.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// A thread's body ended: it goes to the longest waiting run, else it idles (or retires
    /// when the pool shrank or stopped).
    func release(_ thread: PoolThread) {
        let (waiter, retire): (CheckedContinuation<PoolThread?, Never>?, Bool) = state.withLock { state in
            state.tasksRun += 1
            if state.stopped || state.retireAfterBody.remove(thread.number) != nil {
                state.live[thread.number] = nil
                return (nil, true)
            }
            if let waiter = state.waiters.popFirst() { return (waiter, false) }
            state.idle.append(thread)
            return (nil, false)
        }
        if retire { thread.retire() }
        waiter?.resume(returning: thread)
    }

    /// The body on `thread` ignored its hard limit's cancellation: the thread stays with it
    /// (never reused) and a new thread takes its place.
    func abandon(_ thread: PoolThread, task: String) {
        let handed: (CheckedContinuation<PoolThread?, Never>, PoolThread)? = state.withLock { state in
            state.tasksRun += 1
            state.live[thread.number] = nil
            state.stuck[thread.number] = task
            let shrinking = state.retireAfterBody.remove(thread.number) != nil
            guard !state.stopped, !shrinking, state.live.count < state.target else { return nil }
            let replacement = spawn(&state)
            guard let waiter = state.waiters.popFirst() else { return nil }
            state.idle.removeAll { $0 === replacement }
            return (waiter, replacement)
        }
        logger.error("thread pool: task \(task) ignored the cancellation of its hard time limit; its thread stays with it until it returns, and a new thread takes its place")
        thread.retire()
        if let (waiter, replacement) = handed { waiter.resume(returning: replacement) }
    }

    /// Starts a thread that takes tasks (caller holds the lock; it is not idle yet).
    @discardableResult
    private func spawn(_ state: inout State) -> PoolThread {
        state.nextNumber += 1
        let number = state.nextNumber
        let thread = PoolThread(number: number) { [weak self] in self?.exited(number) }
        state.live[number] = thread
        state.idle.append(thread)
        return thread
    }

    /// A retired or stuck thread ended.
    private func exited(_ number: Int) {
        let task = state.withLock { $0.stuck.removeValue(forKey: number) }
        if let task { logger.warning("thread pool: the thread stuck in \(task) returned and ends") }
    }

    /// Grows or shrinks the pool to `size` threads (at least 1): new threads start at once;
    /// idle ones end first, busy ones after their body.
    public func resize(to size: Int) {
        let (waiters, retired): ([(CheckedContinuation<PoolThread?, Never>, PoolThread)], [PoolThread]) = state.withLock { state in
            state.target = max(1, size)
            guard !state.stopped else { return ([], []) }
            var handed: [(CheckedContinuation<PoolThread?, Never>, PoolThread)] = []
            while state.live.count - state.retireAfterBody.count < state.target {
                if state.retireAfterBody.isEmpty {
                    spawn(&state)
                } else {
                    // A busy thread set to retire stays instead.
                    state.retireAfterBody.removeFirst()
                }
            }
            while !state.waiters.isEmpty, let thread = state.idle.popFirst() {
                handed.append((state.waiters.removeFirst(), thread))
            }
            var excess = state.live.count - state.retireAfterBody.count - state.target
            var retired: [PoolThread] = []
            while excess > 0, let thread = state.idle.popLast() {
                state.live[thread.number] = nil
                retired.append(thread)
                excess -= 1
            }
            for number in state.live.keys.sorted(by: >) where excess > 0 && !state.retireAfterBody.contains(number) {
                state.retireAfterBody.insert(number)
                excess -= 1
            }
            return (handed, retired)
        }
        retired.forEach { $0.retire() }
        for (waiter, thread) in waiters { waiter.resume(returning: thread) }
    }

    /// Refuses new tasks and ends the idle threads; busy ones end after their body.
    public func stop() {
        let (waiters, idle) = state.withLock { state in
            state.stopped = true
            let waiters = Array(state.waiters)
            state.waiters.removeAll()
            let idle = Array(state.idle)
            state.idle.removeAll()
            for thread in idle { state.live[thread.number] = nil }
            return (waiters, idle)
        }
        waiters.forEach { $0.resume(returning: nil) }
        idle.forEach { $0.retire() }
    }
}
