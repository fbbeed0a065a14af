import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The worker's side of `--pool threads|process`: where a task body runs, what a lost child
/// means for its message, what `stats` says about the pool, and the autoscaler.
extension Worker {
    /// `async`, `threads`, or `process` when task bodies run in child processes.
    nonisolated var poolName: String {
        if pool != nil { return WorkerPoolKind.process.rawValue }
        return threadPool == nil ? WorkerPoolKind.async.rawValue : WorkerPoolKind.threads.rawValue
    }

    /// Starts the pool's threads or children and, with `--autoscale`, the loop that sizes the pool.
    func startPool() async {
        threadPool?.start()
        guard let pool else { return }
        concludePoolBatches(of: pool)
        await pool.start()
        if autoscaler != nil {
            loops.append(Task { [weak self] in await self?.autoscaleLoop() })
        }
    }

    /// Requests started at once. With the process pool, enough to fill each child's queue
    /// (``ProcessPoolOptions/queueDepth``: a child goes on to its next job without waiting for
    /// the parent) and three times as many waiting in the pool, so a child is topped up as soon
    /// as it sends a result while the slots of the results before are still held (their group
    /// is being concluded, ``concludePoolOutcomes(_:)``). With one job waiting per
    /// child, the children idled through every conclusion: a `-c 2` drain went 9,300-10,000 ->
    /// 16,700-17,400 tasks/s, result scripts of about 4 results to about 8 (parent 60 -> 35 µs per task).
    var dispatchLimit: Int {
        guard let pool else { return concurrency }
        return concurrency * (4 * max(1, pool.options.queueDepth) + 1)
    }

    /// Grows or shrinks the threads or children that run bodies (the async pool has none).
    func resizeBodyPool(to size: Int) async {
        threadPool?.resize(to: size)
        pool?.resize(to: size)
    }

    /// Stops the pool's threads (busy ones end after their body) or children.
    func stopPool() async {
        threadPool?.stop()
        await pool?.stop()
    }

    /// Whether a body runs in the task that runs its request (``TaskRunner/runInline(_:context:handle:)``):
    /// on the async pool, without a time limit to race.
    nonisolated func runsInline(soft: Double?, hard: Double?) -> Bool {
        threadPool == nil && pool == nil && (soft ?? 0) <= 0 && (hard ?? 0) <= 0
    }

    /// Runs a request's body: in a pool child, on a pool thread, or on the async pool (in the
    /// caller's task when ``runsInline(soft:hard:)``: the caller gave that task to `handle`).
    nonisolated func runBody(_ request: TaskRequest, soft: Double?, hard: Double?, handle: RunningTask) async -> ExecutionOutcome {
        let context = request.context(hostname: nodename)
        if runsInline(soft: soft, hard: hard) {
            return await TaskRunner.runInline(request.task, context: context, handle: handle)
        }
        if let threadPool {
            return await threadPool.run(request.task, context: context, softLimit: soft, hardLimit: hard, handle: handle)
        }
        guard let pool else {
            return await TaskRunner.run(request.task, context: context, softLimit: soft, hardLimit: hard, handle: handle)
        }
        return await pool.run(request.task, context: context, softLimit: soft, hardLimit: hard, handle: handle)
    }

    /// The child running a request died on its own (`WorkerLostError`). As Celery does: an
    /// acks-late task with `reject_on_worker_lost` goes back to its queue; any other fails
    /// (an acks-late message is acked, `acks_on_failure`).
    nonisolated func workerLost(_ request: TaskRequest, exception: ExceptionInfo, acksLate: Bool) async {
        let requeue = acksLate && (request.task.options.rejectOnWorkerLost ?? configuration.rejectOnWorkerLost)
        if requeue {
            logger.warning("Task \(request.name)[\(request.id)] lost its process (\(exception.pythonRepr)); requeued (reject_on_worker_lost)")
            await reject(request, requeue: true)
            return
        }
        logger.error("Task handler raised error: \(exception.pythonRepr)")
        await fail(request, exception: exception, traceback: exception.workerLostTraceback, acksLate: acksLate, logged: true)
    }

    /// The `pool` object of `stats`.
    func poolStatistics() async -> JSONObject {
        if let threadPool { return threadPool.statistics() }
        guard let pool else {
            return WorkerStats.pool(implementation: "celeriac.async:TaskPool", maxConcurrency: concurrency, processes: [pid])
        }
        return pool.statistics(softTimeout: configuration.softTimeLimit, hardTimeout: configuration.timeLimit)
    }

    /// The pool's settings under Celery's names, for `conf` (nothing on the async pool).
    func poolConfiguration() -> JSONObject {
        var object = JSONObject()
        if threadPool != nil { object["worker_pool"] = .string(poolName) }
        guard let options = pool?.options else { return object }
        object["worker_pool"] = .string(poolName)
        object["worker_max_tasks_per_child"] = options.maxTasksPerChild.map(JSONValue.integer) ?? .null
        object["worker_max_memory_per_child"] = options.maxMemoryPerChildKiB.map(JSONValue.integer) ?? .null
        if let autoscale = options.autoscale { object["worker_autoscale"] = .string("\(autoscale.max),\(autoscale.min)") }
        object["task_reject_on_worker_lost"] = .bool(configuration.rejectOnWorkerLost)
        return object
    }

    /// Active requests with the pid of the child running each (Celery's `worker_pid`: None
    /// until a child accepted the job).
    func withPoolPIDs(_ infos: [TaskRequestInfo]) async -> [TaskRequestInfo] {
        guard let pool else { return infos }
        var result = infos
        for index in result.indices {
            result[index].workerPID = pool.pid(runningTask: result[index].id)
        }
        return result
    }

    /// Celery's autoscaler tick, once a second.
    func autoscaleLoop() async {
        while !Task.isCancelled, phase == .running {
            try? await Task.sleep(for: .seconds(1))
            guard phase == .running, var scaler = autoscaler else { return }
            let delta = scaler.change(held: active.count + reserved.count, processes: concurrency, now: Self.now())
            autoscaler = scaler
            if delta != 0 {
                logger.info("Scaling \(delta > 0 ? "up" : "down") \(abs(delta)) processes.")
                _ = await resizePool(by: delta)
            }
        }
    }

    /// `autoscale(max, min)`: new bounds, the pool brought within them at once.
    public func autoscale(max: Int?, min: Int?) async -> JSONValue {
        guard var scaler = autoscaler else {
            return ControlReplies.error(PythonRepr.exceptionRepr(type: "ValueError", arguments: ["Autoscale not enabled"]))
        }
        let size = scaler.update(max: max, min: min, processes: concurrency)
        autoscaler = scaler
        if let size { _ = await resizePool(by: size - concurrency) }
        return ["ok": .string("autoscale now max=\(scaler.max) min=\(scaler.min)")]
    }
}
