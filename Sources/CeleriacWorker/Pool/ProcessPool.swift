import CeleriacProtocol
import DequeModule
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Celery's prefork pool for Swift: task bodies run in child processes (the same executable,
/// see ``ProcessPoolChild``), fed over a Unix socket with ``PoolFrameCodec``'s framing.
///
/// Jobs are pipelined: a child holds up to ``ProcessPoolOptions/queueDepth`` jobs and runs them
/// in order, so it goes on to the next without a round trip to the parent; frames that are
/// ready together go out in one write. A job joins a child's queue only while the job running
/// there is young (``ProcessPoolOptions/pipelineWindow``); otherwise it waits in the parent for
/// the first child to free up (Celery's fair strategy), and a child that goes idle takes back
/// a job queued behind a long one elsewhere.
///
/// The parent enforces what a child cannot be trusted to: the hard time limit, counted from
/// the job's start in its child (the parent knows it: a child runs its jobs in order, so a job
/// starts when the result before it arrives) — the child is killed (`SIGKILL`), the job becomes
/// `TimeLimitExceeded`, the jobs queued behind it go to other children; `revoke --terminate`
/// (the child signals itself if the job runs, drops it if it waits); and a child that dies on
/// its own (its running job fails with `WorkerLostError`, the ones behind it run elsewhere).
/// Every child that ends is replaced while the pool runs; a child that writes garbage, stops
/// mid-frame or will not exit is killed.
///
/// The hot path takes no hops: state is one lock, a job is written by the caller, and each
/// child has a reading thread of its own that, per read, ends the finished jobs and writes the
/// next waiting ones to the child at once. The worker hands over its early-ack requests in
/// batches (``run(batch:)``): their outcomes go to ``batchOutcomes`` together, not to a
/// continuation each.
public final class ProcessPool: Sendable {
    /// Why a job is being stopped by the parent.
    enum StopCause: Equatable {
        case hardLimit(Double)
        case terminate(Int32)
        /// A plain revoke: the job is dropped if it has not started; a running one goes on.
        case withdraw
    }

    /// A job handed to the pool and not finished.
    struct Job {
        /// The child holding it; nil while it waits in the parent.
        var child: Int?
        var taskID: String
        /// Its run frame, kept until it ends: a job taken back or left by a dead child is
        /// written again to another.
        var frame: [UInt8]
        var hardLimit: Double?
        /// When it started in its child (it became the first of the child's jobs).
        var started: ContinuousClock.Instant?
        var completion: Completion
        var timer: Task<Void, Never>?
        var cause: StopCause?
        /// Asked back from its child for an idle one (``PoolFrame/stop(job:signal:)`` with 0).
        var reclaiming = false
    }

    /// Who hears a job's outcome: the task that ran it alone, or (with its request) the
    /// worker through ``batchOutcomes``.
    enum Completion {
        case single(CheckedContinuation<ExecutionOutcome, Never>)
        case batch(TaskRequest)
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

    /// What to do once the lock is released: outboxes to write, resumed runs, children to end.
    struct Actions {
        var flush: [Int] = []
        var resumes: [(Completion, ExecutionOutcome)] = []
        var retire: [PoolProcess] = []
        var spawn = 0
    }

    public let options: ProcessPoolOptions
    let logger: Logger
    let executable: String
    let arguments: [String]
    let state: Mutex<State>
    let jobCounter = Atomic<UInt64>(0)
    let depth: Int
    let window: Duration
    /// Outcomes of the jobs handed over by ``run(batch:)``.
    let batchOutcomes = PoolOutcomeInbox()
    /// Batches handed over by ``run(batch:)`` and the jobs they held (for tests and profiling).
    let batchesRun = Atomic<Int>(0)
    let batchedJobs = Atomic<Int>(0)

