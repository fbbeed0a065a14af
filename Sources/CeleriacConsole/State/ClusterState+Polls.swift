extension ClusterState {
    mutating func apply(_ poll: QueueDepthPoll, now: Double) {
        var heads: [String: HeadSighting] = [:]
        for (name, depths) in poll.depths {
            var latency: QueueLatency?
            for message in poll.waiting[name] ?? [] where !message.id.isEmpty {
                let key = name + "\u{1F}\(message.step)"
                // Seen at the head before (same message still first in line) or just now.
                let since = headSightings[key].flatMap { $0.id == message.id ? $0.since : nil } ?? now
                heads[key] = HeadSighting(id: message.id, since: since)
                if !message.name.isEmpty { noteQueue(name, ofTaskNamed: message.name) }
                let age = waitingLatency(message, headSince: since, now: now)
                if let current = latency, current.age >= age.age { continue }
                latency = age
            }
            if let stated = poll.oldestAge[name] { latency = QueueLatency(age: stated, isExact: true, taskID: latency?.taskID ?? "") }
            queues[name, default: QueueRecord(name: name)].record(depths: depths, at: now, latency: latency)
        }
        // Only the heads of this round are kept: a message no longer first is no longer waiting
        // there (or another took its place).
        headSightings = heads
    }

    /// How long `message` has been ready to run (see `QueueLatency`): exact from its task-sent
    /// time or its ETA, else the best lower bound.
    func waitingLatency(_ message: WaitingMessage, headSince: Double, now: Double) -> QueueLatency {
        let task = tasks[message.id]
        if let eta = message.eta, eta >= now {
            // Not due yet: it is not late at all.
            return QueueLatency(age: 0, isExact: true, taskID: message.id)
        }
        if let sent = task?.sent {
            return QueueLatency(age: max(0, now - max(sent, message.eta ?? sent)), isExact: true, taskID: message.id)
        }
        if let eta = message.eta {
            return QueueLatency(age: max(0, now - eta), isExact: true, taskID: message.id)
        }
        var bound = now - headSince
        if let received = task?.received { bound = max(bound, now - received) }
        return QueueLatency(age: max(0, bound), isExact: false, taskID: message.id)
    }

    /// Remembers that tasks of `name` wait in `queue`, to count their task-received events for
    /// it (those events name no queue). A name seen in two queues is ambiguous and not used.
    mutating func noteQueue(_ queue: String, ofTaskNamed name: String) {
        let index = names.intern(queue)
        let task = names.intern(name)
        if let known = queueOfTaskName[task] {
            if known != index { queueOfTaskName[task] = -1 }
        } else if queueOfTaskName.count < 10_000 {
            // Bounded: task names are few, but a hostile stream could vary them endlessly.
            queueOfTaskName[task] = index
        }
    }

    /// The queue a received task came from, when it can be told: its own queue field, the one
    /// queue its worker consumes, or the one queue its task type was seen waiting in.
    func queueOfReceived(_ task: TaskRecord) -> String? {
        if let queue = names[task.queue] { return queue }
        if let host = names[task.worker], let consumed = workers[host]?.queues, consumed.count == 1 { return consumed[0] }
        if task.name >= 0, let index = queueOfTaskName[task.name], index >= 0 { return names[index] }
        return nil
    }

    mutating func apply(_ snapshot: NodeSnapshot, now: Double) {
        var worker = workers[snapshot.hostname] ?? WorkerRecord(hostname: snapshot.hostname)
        if let pid = snapshot.pid { worker.pid = pid }
        if let kind = snapshot.poolKind { worker.poolKind = kind }
        if let size = snapshot.poolSize { worker.poolSize = size }
        // A single-process pool lists only the worker itself: nothing to show apart from its pid.
        if let processes = snapshot.poolProcesses { worker.poolProcesses = processes == snapshot.pid.map { [$0] } ? [] : processes }
        if let processed = snapshot.processed { worker.processed = max(worker.processed, processed) }
        if let queues = snapshot.queues {
            worker.queues = queues.sorted()
            for queue in queues where self.queues[queue] == nil { self.queues[queue] = QueueRecord(name: queue) }
        }
        if let registered = snapshot.registered {
            worker.registered = registered.sorted()
            // Every registered task is a task type, so it can be rate-limited before it first runs.
            for name in registered where !name.hasPrefix("celery.") && taskTypes[name] == nil {
                taskTypes[name] = TaskTypeStats(name: name)
            }
        }
        if let conf = snapshot.conf { worker.conf = conf.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) } }
        // A worker that answers remote control is alive now, even before its next heartbeat.
        if worker.lastHeartbeat == nil { worker.lastHeartbeat = now }
        let host = names.intern(snapshot.hostname)
        if let active = snapshot.active {
            worker.activeTasks = active.map(\.id)
            for task in active { adopt(task, phase: .started, worker: host, now: now) }
        }
        if let reserved = snapshot.reserved {
            worker.reservedTasks = reserved.map(\.id)
            for task in reserved { adopt(task, phase: .received, worker: host, now: now) }
        }
        if let scheduled = snapshot.scheduled {
            worker.scheduledTasks = scheduled.map(\.id)
            for task in scheduled { adopt(task, phase: .received, worker: host, now: now) }
        }
        if let limits = snapshot.rateLimits {
            for (name, limit) in limits { taskTypes[name, default: TaskTypeStats(name: name)].rateLimit = limit }
        }
        workers[snapshot.hostname] = worker
    }

    /// A task a snapshot reports: known tasks only gain missing fields; unknown ones are added
    /// so the console is right from its first frame.
    private mutating func adopt(_ info: SnapshotTask, phase: TaskPhase, worker: Int32, now: Double) {
        if var known = tasks[info.id] {
            if known.name < 0 { known.name = names.intern(info.name) }
            if known.args == nil { known.args = info.args }
            if known.kwargs == nil { known.kwargs = info.kwargs }
            tasks[info.id] = known
            return
        }
        var task = TaskRecord(id: info.id)
        task.name = names.intern(info.name)
        task.args = info.args
        task.kwargs = info.kwargs
        task.phase = phase
        task.worker = worker
        let time = info.time ?? now
        if phase == .started { task.started = time }
        task.received = time
        task.transitions = [TaskTransition(phase: phase, time: time, worker: worker)]
        if let position = tasks.insert(task) { arrivalOrder.append(tasks.handle(at: position)) }
    }

    /// Records a rate limit the console set (the outcome of a successful rate-limit effect).
    public mutating func setRateLimit(_ rate: String, for task: String) {
        taskTypes[task, default: TaskTypeStats(name: task)].rateLimit = rate
    }
}
