import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// The worker as the remote-control server sees it: every answer is read from (or applied to)
/// the running worker, nothing is canned.
extension Worker: ControlTarget {
    public func activeRequests() async -> [TaskRequestInfo] {
        await withPoolPIDs(active.values.sorted { ($0.request.timeStart ?? 0) < ($1.request.timeStart ?? 0) }
            .map { $0.request.info(hostname: nodename, workerPID: pid) })
    }

    public func reservedRequests() async -> [TaskRequestInfo] {
        reserved.map { $0.info(hostname: nodename, workerPID: nil) }
    }

    /// Held ETA requests; Celery reports them with its timer's priority, 6.
    public func scheduledRequests() async -> [ScheduledRequest] {
        held.items.map { entry in
            ScheduledRequest(eta: entry.item.message.headers.eta, priority: 6,
                             request: entry.item.info(hostname: nodename, workerPID: nil))
        }
    }

    public func readyRequest(id: String) async -> TaskRequestInfo? {
        recent.last { $0.id == id }?.info(hostname: nodename, workerPID: nil)
    }

    public func statistics() async -> WorkerStats {
        let url = configuration.brokerURL
        let broker: JSONObject
        switch url.endpoint {
        case .tcp(let host, let port):
            broker = WorkerStats.broker(hostname: host, port: port, virtualHost: String(url.database), userid: url.username)
        case .unix(let path):
            broker = WorkerStats.broker(hostname: path, port: 0, virtualHost: String(url.database), userid: url.username,
                                        transport: "redis+socket")
        }
        let prefetch = await consumer.prefetch
        return WorkerStats(total: totalsOrder.map { ($0, totals[$0] ?? 0) }, pid: pid, clock: events.tick(),
                           uptime: Int(uptime), pool: await poolStatistics(),
                           broker: broker, prefetchCount: prefetch, rusage: Self.resourceUsage())
    }

    public func registeredTasks() async -> [RegisteredTask] {
        registry.names.compactMap { name in
            guard var task = registry[name] else { return nil }
            if let text = rateTexts[name] { task.options.rateLimit = text } else { task.options.rateLimit = nil }
            if let limits = timeLimits[name] {
                task.options.softTimeLimit = limits.soft
                task.options.timeLimit = limits.hard
            }
            return task
        }
    }

    public func activeQueues() async -> [QueueInfo] { queues }

    /// The settings that differ from Celery's defaults (all of them `withDefaults`), under
    /// Celery's names, with passwords masked as Celery masks them.
    public func configuration(withDefaults: Bool) async -> JSONObject {
        var object = JSONObject()
        object["broker_url"] = .string(configuration.brokerURL.render(maskPassword: true))
        object["result_backend"] = .string(configuration.effectiveResultBackendURL.render(maskPassword: true))
        object["worker_concurrency"] = .integer(concurrency)
        object["worker_prefetch_multiplier"] = .integer(configuration.prefetchMultiplier)
        object["worker_send_task_events"] = .bool(switches.taskEventsEnabled)
        object["task_acks_late"] = .bool(configuration.acksLate)
        object["task_queues"] = .array(queues.map { .string($0.name) })
        object["broker_transport_options"] = ["visibility_timeout": .double(configuration.visibilityTimeout)]
        object["result_expires"] = configuration.resultExpires.map(JSONValue.double) ?? .null
        object["task_time_limit"] = configuration.timeLimit.map(JSONValue.double) ?? .null
        object["task_soft_time_limit"] = configuration.softTimeLimit.map(JSONValue.double) ?? .null
        object["worker_state_db"] = .optionalString(configuration.stateDB)
        object["include"] = .array(registry.names.map(JSONValue.string))
        for member in poolConfiguration().members { object[member.key] = member.value }
        if withDefaults {
            object["task_default_queue"] = "celery"
            object["task_serializer"] = "json"
            object["result_serializer"] = "json"
            object["accept_content"] = ["json"]
            object["enable_utc"] = true
            object["timezone"] = nil
            object["worker_pool"] = .string(poolName)
            object["worker_enable_remote_control"] = true
            object["task_default_rate_limit"] = nil
            object["worker_heartbeat"] = configuration.withoutHeartbeat ? nil : .double(configuration.heartbeatInterval)
        }
        return object
    }

    public func revokedIDs() async -> [String] { revoked.ids }

    public func clockValue() async -> Int { events.tick() }

    public func observeClock(_ value: Int) async { events.adjustClock(value) }

    /// Marks ids revoked (saved to the state db), discards at once the ones this worker holds
    /// for an ETA or a slot, and with `terminate` cancels the running ones.
    public func revoke(_ ids: [String], terminate: Bool, signal: String) async -> [String] {
        let now = Self.now()
        for id in ids { revoked.insert(id, now: now) }
        let wanted = Set(ids)
        let heldNow = held.remove { wanted.contains($0.id) }
        var waiting: [TaskRequest] = []
        reserved.removeAll { request in
            guard wanted.contains(request.id) else { return false }
            waiting.append(request)
            return true
        }
        for request in heldNow + waiting { spawnDiscard(request, expired: false) }
        // Ids this worker does not hold get REVOKED in the backend now, as Celery 5.7's
        // `revoke` does; the held ones get it from their discard, with their group and parent.
        let handled = Set((heldNow + waiting).map(\.id)).union(active.values.map(\.request.id))
        let elsewhere = ids.filter { !handled.contains($0) }
        if !elsewhere.isEmpty { Task { await self.markRevoked(elsewhere) } }
        if !heldNow.isEmpty {
            armETATimer()
            Task { await updatePrefetch() }
        }
        saveStateDB()
        guard terminate else {
            // The process pool may hold an "active" task queued in a child, not started: it
            // must not run (Celery checks revocation before a task starts).
            for entry in active.values where wanted.contains(entry.request.id) { entry.handle.withdraw() }
            return []
        }
        let number = Self.signalNumber(signal)
        var terminated: [String] = []
        for entry in active.values where wanted.contains(entry.request.id) {
            entry.handle.terminate(signal: number)
            terminated.append(entry.request.id)
        }
        return terminated
    }

