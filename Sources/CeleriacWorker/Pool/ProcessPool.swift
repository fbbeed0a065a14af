import CeleriacProtocol
import DequeModule
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Celery's prefork pool for Swift: task bodies run in child processes (the same executable,
/// see ``ProcessPoolChild``), one job per child at a time, fed over a Unix socket with
/// ``PoolFrameCodec``'s framing.
///
/// The parent enforces what a child cannot be trusted to: the hard time limit (`SIGKILL`, the
/// job becomes `TimeLimitExceeded`), `revoke --terminate` (the child gets the signal), and a
/// child that dies on its own (`WorkerLostError`). Every child that ends is replaced while the
/// pool runs; a child that writes garbage, stops mid-frame or will not exit is killed.
///
/// The hot path takes no hops: state is one lock, a job is written to an idle child by the
/// caller, and each child has a reading thread of its own that, per read, ends the finished
/// jobs and writes the next waiting job to the child at once. Jobs beyond the idle children
/// wait in the parent (Celery's fair strategy) and go to whichever child frees up first.
public final class ProcessPool: Sendable {
    /// Why a job is being stopped by the parent.
    enum StopCause {
        case hardLimit(Double)
        case terminate(Int32)
    }

    /// A job handed to the pool and not finished.
    struct Job {
        /// The child running it; nil while it waits for one.
        var child: Int?
        var taskID: String
        var frame: [UInt8]
        var softLimit: Double?
        var hardLimit: Double?
        var started: ContinuousClock.Instant
        var continuation: CheckedContinuation<ExecutionOutcome, Never>
        var timers: [Task<Void, Never>] = []
        var cause: StopCause?
    }

    struct State {
        var target: Int
        var children: [Int: PoolProcess] = [:]
        var jobs: [UInt64: Job] = [:]
        /// Jobs waiting for a child, oldest first.
        var pending: Deque<UInt64> = []
        var nextChild = 0
        var stopped = false
        /// Children that died before they were ready, in a row (a broken executable must not
        /// make the pool spin).
        var failedStarts = 0
    }

    /// What to do once the lock is released: writes, resumed runs, children to end.
    struct Actions {
        var writes: [(ChildLink, [UInt8])] = []
        var resumes: [(CheckedContinuation<ExecutionOutcome, Never>, ExecutionOutcome)] = []
        var retire: [PoolProcess] = []
        var kill: [(Int32, ChildLink)] = []
        var spawn = 0

        var isEmpty: Bool { writes.isEmpty && resumes.isEmpty && retire.isEmpty && kill.isEmpty && spawn == 0 }
    }

    public let options: ProcessPoolOptions
    let logger: Logger
    let executable: String
    let arguments: [String]
    let state: Mutex<State>
    let jobCounter = Atomic<UInt64>(0)

    /// A pool of `processes` children; nothing starts until ``start()``.
    public init(processes: Int, options: ProcessPoolOptions, logger: Logger = Logger(label: "celeriac.pool")) {
        self.options = options
        self.logger = logger
        state = Mutex(State(target: max(1, processes)))
        executable = options.resolvedExecutable
        arguments = options.resolvedArguments
    }

    /// Starts the children (without waiting for them to be ready).
    public func start() async {
        // A write to the socket of a child that just died must fail, not kill this process.
        signal(SIGPIPE, SIG_IGN)
        refill()
    }

    /// The number of children the pool keeps.
    public var size: Int { state.withLock { $0.target } }

    /// The children's process ids.
    public var pids: [Int] {
        state.withLock { state in state.children.keys.sorted().compactMap { state.children[$0].map { Int($0.pid) } } }
    }

    /// Children started so far (their numbers).
    var nextChild: Int { state.withLock { $0.nextChild } }

    /// The pid of the child running task `id`, if one does.
    public func pid(runningTask id: String) -> Int? {
        state.withLock { state in
            guard let child = state.jobs.values.first(where: { $0.taskID == id })?.child else { return nil }
            return state.children[child].map { Int($0.pid) }
        }
    }

    // MARK: Running jobs

