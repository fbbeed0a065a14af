import CeleriacProtocol
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

extension ProcessPool {
    /// Starts one child: a socket pair, the executable with the child's end as descriptor 3
    /// and ``ProcessPoolChild/environmentKey`` set, and the parent's end on the event loop.
    func spawn() {
        nextChild += 1
        let id = nextChild
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            logger.error("process pool: cannot create a socket pair for a child: \(String(cString: strerror(errno)))")
            scheduleRespawn()
            return
        }
        // Above 2 and never 3 itself, so the spawn's dup2 onto 3 really happens.
        let childEnd = fcntl(pair[1], F_DUPFD_CLOEXEC, 10)
        close(pair[1])
        let process: SpawnedProcess
        do {
            process = try Self.startChild(executable: executable, arguments: arguments, socket: childEnd)
        } catch {
            close(childEnd)
            close(pair[0])
            logger.error("process pool: cannot start a child: \(error)")
            scheduleRespawn()
            return
        }
        close(childEnd)
        let child = PoolProcess(id: id, process: process)
        children[id] = child
        let (events, continuation) = AsyncStream<PoolChannelEvent>.makeStream()
        let parentEnd = pair[0]
        Task { [weak self] in
            do {
                let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(PoolChannelHandler(events: continuation))
                        }
                    }
                    .takingOwnershipOfDescriptor(inputOutput: parentEnd).get()
                await self?.attached(channel, to: id)
            } catch {
                close(parentEnd)
                continuation.yield(.closed)
                continuation.finish()
            }
            for await event in events { await self?.handle(event, from: id) }
        }
        let timeout = options.startTimeout
        Task { [weak self] in
            guard (try? await Task.sleep(for: .seconds(timeout))) != nil else { return }
            await self?.startTimedOut(id)
        }
    }

    /// Spawns the executable, its output on this process's stderr where that can be opened.
    nonisolated static func startChild(executable: String, arguments: [String], socket: Int32) throws -> SpawnedProcess {
        let environment = [ProcessPoolChild.environmentKey: "3"]
        do {
            return try SpawnedProcess(executable, arguments, environment: environment, output: "/dev/stderr",
                                      descriptors: [3: socket])
        } catch {
            // stderr may be a socket (a journal), which cannot be opened by path.
            return try SpawnedProcess(executable, arguments, environment: environment, descriptors: [3: socket])
        }
    }

    func attached(_ channel: any Channel, to id: Int) {
        guard let child = children[id], !stopped else {
            channel.close(promise: nil)
            return
        }
        child.channel = channel
        if child.state == .retiring { channel.close(promise: nil) }
    }

    func startTimedOut(_ id: Int) {
        guard let child = children[id], child.state == .starting else { return }
        logger.error("process pool: child \(child.pid) did not start within \(options.startTimeout) s; killing it")
        kill(child.pid, SIGKILL)
        child.channel?.close(promise: nil)
    }

    // MARK: Events from a child

    func handle(_ event: PoolChannelEvent, from id: Int) async {
        guard let child = children[id] else { return }
        switch event {
        case .frame(.ready):
            guard child.state == .starting else { return protocolViolation(child, "said ready twice") }
            failedStarts = 0
            release(child)
        case .frame(.result(let number, let rss, let outcome)):
            guard jobs[number]?.child == child.id else {
                return protocolViolation(child, "sent a result for job \(number), which it does not hold")
            }
            child.tasksDone += 1
            // Its result crossed the kill on the way: the child is dying and takes no more work.
            let killed = jobs[number]?.cause != nil
            finish(number, outcome)
            if child.state == .retiring {
                return
            } else if killed {
                retire(child)
                if !stopped, liveCount < target { spawn() }
            } else if let reason = recycleReason(child, residentKiB: rss) {
                logger.info("process pool: replacing child \(child.pid): \(reason)")
                retire(child)
                if !stopped, liveCount < target { spawn() }
            } else if child.retireAfterJob {
                retire(child)
            } else {
                release(child)
            }
        case .frame(.run), .frame(.softLimit):
            protocolViolation(child, "sent a parent's frame")
        case .broken(let error):
            logger.error("process pool: child \(child.pid) wrote garbage (\(error)); killing it")
            kill(child.pid, SIGKILL)
            child.channel?.close(promise: nil)
        case .closed:
            await ended(child)
        }
    }

    func protocolViolation(_ child: PoolProcess, _ what: String) {
        logger.error("process pool: child \(child.pid) \(what); killing it")
        kill(child.pid, SIGKILL)
        child.channel?.close(promise: nil)
    }

    func recycleReason(_ child: PoolProcess, residentKiB: UInt64) -> String? {
        if let limit = options.maxTasksPerChild, child.tasksDone >= limit { return "it ran \(child.tasksDone) tasks (max \(limit))" }
        if let limit = options.maxMemoryPerChildKiB, residentKiB > UInt64(limit) {
            return "its resident memory reached \(residentKiB) KiB (max \(limit))"
        }
        return nil
    }

    /// Children counted against the pool size (retiring ones are on their way out).
    var liveCount: Int { children.values.filter { $0.state != .retiring }.count }

    /// Asks a child to exit (its socket closes: it reads end of file); killed if it lingers.
    func retire(_ child: PoolProcess) {
        child.state = .retiring
        child.channel?.close(promise: nil)
        let grace = options.stopGrace
        let process = child.process
        Task {
            if await process.waitAsync(timeout: grace) == nil { process.signalGroup(SIGKILL) }
        }
    }

    /// A child's socket closed: it is reaped, its job (if any) ends as the parent decided or
    /// as lost, and it is replaced while the pool runs.
    func ended(_ child: PoolProcess) async {
        let wasStarting = child.state == .starting
        let wasRetiring = child.state == .retiring
        children[child.id] = nil
        child.state = .retiring
        var status = await child.process.waitAsync(timeout: 1)
        if status == nil {
            // The socket closed but the process lives on (it closed descriptor 3 itself).
            kill(child.pid, SIGKILL)
            status = await child.process.waitAsync(timeout: 5)
        }
        let exit = status ?? 128 + SIGKILL
        let lost = jobs.filter { $0.value.child == child.id }
        for (number, job) in lost.sorted(by: { $0.key < $1.key }) {
            let runtime = Self.seconds(since: job.started)
            switch job.cause {
            case .hardLimit(let limit)?:
                finish(number, .timeLimitExceeded(hardLimit: limit, abandoned: false, runtime: runtime))
            case .terminate(let signal)?:
                finish(number, .terminated(signal: signal, runtime: runtime))
            case nil where stopped:
                finish(number, .terminated(signal: SIGKILL, runtime: runtime))
            case nil:
                logger.error("process pool: child \(child.pid) exited (\(ExceptionInfo.humanStatus(exit))) while running job \(number)")
                finish(number, .workerLost(.workerLost(exitStatus: exit, job: number), runtime: runtime))
            }
        }
        if lost.isEmpty, !wasRetiring {
            logger.warning("process pool: child \(child.pid) exited (\(ExceptionInfo.humanStatus(exit)))")
        }
        if wasStarting { failedStarts += 1 }
        guard !stopped, liveCount < target else { return }
        if failedStarts > 0 {
            scheduleRespawn()
        } else {
            spawn()
        }
    }

    /// Replaces a child later, after a start that failed: an executable that cannot serve
    /// must not make the pool spin.
    func scheduleRespawn() {
        let delay = min(10.0, 0.25 * Double(1 << min(failedStarts, 6)))
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(delay))
            await self?.refill()
        }
    }

    func refill() {
        while !stopped, liveCount < target { spawn() }
    }

    // MARK: Size

    /// Grows or shrinks the pool to `size` children (at least 1): new children start at once;
    /// idle ones retire first, busy ones after their job.
    public func resize(to size: Int) {
        target = max(1, size)
        guard !stopped else { return }
        refill()
        var excess = liveCount - target
        guard excess > 0 else { return }
        for child in children.values.sorted(by: { $0.id > $1.id }) where excess > 0 {
            switch child.state {
            case .idle, .starting:
                retire(child)
                excess -= 1
            case .busy:
                if !child.retireAfterJob {
                    child.retireAfterJob = true
                    excess -= 1
                }
            case .retiring:
                break
            }
        }
    }

    /// Stops every child (their sockets close; they are killed after the grace period) and
    /// refuses new jobs. Jobs still running end as their children end.
    public func stop() async {
        stopped = true
        let waiters = idleWaiters
        idleWaiters.removeAll()
        waiters.forEach { $0.resume(returning: nil) }
        let all = Array(children.values)
        for child in all where child.state != .retiring { retire(child) }
        for child in all { _ = await child.process.waitAsync(timeout: options.stopGrace + 1) }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