    /// A pool of `processes` children; nothing starts until ``start()``.
    public init(processes: Int, options: ProcessPoolOptions, logger: Logger = Logger(label: "celeriac.pool")) {
        self.options = options
        self.logger = logger
        state = Mutex(State(target: max(1, processes)))
        executable = options.resolvedExecutable
        arguments = options.resolvedArguments
        depth = max(1, options.queueDepth)
        window = .nanoseconds(Int64(max(0, options.pipelineWindow) * 1e9))
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

    /// The pid of the child running task `id`, if one does (a job queued in a child behind
    /// another has not started: none, as Celery's `worker_pid` before a child accepts it).
    public func pid(runningTask id: String) -> Int? {
        state.withLock { state in
            guard let job = state.jobs.values.first(where: { $0.taskID == id && $0.started != nil }), let child = job.child else {
                return nil
            }
            return state.children[child].map { Int($0.pid) }
        }
    }

    // MARK: Running jobs

    /// Runs a task body in a child, with the soft limit told to the child and the hard limit
    /// and terminate requests (through `handle`) carried out on the child's process.
    public func run(_ task: RegisteredTask, context: TaskContext, softLimit: Double?, hardLimit: Double?,
                    handle: RunningTask) async -> ExecutionOutcome {
        let number = jobCounter.wrappingAdd(1, ordering: .relaxed).newValue
        let soft = softLimit.flatMap { $0 > 0 ? $0 : nil }
        let frame = PoolFrameCodec.encode(.run(PoolJob(number: number, context: context, softLimit: soft)))
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<ExecutionOutcome, Never>) in
            let flush: Int?? = state.withLock { state in
                guard !state.stopped else { return .none }
                state.jobs[number] = Job(taskID: context.id, frame: frame, hardLimit: hardLimit.flatMap { $0 > 0 ? $0 : nil },
                                         completion: .single(continuation))
                guard let child = takerOfNewJob(in: state) else {
                    state.pending.append(number)
                    return .some(nil)
                }
                assign(number, to: child, in: &state)
                return .some(child)
            }
            switch flush {
            case .none:
                continuation.resume(returning: .terminated(signal: SIGKILL, runtime: 0))
                return
            case .some(let child?):
                self.flush(child)
            case .some(nil):
                break
            }
            handle.onStop { [weak self] reason in
                guard case .terminate(let signal) = reason else { return }
                self?.stop(job: number, cause: .terminate(signal))
            }
            handle.onWithdraw { [weak self] in self?.stop(job: number, cause: .withdraw) }
        }
        return outcome
    }

    /// Runs several task bodies handed over together, as ``run(_:context:softLimit:hardLimit:handle:)``
    /// runs one, with one lock and one write per child for all of them; their outcomes go to
    /// ``batchOutcomes`` as they end, those that end together in one delivery.
    func run(batch: [PoolBatchJob]) {
        var numbers: [UInt64] = []
        numbers.reserveCapacity(batch.count)
        var flushes: [Int] = []
        let accepted: Bool = state.withLock { state in
            guard !state.stopped else { return false }
            for job in batch {
                let number = jobCounter.wrappingAdd(1, ordering: .relaxed).newValue
                numbers.append(number)
                let soft = job.softLimit.flatMap { $0 > 0 ? $0 : nil }
                let frame = PoolFrameCodec.encode(.run(PoolJob(number: number, context: job.context, softLimit: soft)))
                state.jobs[number] = Job(taskID: job.context.id, frame: frame, hardLimit: job.hardLimit.flatMap { $0 > 0 ? $0 : nil },
                                         completion: .batch(job.request))
                guard let child = takerOfNewJob(in: state) else {
                    state.pending.append(number)
                    continue
                }
                assign(number, to: child, in: &state)
                if !flushes.contains(child) { flushes.append(child) }
            }
            return true
        }
        batchesRun.add(1, ordering: .relaxed)
        batchedJobs.add(batch.count, ordering: .relaxed)
        guard accepted else {
            batchOutcomes.deliver(batch.map { ($0.request, .terminated(signal: SIGKILL, runtime: 0)) })
            return
        }
        for child in flushes { flush(child) }
        for (job, number) in zip(batch, numbers) {
            job.handle.onStop { [weak self] reason in
                guard case .terminate(let signal) = reason else { return }
                self?.stop(job: number, cause: .terminate(signal))
            }
            job.handle.onWithdraw { [weak self] in self?.stop(job: number, cause: .withdraw) }
        }
    }

