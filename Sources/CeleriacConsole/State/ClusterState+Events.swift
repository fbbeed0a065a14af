import CeleriacProtocol
import DequeModule

extension ClusterState {
    /// Folds one Celery event in, as `celery.events.state.State.event` does.
    mutating func ingest(_ event: CeleryEvent, now: Double) {
        totalEvents += 1
        eventLog.append(LoggedEvent(received: now, event: event))
        if eventLog.count > maxEvents { eventLog.removeFirst(eventLog.count - maxEvents) }
        let type = event.type
        switch type.group {
        case "worker": ingestWorker(event, now: now)
        case "task": ingestTask(event, now: now)
        default: unknownEventCount += 1
        }
    }

    private mutating func ingestWorker(_ event: CeleryEvent, now: Double) {
        guard let hostname = event.hostname else {
            recordMalformed("worker event without hostname")
            return
        }
        var worker = workers[hostname] ?? WorkerRecord(hostname: hostname)
        if let pid = event.pid { worker.pid = pid }
        if let freq = event.freq, freq > 0 { worker.freq = freq }
        if let active = event.active { worker.active = active }
        if let processed = event.processed { worker.processed = processed }
        if let loadavg = event.loadavg { worker.loadavg = loadavg }
        if let ident = event.swIdent { worker.swIdent = ident }
        if let version = event.swVer { worker.swVersion = version }
        if let system = event.swSys { worker.swSystem = system }
        switch event.type {
        case .workerOffline:
            worker.wentOffline = true
        case .workerOnline, .workerHeartbeat:
            worker.wentOffline = false
            // Receive time, as Celery's monitors use it once corrected for skew: the window is
            // about the link being alive, and the sender's clock may be off.
            worker.lastHeartbeat = max(worker.lastHeartbeat ?? 0, now)
        default:
            unknownEventCount += 1
        }
        workers[hostname] = worker
    }

    private mutating func ingestTask(_ event: CeleryEvent, now: Double) {
        guard let id = event.uuid, !id.isEmpty else {
            recordMalformed("task event without uuid")
            return
        }
        let phase: TaskPhase
        switch event.type {
        case .taskSent: phase = .pending
        case .taskReceived: phase = .received
        case .taskStarted: phase = .started
        case .taskSucceeded: phase = .success
        case .taskFailed: phase = .failure
        case .taskRetried: phase = .retry
        case .taskRevoked: phase = .revoked
        case .taskRejected: phase = .rejected
        case .taskCancelled: phase = .revoked
        default:
            unknownEventCount += 1
            return
        }
        let time = event.timestamp ?? now
        let workerIndex: Int32 = event.type == .taskSent ? -1 : (event.hostname.map { names.intern($0) } ?? -1)
        let found = tasks.position(of: id)
        let isNew = found == nil
        var task = found.map { tasks.take(at: $0) } ?? TaskRecord(id: id)
        let wasFinished = task.phase.isFinished && !isNew
        let previous = task.phase
        let wasUnnamed = task.name < 0
        let priorTransitions = wasUnnamed && !isNew ? task.transitions : []

        // Celery's rule: an event whose state ranks after the current one happened before it
        // (events cross on the wire), so it only fills in the fields that state owns.
        let supersedes = isNew || phase == .retry || task.phase == .retry || phase.precedence <= task.phase.precedence
        mergeFields(event, into: &task, phase: phase, time: time)
        if supersedes {
            task.phase = phase
            if workerIndex >= 0 { task.worker = workerIndex }
        }
        task.insertTransition(TaskTransition(phase: phase, time: time, worker: workerIndex))
        let position: Int
        if let found {
            tasks.replace(at: found, with: task)
            position = found
        } else if let added = tasks.insert(task) {
            position = added
        } else {
            recordMalformed("task id longer than \(TaskKey.maxTextLength) bytes")
            return
        }
        let handle = tasks.handle(at: position)
        if isNew {
            arrivalOrder.append(handle)
            if let parent = task.parentID, !task.isOwnID(parent) { tasks.update(parent) { $0.children.append(id) } }
        }
        if wasUnnamed, task.name >= 0, !isNew {
            // The name came late (events crossed): credit the states seen before it.
            for earlier in priorTransitions { countType(of: task, phase: earlier.phase, now: now) }
        }
        countTransition(of: task, phase: phase, now: now)
        if task.phase.isFinished, !wasFinished || previous != task.phase { finishOrder.append(handle) }
        if tasks.count > maxTasks { evict() }
    }