    public func mergeRevoked(_ ids: [String]) async { mergeRevokedNow(ids) }

    /// Stores REVOKED (`TaskRevokedError('revoked')`, no request context) for each id whose
    /// stored state is still pending, received, retrying or rejected. A ready state is never
    /// overwritten, and STARTED belongs to the worker running the task.
    nonisolated func markRevoked(_ ids: [String]) async {
        let open: Set<TaskState> = [.pending, .received, .retry, .rejected]
        for id in ids {
            do {
                let stored = try await results.client.get(ResultMeta.key(forTaskID: id))
                let state = try stored.map { try ResultMeta.decode($0).status } ?? .pending
                guard open.contains(state) else { continue }
                let meta = ResultMeta(taskID: id, status: .revoked, exception: .taskRevoked("revoked"), traceback: nil,
                                      children: nil, dateDone: CeleryDateTime(timeIntervalSince1970: Self.now()))
                try await results.store(meta, taskID: id)
            } catch {
                logger.warning("Failed to mark task \(id) as revoked in backend: \(error)")
            }
        }
    }

    public func setRateLimit(task: String, tasksPerSecond: Double, text: String) async -> Bool {
        guard registry[task] != nil else { return false }
        if tasksPerSecond > 0 {
            if var bucket = buckets[task] {
                bucket.setRate(tasksPerSecond)
                buckets[task] = bucket
            } else {
                buckets[task] = TokenBucket(rate: tasksPerSecond)
            }
            rateTexts[task] = text
        } else {
            buckets[task] = nil
            rateTexts[task] = nil
        }
        rateWake?.cancel()
        rateWake = nil
        dispatch()
        return true
    }

    public func setTimeLimits(task: String, soft: Double?, hard: Double?) async -> Bool {
        guard registry[task] != nil else { return false }
        timeLimits[task] = (soft, hard)
        return true
    }

    public func addConsumer(_ queue: QueueInfo) async -> Bool {
        guard !queues.contains(where: { $0.name == queue.name }) else { return false }
        do {
            try await consumer.addQueue(queue.name)
        } catch {
            logger.error("add_consumer \(queue.name) failed: \(error)")
            return false
        }
        guard !queues.contains(where: { $0.name == queue.name }) else { return false }
        queues.append(queue)
        logger.info("started consuming from \(queue.name)")
        return true
    }

    public func cancelConsumer(_ queue: String) async {
        await consumer.removeQueue(queue)
        queues.removeAll { $0.name == queue }
        logger.info("no longer consuming from \(queue)")
    }

    /// The pool grows or shrinks at once (the process pool starts or retires children); it
    /// never goes below one slot.
    public func resizePool(by delta: Int) async -> Bool {
        let size = concurrency + delta
        guard size >= 1 else { return false }
        concurrency = size
        await resizeBodyPool(to: size)
        await updatePrefetch()
        dispatch()
        logger.info("pool resized to \(size) slots")
        return true
    }

    public func setTaskEvents(_ enabled: Bool) async -> Bool { switches.setTaskEvents(enabled) }

    public func sendHeartbeat() async {
        await events.send(.workerHeartbeat, fields: EventFields.requestedHeartbeat(
            swIdent: configuration.softwareIdentity, swVer: configuration.softwareVersion, swSys: Self.systemName))
    }

    // MARK: Helpers

    /// `TERM`, `SIGTERM`, `9`… as a signal number; TERM (15) when unknown.
    nonisolated static func signalNumber(_ text: String) -> Int32 {
        let name = text.uppercased().hasPrefix("SIG") ? String(text.uppercased().dropFirst(3)) : text.uppercased()
        if let number = Int32(name) { return number }
        let names: [String: Int32] = ["HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12, "TERM": 15]
        return names[name] ?? 15
    }

    /// `getrusage(RUSAGE_SELF)` with Celery's keys.
    nonisolated static func resourceUsage() -> JSONObject {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return [
            "utime": .double(seconds(usage.ru_utime)), "stime": .double(seconds(usage.ru_stime)),
            "maxrss": .integer(Int(usage.ru_maxrss)), "ixrss": .integer(Int(usage.ru_ixrss)),
            "idrss": .integer(Int(usage.ru_idrss)), "isrss": .integer(Int(usage.ru_isrss)),
            "minflt": .integer(Int(usage.ru_minflt)), "majflt": .integer(Int(usage.ru_majflt)),
            "nswap": .integer(Int(usage.ru_nswap)), "inblock": .integer(Int(usage.ru_inblock)),
            "oublock": .integer(Int(usage.ru_oublock)), "msgsnd": .integer(Int(usage.ru_msgsnd)),
            "msgrcv": .integer(Int(usage.ru_msgrcv)), "nsignals": .integer(Int(usage.ru_nsignals)),
            "nvcsw": .integer(Int(usage.ru_nvcsw)), "nivcsw": .integer(Int(usage.ru_nivcsw)),
        ]
    }
}
