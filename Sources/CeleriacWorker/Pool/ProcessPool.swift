import CeleriacProtocol
import DequeModule
import Foundation
import Logging
import NIOCore
import NIOPosix

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
/// pool runs; nothing here blocks on a child: reads and writes go through the event loop, and
/// a child that writes garbage, stops mid-frame or will not exit is killed.
public actor ProcessPool {
    /// Why a job is being stopped by the parent.
    enum StopCause {
        case hardLimit(Double)
        case terminate(Int32)
    }

    /// A job handed to a child and not finished.
    struct Job {
        var child: Int
        var taskID: String
        var started: ContinuousClock.Instant
        var continuation: CheckedContinuation<ExecutionOutcome, Never>
        var timers: [Task<Void, Never>] = []
        var cause: StopCause?
    }

    public nonisolated let options: ProcessPoolOptions
    let logger: Logger
    let executable: String
    let arguments: [String]
    var target: Int
    var children: [Int: PoolProcess] = [:]
    var jobs: [UInt64: Job] = [:]
    var idleWaiters: Deque<CheckedContinuation<Int?, Never>> = []
    var nextChild = 0
    var nextJob: UInt64 = 0
    var stopped = false
    /// Children that died before they were ready, in a row (a broken executable must not
    /// make the pool spin).
    var failedStarts = 0

    /// A pool of `processes` children; nothing starts until ``start()``.
    public init(processes: Int, options: ProcessPoolOptions, logger: Logger = Logger(label: "celeriac.pool")) {
        self.options = options
        self.logger = logger
        target = max(1, processes)
        executable = options.resolvedExecutable
        arguments = options.resolvedArguments
    }

    /// Starts the children (without waiting for them to be ready).
    public func start() {
        // A write to the socket of a child that just died must fail, not kill this process.
        signal(SIGPIPE, SIG_IGN)
        while children.count < target { spawn() }
    }

    /// The number of children the pool keeps.
    public var size: Int { target }

    /// The children's process ids.
    public var pids: [Int] { children.keys.sorted().compactMap { children[$0].map { Int($0.pid) } } }

    /// The pid of the child running task `id`, if one does.
    public func pid(runningTask id: String) -> Int? {
        guard let job = jobs.values.first(where: { $0.taskID == id }) else { return nil }
        return children[job.child].map { Int($0.pid) }
    }

    // MARK: Running jobs

    /// Runs a task body in a child, with the soft limit told to the child and the hard limit
    /// and terminate requests (through `handle`) carried out on the child's process.
    public func run(_ task: RegisteredTask, context: TaskContext, softLimit: Double?, hardLimit: Double?,
                    handle: RunningTask) async -> ExecutionOutcome {
        var found: (PoolProcess, any Channel)?
        while found == nil {
            // nil only when the pool was stopped under a waiting request.
            guard let childID = await idleChild() else { return .terminated(signal: SIGKILL, runtime: 0) }
            // A child handed over may have died before this ran: wait for another.
            if let child = children[childID], let channel = child.channel, child.state == .idle || child.state == .busy(0) {
                found = (child, channel)
            }
        }
        guard let (child, channel) = found else { return .terminated(signal: SIGKILL, runtime: 0) }
        let childID = child.id
        nextJob += 1
        let number = nextJob
        child.state = .busy(number)
        child.writes += 1
        let frame = PoolFrameCodec.encode(.run(PoolJob(number: number, context: context)))
        return await withCheckedContinuation { continuation in
            var job = Job(child: childID, taskID: context.id, started: .now, continuation: continuation)
            if let softLimit, softLimit > 0 {
                job.timers.append(Task { [weak self] in
                    guard (try? await Task.sleep(for: .seconds(softLimit))) != nil else { return }
                    await self?.softLimitPassed(number)
                })
            }
            if let hardLimit, hardLimit > 0 {
                job.timers.append(Task { [weak self] in
                    guard (try? await Task.sleep(for: .seconds(hardLimit))) != nil else { return }
                    await self?.stop(job: number, cause: .hardLimit(hardLimit))
                })
            }
            jobs[number] = job
            channel.writeAndFlush(ByteBuffer(bytes: frame), promise: nil)
            handle.onStop { [weak self] reason in
                guard case .terminate(let signal) = reason else { return }
                Task { await self?.stop(job: number, cause: .terminate(signal)) }
            }
        }
    }

    /// An idle child's id, waiting for one if none is idle; nil once the pool stopped.
    func idleChild() async -> Int? {
        if stopped { return nil }
        if let child = children.values.filter({ $0.state == .idle }).min(by: { $0.writes < $1.writes }) {
            return child.id
        }
        return await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// A child became free: it goes to the request that waits longest, else it idles.
    func release(_ child: PoolProcess) {
        if let waiter = idleWaiters.popFirst() {
            // Reserved (job 0) until the waiting run() hands it its job: nobody else takes it.
            child.state = .busy(0)
            waiter.resume(returning: child.id)
        } else {
            child.state = .idle
        }
    }

    func softLimitPassed(_ number: UInt64) {
        guard let job = jobs[number], let channel = children[job.child]?.channel else { return }
        channel.writeAndFlush(ByteBuffer(bytes: PoolFrameCodec.encode(.softLimit(job: number))), promise: nil)
    }

    /// The hard limit or a terminate request: the child gets the signal; the job ends when its
    /// socket closes (or with its result, if that came first).
    func stop(job number: UInt64, cause: StopCause) {
        guard var job = jobs[number], job.cause == nil, let child = children[job.child] else { return }
        job.cause = cause
        jobs[number] = job
        switch cause {
        case .hardLimit:
            kill(child.pid, SIGKILL)
        case .terminate(let signal):
            kill(child.pid, signal)
        }
    }

    func finish(_ number: UInt64, _ outcome: ExecutionOutcome) {
        guard let job = jobs.removeValue(forKey: number) else { return }
        job.timers.forEach { $0.cancel() }
        job.continuation.resume(returning: outcome)
    }
}