    private mutating func mergeFields(_ event: CeleryEvent, into task: inout TaskRecord, phase: TaskPhase, time: Double) {
        if let name = event.name { task.name = names.intern(name) }
        if let args = event.args { task.args = args }
        if let kwargs = event.kwargs { task.kwargs = kwargs }
        if let retries = event.retries { task.retries = Int32(clamping: retries) }
        if let eta = event.eta { task.eta = eta }
        if let expires = event.expires { task.expires = expires }
        if let root = event.rootID { task.rootID = root }
        if let parent = event.parentID { task.parentID = parent }
        if let queue = event.queue ?? event.routingKey { task.queue = names.intern(queue) }
        switch phase {
        case .pending: task.sent = task.sent ?? time
        case .received: task.received = task.received ?? time
        case .started: task.started = task.started ?? time
        case .success:
            task.result = event.result ?? task.result
            task.runtime = event.runtime ?? task.runtime
            task.finished = time
        case .failure, .retry:
            task.exception = event.exception ?? task.exception
            task.traceback = event.traceback ?? task.traceback
            if phase == .failure { task.finished = time }
        case .revoked, .rejected:
            task.finished = time
        }
    }

    private mutating func countTransition(of task: TaskRecord, phase: TaskPhase, now: Double) {
        switch phase {
        case .received:
            received.add(at: now)
            if let queue = queueOfReceived(task) { queues[queue, default: QueueRecord(name: queue)].received.add(at: now) }
        case .success: succeeded.add(at: now)
        case .failure: failed.add(at: now)
        case .retry: retried.add(at: now)
        case .revoked: revoked.add(at: now)
        case .pending:
            if let queue = names[task.queue] {
                queues[queue, default: QueueRecord(name: queue)].sent.add(at: now)
                queues[queue]?.countsSent = true
            }
        default: break
        }
        countType(of: task, phase: phase, now: now)
    }

    private mutating func countType(of task: TaskRecord, phase: TaskPhase, now: Double) {
        guard let name = names[task.name] else { return }
        var stats = taskTypes[name] ?? TaskTypeStats(name: name)
        stats.counts[Int(phase.rawValue)] += 1
        if phase == .success || phase == .failure { stats.done.add(at: now) }
        if phase == .failure { stats.failed.add(at: now) }
        if phase == .success, let runtime = task.runtime { stats.runtimes.add(runtime) }
        taskTypes[name] = stats
    }

    /// Drops tasks until the bound holds: the oldest finished first, else the oldest.
    private mutating func evict() {
        while tasks.count > maxTasks {
            var removed = false
            while let handle = finishOrder.popFirst() {
                if let position = tasks.position(of: handle), tasks.storedRecord(at: position).phase.isFinished {
                    tasks.remove(at: position)
                    removed = true
                    break
                }
            }
            if !removed {
                while let handle = arrivalOrder.popFirst() {
                    if let position = tasks.position(of: handle) {
                        tasks.remove(at: position)
                        removed = true
                        break
                    }
                }
            }
            guard removed else { return }
            evictedCount += 1
        }
        // The queues hold evicted tasks lazily; trim their fronts, and filter them when they
        // grow past twice the bound, so they cannot grow forever.
        while let first = arrivalOrder.first, tasks.position(of: first) == nil { arrivalOrder.removeFirst() }
        if arrivalOrder.count > maxTasks * 2 { arrivalOrder = Deque(arrivalOrder.filter { tasks.position(of: $0) != nil }) }
        if finishOrder.count > maxTasks * 2 {
            finishOrder = Deque(finishOrder.filter { handle in
                tasks.position(of: handle).map { tasks.storedRecord(at: $0).phase.isFinished } ?? false
            })
        }
    }
}
