import CeleriacProtocol
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ProcessPool {
    /// Starts one child: a socket pair, the executable with the child's end as descriptor 3
    /// and ``ProcessPoolChild/environmentKey`` set, and a thread reading the parent's end.
    func spawn() {
        let id: Int? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.nextChild += 1
            return state.nextChild
        }
        guard let id else { return }
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
        let link = ChildLink(socket: pair[0])
        let added = state.withLock { state in
            guard !state.stopped else { return false }
            state.children[id] = PoolProcess(id: id, process: process, link: link)
            return true
        }
        guard added else {
            kill(process.pid, SIGKILL)
            return
        }
        let thread = Thread { [self] in read(from: link, child: id) }
        thread.name = "pool-reader-\(id)"
        thread.start()
        let timeout = options.startTimeout
        Task { [weak self] in
            guard (try? await Task.sleep(for: .seconds(timeout))) != nil else { return }
            self?.startTimedOut(id)
        }
    }

    /// Spawns the executable, its output on this process's stderr where that can be opened.
    static func startChild(executable: String, arguments: [String], socket: Int32) throws -> SpawnedProcess {
        let environment = [ProcessPoolChild.environmentKey: "3"]
        do {
            return try SpawnedProcess(executable, arguments, environment: environment, output: "/dev/stderr",
                                      descriptors: [3: socket])
        } catch {
            // stderr may be a socket (a journal), which cannot be opened by path.
            return try SpawnedProcess(executable, arguments, environment: environment, descriptors: [3: socket])
        }
    }

    func startTimedOut(_ id: Int) {
        let child: PoolProcess? = state.withLock { state in
            guard let child = state.children[id], child.state == .starting else { return nil }
            return child
        }
        guard let child else { return }
        logger.error("process pool: child \(child.pid) did not start within \(options.startTimeout) s; killing it")
        kill(child.pid, SIGKILL)
        child.link.shutDown()
    }

    // MARK: Reading a child

    /// The reading thread of child `id`: every read's frames are handled under the lock at
    /// once, then the writes (the next jobs) go out and the finished runs resume. At end of
    /// file the child is reaped and replaced.
    func read(from link: ChildLink, child id: Int) {
        var decoder = PoolFrameDecoder()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var broken = false
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(link.socket, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            // After garbage nothing more is decoded; the child is being killed.
            guard !broken else { continue }
            decoder.append(chunk[0..<count])
            var frames: [PoolFrame] = []
            do {
                while let frame = try decoder.next() { frames.append(frame) }
            } catch {
                broken = true
                let pid = state.withLock { $0.children[id]?.pid }
                logger.error("process pool: child \(pid.map(String.init) ?? "?") wrote garbage (\(error)); killing it")
                // Killed first: closing first would let the child exit on its own.
                if let pid { kill(pid, SIGKILL) }
                link.shutDown()
            }
            guard !frames.isEmpty else { continue }
            var violation: String?
            let actions: Actions = state.withLock { state in
                var actions = Actions()
                for frame in frames where violation == nil {
                    violation = handle(frame, from: id, in: &state, &actions)
                }
                return actions
            }
            perform(actions)
            if let violation {
                broken = true
                let pid = state.withLock { $0.children[id]?.pid }
                logger.error("process pool: child \(pid.map(String.init) ?? "?") \(violation); killing it")
                if let pid { kill(pid, SIGKILL) }
                link.shutDown()
            }
        }
        Task { await ended(id) }
    }

    /// One frame from child `id` (caller holds the lock); returns a protocol violation.
    func handle(_ frame: PoolFrame, from id: Int, in state: inout State, _ actions: inout Actions) -> String? {
        guard var child = state.children[id] else { return nil }
        switch frame {
        case .ready:
            guard child.state == .starting else { return "said ready twice" }
            state.failedStarts = 0
            release(id, in: &state, &actions)
        case .result(let number, let rss, let outcome):
            guard state.jobs[number]?.child == id else { return "sent a result for job \(number), which it does not hold" }
            child.tasksDone += 1
            state.children[id] = child
            // Its result crossed the kill on the way: the child is dying and takes no more work.
            let killed = state.jobs[number]?.cause != nil
            finish(number, outcome, in: &state, &actions)
            if child.state == .retiring {
                return nil
            } else if killed {
                retire(id, in: &state, &actions)
                if !state.stopped, Self.liveCount(state) < state.target { actions.spawn += 1 }
            } else if let reason = recycleReason(child, residentKiB: rss) {
                logger.info("process pool: replacing child \(child.pid): \(reason)")
                retire(id, in: &state, &actions)
                if !state.stopped, Self.liveCount(state) < state.target { actions.spawn += 1 }
            } else if child.retireAfterJob {
                retire(id, in: &state, &actions)
            } else {
                release(id, in: &state, &actions)
            }
        case .run, .softLimit:
            return "sent a parent's frame"
        }
        return nil
    }

    func recycleReason(_ child: PoolProcess, residentKiB: UInt64) -> String? {
        if let limit = options.maxTasksPerChild, child.tasksDone >= limit { return "it ran \(child.tasksDone) tasks (max \(limit))" }
        if let limit = options.maxMemoryPerChildKiB, residentKiB > UInt64(limit) {
            return "its resident memory reached \(residentKiB) KiB (max \(limit))"
        }
        return nil
    }

    /// Children counted against the pool size (retiring ones are on their way out).
    static func liveCount(_ state: State) -> Int { state.children.values.filter { $0.state != .retiring }.count }

    /// Marks a child retiring (caller holds the lock); ``perform(_:)`` asks it to exit.
    func retire(_ id: Int, in state: inout State, _ actions: inout Actions) {
        guard var child = state.children[id] else { return }
        child.state = .retiring
        state.children[id] = child
        actions.retire.append(child)
    }

    /// Asks a child to exit (its socket closes: it reads end of file); killed if it lingers.
    func retireOutsideLock(_ child: PoolProcess) {
        child.link.shutDown()
        let grace = options.stopGrace
        let process = child.process
        Task {
            if await process.waitAsync(timeout: grace) == nil { process.signalGroup(SIGKILL) }
        }
    }

    /// A child's socket closed: it is reaped, its job (if any) ends as the parent decided or
    /// as lost, and it is replaced while the pool runs.
    func ended(_ id: Int) async {
        guard let child = state.withLock({ $0.children[id] }) else { return }
        var status = await child.process.waitAsync(timeout: 1)
        if status == nil {
            // The socket closed but the process lives on (it closed descriptor 3 itself).
            kill(child.pid, SIGKILL)
            status = await child.process.waitAsync(timeout: 5)
        }
        let exit = status ?? 128 + SIGKILL
        var lostAny = false
        let (actions, respawn): (Actions, Bool?) = state.withLock { state in
            var actions = Actions()
            state.children[id] = nil
            let lost = state.jobs.filter { $0.value.child == id }
            lostAny = !lost.isEmpty
            for (number, job) in lost.sorted(by: { $0.key < $1.key }) {
                let runtime = job.started.secondsUntilNow
                switch job.cause {
                case .hardLimit(let limit)?:
                    finish(number, .timeLimitExceeded(hardLimit: limit, abandoned: false, runtime: runtime), in: &state, &actions)
                case .terminate(let signal)?:
                    finish(number, .terminated(signal: signal, runtime: runtime), in: &state, &actions)
                case nil where state.stopped:
                    finish(number, .terminated(signal: SIGKILL, runtime: runtime), in: &state, &actions)
                case nil:
                    logger.error("process pool: child \(child.pid) exited (\(ExceptionInfo.humanStatus(exit))) while running job \(number)")
                    finish(number, .workerLost(.workerLost(exitStatus: exit, job: number), runtime: runtime), in: &state, &actions)
                }
            }
            if child.state == .starting { state.failedStarts += 1 }
            guard !state.stopped, Self.liveCount(state) < state.target else { return (actions, nil) }
            return (actions, state.failedStarts > 0)
        }
        if !lostAny, child.state != .retiring {
            logger.warning("process pool: child \(child.pid) exited (\(ExceptionInfo.humanStatus(exit)))")
        }
        perform(actions)
        switch respawn {
        case true?: scheduleRespawn()
        case false?: spawn()
        case nil: break
        }
    }

    /// Replaces a child later, after a start that failed: an executable that cannot serve
    /// must not make the pool spin.
    func scheduleRespawn() {
        let failed = state.withLock { $0.failedStarts }
        let delay = min(10.0, 0.25 * Double(1 << min(failed, 6)))
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(delay))
            self?.refill()
        }
    }

    func refill() {
        let missing = state.withLock { state in state.stopped ? 0 : max(0, state.target - Self.liveCount(state)) }
        for _ in 0..<missing { spawn() }
    }

    // MARK: Size

    /// Grows or shrinks the pool to `size` children (at least 1): new children start at once;
    /// idle ones retire first, busy ones after their job.
    public func resize(to size: Int) {
        let actions: Actions = state.withLock { state in
            var actions = Actions()
            state.target = max(1, size)
            guard !state.stopped else { return actions }
            var excess = Self.liveCount(state) - state.target
            if excess < 0 { actions.spawn = -excess }
            for id in state.children.keys.sorted(by: >) where excess > 0 {
                guard var child = state.children[id] else { continue }
                switch child.state {
                case .idle, .starting:
                    retire(id, in: &state, &actions)
                    excess -= 1
                case .busy:
                    if !child.retireAfterJob {
                        child.retireAfterJob = true
                        state.children[id] = child
                        excess -= 1
                    }
                case .retiring:
                    break
                }
            }
            return actions
        }
        perform(actions)
    }

    /// Stops every child (their sockets close; they are killed after the grace period) and
    /// refuses new jobs. Jobs still running end as their children end; waiting ones at once.
    public func stop() async {
        let (actions, all): (Actions, [PoolProcess]) = state.withLock { state in
            var actions = Actions()
            state.stopped = true
            while let number = state.pending.popFirst() {
                finish(number, .terminated(signal: SIGKILL, runtime: 0), in: &state, &actions)
            }
            let all = Array(state.children.values)
            for child in all where child.state != .retiring { retire(child.id, in: &state, &actions) }
            return (actions, all)
        }
        perform(actions)
        for child in all { _ = await child.process.waitAsync(timeout: options.stopGrace + 1) }
    }
}