    /// The child a new job goes to: one that holds fewer jobs than the others (the fewest
    /// writes among equals, Celery's fair strategy), below the queue depth and its recycling
    /// count, and idle or running a job that started within the pipeline window.
    ///
    /// Nothing is queued behind a job with a hard limit: the parent kills the child when the
    /// limit passes, and the job may have ended just before (its result on its way), so a job
    /// queued behind it could be killed part-way and would have to run again from the start.
    func takerOfNewJob(in state: State) -> Int? {
        var best: PoolProcess?
        var now: ContinuousClock.Instant?
        for child in state.children.values where child.state == .ready && !child.draining && room(child) > 0
            && !child.jobs.contains(where: { state.jobs[$0]?.hardLimit != nil }) {
            if let current = best {
                guard child.jobs.count < current.jobs.count || (child.jobs.count == current.jobs.count && child.writes < current.writes)
                else { continue }
            }
            if let head = child.jobs.first {
                let clock = now ?? .now
                now = clock
                guard let started = state.jobs[head]?.started, started.duration(to: clock) < window else { continue }
            }
            best = child
        }
        return best?.id
    }

    /// Jobs child may still be given: the queue depth, and what is left of its
    /// `--max-tasks-per-child` (it must not be handed jobs it would not live to run).
    func room(_ child: PoolProcess) -> Int {
        var room = depth - child.jobs.count
        if let limit = options.maxTasksPerChild { room = min(room, limit - child.tasksDone - child.jobs.count) }
        return room
    }

    /// Hands job `number` to child `id` (caller holds the lock): its frame joins the child's
    /// outbox (the caller flushes it), and it starts now if the child held nothing.
    func assign(_ number: UInt64, to id: Int, in state: inout State) {
        guard let frame = state.jobs[number]?.frame, state.children[id] != nil else { return }
        state.jobs[number]?.child = id
        state.children[id]?.jobs.append(number)
        state.children[id]?.writes += 1
        state.children[id]?.outbox.append(contentsOf: frame)
        if state.children[id]?.jobs.count == 1 { started(number, in: &state) }
    }

    /// Job `number` starts in its child now: its hard limit runs from here.
    func started(_ number: UInt64, in state: inout State) {
        guard state.jobs[number]?.started == nil else { return }
        state.jobs[number]?.started = .now
        guard let hardLimit = state.jobs[number]?.hardLimit else { return }
        state.jobs[number]?.timer = Task { [weak self] in
            guard (try? await Task.sleep(for: .seconds(hardLimit))) != nil else { return }
            self?.stop(job: number, cause: .hardLimit(hardLimit))
        }
    }

    /// Hands waiting jobs to children that can take them (caller holds the lock).
    func fill(in state: inout State, _ actions: inout Actions) {
        while let number = state.pending.first, let id = takerOfNewJob(in: state) {
            state.pending.removeFirst()
            assign(number, to: id, in: &state)
            if !actions.flush.contains(id) { actions.flush.append(id) }
        }
    }