    /// Runs a task body in a child, with the soft limit told to the child and the hard limit
    /// and terminate requests (through `handle`) carried out on the child's process.
    public func run(_ task: RegisteredTask, context: TaskContext, softLimit: Double?, hardLimit: Double?,
                    handle: RunningTask) async -> ExecutionOutcome {
        let number = jobCounter.wrappingAdd(1, ordering: .relaxed).newValue
        let frame = PoolFrameCodec.encode(.run(PoolJob(number: number, context: context)))
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<ExecutionOutcome, Never>) in
            let write: (ChildLink, [UInt8])?? = state.withLock { state in
                guard !state.stopped else { return .none }
                state.jobs[number] = Job(taskID: context.id, frame: frame, softLimit: softLimit, hardLimit: hardLimit,
                                         started: .now, continuation: continuation)
                guard let child = Self.idleChild(in: state) else {
                    state.pending.append(number)
                    return .some(nil)
                }
                return .some(assign(number, to: child, in: &state))
            }
            switch write {
            case .none:
                continuation.resume(returning: .terminated(signal: SIGKILL, runtime: 0))
                return
            case .some(let write?):
                write.0.write(write.1)
            case .some(nil):
                break
            }
            handle.onStop { [weak self] reason in
                guard case .terminate(let signal) = reason else { return }
                self?.stop(job: number, cause: .terminate(signal))
            }
        }
        return outcome
    }

    /// The idle child with the fewest writes (Celery's fair strategy).
    static func idleChild(in state: State) -> Int? {
        var best: PoolProcess?
        for child in state.children.values where child.state == .idle {
            if best.map({ child.writes < $0.writes }) ?? true { best = child }
        }
        return best?.id
    }

    /// Hands job `number` to child `id` (caller holds the lock): its clock and limits start
    /// now; the returned frame must be written to the returned link.
    func assign(_ number: UInt64, to id: Int, in state: inout State) -> (ChildLink, [UInt8])? {
        guard var job = state.jobs[number], var child = state.children[id] else { return nil }
        child.state = .busy(number)
        child.writes += 1
        state.children[id] = child
        job.child = id
        job.started = .now
        if let softLimit = job.softLimit, softLimit > 0 {
            job.timers.append(Task { [weak self] in
                guard (try? await Task.sleep(for: .seconds(softLimit))) != nil else { return }
                self?.softLimitPassed(number)
            })
        }
        if let hardLimit = job.hardLimit, hardLimit > 0 {
            job.timers.append(Task { [weak self] in
                guard (try? await Task.sleep(for: .seconds(hardLimit))) != nil else { return }
                self?.stop(job: number, cause: .hardLimit(hardLimit))
            })
        }
        let frame = job.frame
        job.frame = []
        state.jobs[number] = job
        return (child.link, frame)
    }

    /// Child `id` is free: it takes the oldest waiting job, else it idles (caller holds the lock).
    func release(_ id: Int, in state: inout State, _ actions: inout Actions) {
        while let number = state.pending.popFirst() {
            if let write = assign(number, to: id, in: &state) {
                actions.writes.append(write)
                return
            }
        }
        state.children[id]?.state = .idle
    }

    func softLimitPassed(_ number: UInt64) {
        let link: ChildLink? = state.withLock { state in
            guard let child = state.jobs[number]?.child else { return nil }
            return state.children[child]?.link
        }
        link?.write(PoolFrameCodec.encode(.softLimit(job: number)))
    }

    /// The hard limit or a terminate request: the child gets the signal, and the job ends when
    /// its socket closes (or with its result, if that came first). A job still waiting for a
    /// child just ends.
    func stop(job number: UInt64, cause: StopCause) {
        let ended: (CheckedContinuation<ExecutionOutcome, Never>, ExecutionOutcome)? = state.withLock { state in
            guard var job = state.jobs[number], job.cause == nil else { return nil }
            guard let id = job.child else {
                state.jobs[number] = nil
                state.pending.removeAll { $0 == number }
                let outcome: ExecutionOutcome
                switch cause {
                case .hardLimit(let limit): outcome = .timeLimitExceeded(hardLimit: limit, abandoned: false, runtime: 0)
                case .terminate(let signal): outcome = .terminated(signal: signal, runtime: 0)
                }
                return (job.continuation, outcome)
            }
            guard let child = state.children[id] else { return nil }
            job.cause = cause
            state.jobs[number] = job
            switch cause {
            case .hardLimit:
                kill(child.pid, SIGKILL)
            case .terminate(let signal):
                kill(child.pid, signal)
            }
            return nil
        }
        if let (continuation, outcome) = ended { continuation.resume(returning: outcome) }
    }

    /// Ends job `number` with `outcome` (caller holds the lock).
    func finish(_ number: UInt64, _ outcome: ExecutionOutcome, in state: inout State, _ actions: inout Actions) {
        guard let job = state.jobs.removeValue(forKey: number) else { return }
        job.timers.forEach { $0.cancel() }
        actions.resumes.append((job.continuation, outcome))
    }

    /// Carries out what a locked section decided.
    func perform(_ actions: Actions) {
        for (link, bytes) in actions.writes { link.write(bytes) }
        for (pid, link) in actions.kill {
            kill(pid, SIGKILL)
            link.shutDown()
        }
        for child in actions.retire { retireOutsideLock(child) }
        for _ in 0..<actions.spawn { spawn() }
        for (continuation, outcome) in actions.resumes { continuation.resume(returning: outcome) }
    }
}
