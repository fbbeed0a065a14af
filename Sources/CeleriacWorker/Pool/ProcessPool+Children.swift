import CeleriacProtocol
import DequeModule
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
        OSThread.start(name: "pool-reader-\(id)") { [self] in read(from: link, child: id) }
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
                // Once per read, however many results it held: the freed room is filled and
                // the next jobs go out in one write.
                fill(in: &state, &actions)
                reclaim(in: &state, &actions)
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
        // Fields, not a copy of the record: a copy alive while its job queue changes would
        // make that change copy the queue.
        guard let (phase, head, pid) = state.children[id].map({ ($0.state, $0.jobs.first, $0.pid) }) else { return nil }
        switch frame {
        case .ready:
            guard phase == .starting else { return "said ready twice" }
            state.failedStarts = 0
            state.children[id]?.state = .ready
        case .result(let number, let rss, let outcome):
            guard head == number else { return "sent a result for job \(number), which it is not running" }
            state.children[id]?.jobs.removeFirst()
            state.children[id]?.tasksDone += 1
            finish(number, outcome, in: &state, &actions)
            if let next = state.children[id]?.jobs.first { started(next, in: &state) }
            if state.children[id]?.draining == false, let done = state.children[id]?.tasksDone,
               let reason = recycleReason(tasksDone: done, residentKiB: rss) {
                logger.info("process pool: replacing child \(pid): \(reason)")
                state.children[id]?.draining = true
                if !state.stopped, Self.liveCount(state) < state.target { actions.spawn += 1 }
            }
        case .skipped(let number):
            guard let index = state.children[id]?.jobs.firstIndex(of: number) else {
                return "skipped job \(number), which it does not hold"
            }
            state.children[id]?.jobs.remove(at: index)
            if index == 0, let next = state.children[id]?.jobs.first { started(next, in: &state) }
            if let cause = state.jobs[number]?.cause {
                finish(number, Self.outcome(of: cause, runtime: 0), in: &state, &actions)
            } else {
                handBack([number], in: &state)
            }
        case .run, .stop:
            return "sent a parent's frame"
        }
        if state.children[id].map({ $0.draining && $0.jobs.isEmpty && $0.state != .retiring }) == true {
            retire(id, in: &state, &actions)
        }
        return nil
    }

    /// Jobs that go back to the head of the parent's queue, in their order, to run elsewhere
    /// from the start (caller holds the lock).
    func handBack(_ numbers: [UInt64], in state: inout State) {
        for number in numbers.reversed() {
            guard state.jobs[number] != nil else { continue }
            state.jobs[number]?.child = nil
            state.jobs[number]?.started = nil
            state.jobs[number]?.timer?.cancel()
            state.jobs[number]?.timer = nil
            state.jobs[number]?.reclaiming = false
            state.pending.prepend(number)
        }
    }

    /// With nothing waiting in the parent, each idle child takes back one job queued behind a
    /// job that has run past the pipeline window in another child (the child drops it and
    /// answers `skipped` unless it started it meanwhile). Caller holds the lock.
    func reclaim(in state: inout State, _ actions: inout Actions) {
        guard state.pending.isEmpty else { return }
        var idle = 0
        var queuedBehind = false
        for child in state.children.values where child.state == .ready {
            if child.jobs.isEmpty, !child.draining, room(child) > 0 { idle += 1 }
            if child.jobs.count > 1 { queuedBehind = true }
        }
        guard idle > 0, queuedBehind else { return }
        let now = ContinuousClock.now
        var taken: [(child: Int, job: UInt64)] = []
        for (id, child) in state.children where taken.count < idle && child.jobs.count > 1 {
            guard let head = child.jobs.first, let started = state.jobs[head]?.started, started.duration(to: now) >= window,
                  let number = child.jobs.dropFirst().last(where: { state.jobs[$0]?.reclaiming == false && state.jobs[$0]?.cause == nil })
            else { continue }
            taken.append((id, number))
        }
        for (id, number) in taken {
            state.jobs[number]?.reclaiming = true
            state.children[id]?.outbox.append(contentsOf: PoolFrameCodec.encode(.stop(job: number, signal: 0)))
            if !actions.flush.contains(id) { actions.flush.append(id) }
        }
    }

    func recycleReason(tasksDone: Int, residentKiB: UInt64) -> String? {
        if let limit = options.maxTasksPerChild, tasksDone >= limit { return "it ran \(tasksDone) tasks (max \(limit))" }
        if let limit = options.maxMemoryPerChildKiB, residentKiB > UInt64(limit) {
            return "its resident memory reached \(residentKiB) KiB (max \(limit))"
        }
        return nil
    }

    /// Children counted against the pool size (retiring and draining ones are on their way out).
    static func liveCount(_ state: State) -> Int { state.children.values.filter(\.isLive).count }

    /// Marks a child retiring (caller holds the lock); ``perform(_:)`` asks it to exit.
    func retire(_ id: Int, in state: inout State, _ actions: inout Actions) {
        guard let child = state.children[id] else { return }
        state.children[id]?.state = .retiring
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

    /// A child's socket closed: it is reaped and its jobs end as the parent decided (a hard
    /// limit, a terminate), as lost (the one it was running, if it died on its own or wrote
    /// garbage), or go to other children (the ones queued behind); it is replaced while the
    /// pool runs.
    func ended(_ id: Int) async {
        guard let process = state.withLock({ $0.children[id]?.process }) else { return }
        var status = await process.waitAsync(timeout: 1)
        if status == nil {
            // The socket closed but the process lives on (it closed descriptor 3 itself).
            kill(process.pid, SIGKILL)
            status = await process.waitAsync(timeout: 5)
        }
        let exit = status ?? 128 + SIGKILL
        var lostAny = false
        var wasRetiring = false
        let (actions, respawn): (Actions, Bool?) = state.withLock { state in
            var actions = Actions()
            guard let child = state.children.removeValue(forKey: id) else { return (actions, nil) }
            wasRetiring = child.state == .retiring
            var handed: [UInt64] = []
            for (index, number) in child.jobs.enumerated() {
                guard let job = state.jobs[number] else { continue }
                let runtime = job.started?.secondsUntilNow ?? 0
                if let cause = job.cause {
                    finish(number, Self.outcome(of: cause, runtime: runtime), in: &state, &actions)
                } else if state.stopped {
                    finish(number, .terminated(signal: SIGKILL, runtime: runtime), in: &state, &actions)
                } else if index == 0, child.killedFor == nil {
                    lostAny = true
                    logger.error("process pool: child \(child.pid) exited (\(ExceptionInfo.humanStatus(exit))) while running job \(number)")
                    finish(number, .workerLost(.workerLost(exitStatus: exit, job: number), runtime: runtime), in: &state, &actions)
                } else {
                    handed.append(number)
                }
            }
            handBack(handed, in: &state)
            if child.state == .starting { state.failedStarts += 1 }
            fill(in: &state, &actions)
            guard !state.stopped, Self.liveCount(state) < state.target else { return (actions, nil) }
            return (actions, state.failedStarts > 0)
        }
        if !lostAny, !wasRetiring {
            logger.warning("process pool: child \(process.pid) exited (\(ExceptionInfo.humanStatus(exit)))")
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
    /// idle ones retire first, busy ones once they have run the jobs they hold.
    public func resize(to size: Int) {
        let actions: Actions = state.withLock { state in
            var actions = Actions()
            state.target = max(1, size)
            guard !state.stopped else { return actions }
            var excess = Self.liveCount(state) - state.target
            if excess < 0 { actions.spawn = -excess }
            for id in state.children.keys.sorted(by: >) where excess > 0 {
                guard let child = state.children[id], child.isLive else { continue }
                if child.jobs.isEmpty {
                    retire(id, in: &state, &actions)
                } else {
                    state.children[id]?.draining = true
                }
                excess -= 1
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
