extension ClusterState {
    mutating func apply(_ poll: QueueDepthPoll, now: Double) {
        for (name, depths) in poll.depths {
            queues[name, default: QueueRecord(name: name)].record(depths: depths, at: now, oldestAge: poll.oldestAge[name])
        }
    }

    mutating func apply(_ snapshot: NodeSnapshot, now: Double) {
        var worker = workers[snapshot.hostname] ?? WorkerRecord(hostname: snapshot.hostname)
        if let pid = snapshot.pid { worker.pid = pid }
        if let kind = snapshot.poolKind { worker.poolKind = kind }
        if let size = snapshot.poolSize { worker.poolSize = size }
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
        tasks[info.id] = task
        arrivalOrder.append(info.id)
    }

    /// Records a rate limit the console set (the outcome of a successful rate-limit effect).
    public mutating func setRateLimit(_ rate: String, for task: String) {
        taskTypes[task, default: TaskTypeStats(name: task)].rateLimit = rate
    }
}