    /// The hard limit or a terminate request. A hard limit kills the child running the job;
    /// a terminate request goes to the child, which signals itself if the job runs there and
    /// drops it if it waits there (answering `skipped`). A job still waiting in the parent
    /// just ends.
    func stop(job number: UInt64, cause: StopCause) {
        let (ended, flushChild): ((Completion, ExecutionOutcome)?, Int?) = state.withLock { state in
            // A withdrawal that came too late (the job had started) gives way to a real stop.
            guard let job = state.jobs[number], job.cause == nil || job.cause == .withdraw else { return (nil, nil) }
            guard let id = job.child else {
                state.jobs[number] = nil
                state.pending.removeAll { $0 == number }
                return ((job.completion, Self.outcome(of: cause, runtime: 0)), nil)
            }
            guard let child = state.children[id] else { return (nil, nil) }
            state.jobs[number]?.cause = cause
            switch cause {
            case .hardLimit:
                guard child.jobs.first == number else { return (nil, nil) }
                // Killed first, then marked: what it held behind this job is not lost but
                // handed on when its socket closes.
                state.children[id]?.killedFor = number
                state.children[id]?.draining = true
                kill(child.pid, SIGKILL)
                return (nil, nil)
            case .terminate(let signal):
                state.children[id]?.outbox.append(contentsOf: PoolFrameCodec.encode(.stop(job: number, signal: signal)))
                return (nil, id)
            case .withdraw:
                guard child.jobs.first != number else {
                    state.jobs[number]?.cause = nil
                    return (nil, nil)
                }
                // Signal 0: the child drops it if still queued (answering `skipped`), else
                // lets it run.
                state.children[id]?.outbox.append(contentsOf: PoolFrameCodec.encode(.stop(job: number, signal: 0)))
                return (nil, id)
            }
        }
        if let ended { complete([ended]) }
        if let flushChild { flush(flushChild) }
    }

    static func outcome(of cause: StopCause, runtime: Double) -> ExecutionOutcome {
        switch cause {
        case .hardLimit(let limit): return .timeLimitExceeded(hardLimit: limit, abandoned: false, runtime: runtime)
        case .terminate(let signal): return .terminated(signal: signal, runtime: runtime)
        case .withdraw: return .withdrawn
        }
    }

    /// Ends job `number` with `outcome` (caller holds the lock).
    func finish(_ number: UInt64, _ outcome: ExecutionOutcome, in state: inout State, _ actions: inout Actions) {
        guard let job = state.jobs.removeValue(forKey: number) else { return }
        job.timer?.cancel()
        actions.resumes.append((job.completion, outcome))
    }

    /// Writes child `id`'s outbox unless another thread is at it (that one writes these bytes
    /// too, with whatever else is queued by then, in one write).
    func flush(_ id: Int) {
        var next: (ChildLink, [UInt8])? = state.withLock { state in
            guard let child = state.children[id], !child.flushing, !child.outbox.isEmpty else { return nil }
            state.children[id]?.flushing = true
            return (child.link, Self.takeOutbox(id, in: &state))
        }
        while let (link, bytes) = next {
            link.write(bytes)
            next = state.withLock { state in
                guard let child = state.children[id] else { return nil }
                guard !child.outbox.isEmpty else {
                    state.children[id]?.flushing = false
                    return nil
                }
                return (child.link, Self.takeOutbox(id, in: &state))
            }
        }
    }

    static func takeOutbox(_ id: Int, in state: inout State) -> [UInt8] {
        guard let bytes = state.children[id]?.outbox else { return [] }
        state.children[id]?.outbox = []
        return bytes
    }

    /// Carries out what a locked section decided.
    func perform(_ actions: Actions) {
        for id in actions.flush { flush(id) }
        for child in actions.retire { retireOutsideLock(child) }
        for _ in 0..<actions.spawn { spawn() }
        complete(actions.resumes)
    }

    /// Resumes lone runs one by one and delivers the batched jobs' outcomes together.
    func complete(_ resumes: [(Completion, ExecutionOutcome)]) {
        var batched: PoolOutcomeInbox.Outcomes = []
        for (completion, outcome) in resumes {
            switch completion {
            case .single(let continuation):
                continuation.resume(returning: outcome)
            case .batch(let request):
                batched.append((request, outcome))
            }
        }
        batchOutcomes.deliver(batched)
    }
}
