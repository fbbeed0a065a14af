import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Requests of tasks whose bodies never suspend (``TaskRegistry/register(_:options:synchronous:)``),
/// started together, run one after another in one task: one settle or ack round for all of them
/// before the bodies, one result script after, their events and log lines buffered, and one hop
/// back into the worker to free their slots. The task then goes on with the next batch, whose
/// acks travel with the results of the one before (``runBatches(_:)``). Started one task each,
/// the same requests cost a task, three hops and a batcher's hand-over per request, which was
/// most of a busy worker's time per task. Only early-ack requests without time limits on the
/// async pool qualify; a body that does more than return a value (chain, callbacks, chord,
/// failure, retry) is concluded on its own as usual.
extension Worker {
    /// One request of a batch and what can stop it before its body starts.
    struct BatchItem: Sendable {
        var request: TaskRequest
        /// The request's synchronous body.
        var body: SynchronousTaskHandler
        var handle: RunningTask
        /// Settled on arrival (``Consumer/settleOnArrival(_:)``): no ack goes to the broker.
        var settledOnArrival: Bool
    }

    /// How many batch runners run at once: one per core. Requests freed while they run wait
    /// for a runner to hand over its slots and start together then, rather than trickling out
    /// one per freed slot in batches of one. A runner takes every slot its batch frees, so in
    /// a drain one runner usually carries the whole stream (measured at -c 16, one runner: 31-33k
    /// tasks/s; capped at half the slots each, two runners alternating: 22-35k). A body that
    /// runs long holds up the requests batched behind it: bodies that compute for long belong
    /// in `--pool threads` or `--pool process`, whose requests never batch.
    var batchRunnerLimit: Int { max(1, min(concurrency, Self.cores)) }

    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Whether `request` can run in a batch: a synchronous body, an early ack, no time limit,
    /// the async pool.
    func runsInBatch(_ request: TaskRequest) -> Bool {
        guard request.task.synchronousHandler != nil, !request.acksLate(workerDefault: configuration.acksLate) else { return false }
        let limits = effectiveLimits(for: request)
        return runsInline(soft: limits.soft, hard: limits.hard)
    }

    /// Puts the requests in slots and runs them in one task (revoked or expired ones are
    /// discarded instead, as ``begin(_:now:)`` does).
    func beginBatch(_ requests: [TaskRequest], now: Double) {
        let items = prepareBatch(requests, now: now)
        guard !items.isEmpty else { return }
        batchesRunning += 1
        Task {
            await self.runBatches(items)
        }
    }

    /// Puts the requests in slots, acked from now on, and makes them batch items.
    func prepareBatch(_ requests: [TaskRequest], now: Double) -> [BatchItem] {
        var items: [BatchItem] = []
        items.reserveCapacity(requests.count)
        for request in requests where !discardedAsStale(request, now: now) {
            // ``runsInBatch(_:)`` chose it for its synchronous body; without one it runs alone.
            guard let body = request.task.synchronousHandler else {
                begin(request, now: now)
                continue
            }
            var running = request
            running.timeStart = now
            running.acknowledged = true
            // Decided here, before the consume loop polls again and would record it unacked.
            let settled = consumer.settleOnArrival(request.delivery)
            let handle = RunningTask()
            active[request.delivery.deliveryTag] = ActiveTask(request: running, handle: handle)
            items.append(BatchItem(request: running, body: body, handle: handle, settledOnArrival: settled))
        }
        if !items.isEmpty {
            batchTotals.batches += 1
            batchTotals.requests += items.count
        }
        return items
    }

    /// Runs batches one after another while requests wait for them: when a batch's bodies
    /// have run, its slots go to the next batch, whose acks are written while the results of
    /// the one before are stored — one round trip per batch instead of two, each in Celery's
    /// order for its requests (ack before the body, result before `task-succeeded`). When no
    /// request is reserved, the runner takes the next batch straight from the queue instead,
    /// as many as it has free slots, settled on arrival (the consume loop waits while runners
    /// hold every slot, so nothing is prefetched beside them): the broker then neither records
    /// nor acks them, which halved redis-server's time per task in a deep drain (12.0-12.6 ->
    /// 6.8-7.6 µs, -c 16).
    nonisolated func runBatches(_ first: [BatchItem]) async {
        var items = first
        var stored: [TaskRequest] = []
        await settleAll(items)
        while true {
            let ran = runBodies(items)
            var (next, free) = await handOver(items.map(\.request), counting: stored)
            async let concluded: Void = conclude(ran)
            if next.isEmpty, free > 0 {
                // Nothing reserved: fill the freed slots straight from the queue, settled on
                // arrival (neither a record nor an ack), while the results are stored.
                next = await takeWaiting(free)
            }
            if !next.isEmpty { await settleAll(next) }
            await concluded
            stored = items.map(\.request)
            guard !next.isEmpty else { break }
            items = next
        }
        await endBatches(counting: stored)
    }

    /// Frees the slots of a batch whose bodies have run (its requests stay active until their
    /// results are stored), counts the batch before it, and takes the next batch's requests.
    /// Also says how many slots are free for the runner to fill from the queue when nothing
    /// reserved could start (none once the worker stops).
    func handOver(_ ran: [TaskRequest], counting stored: [TaskRequest]) -> (next: [BatchItem], free: Int) {
        concluding += ran.count
        countConcluded(stored)
        let next = dispatch(handingOver: true)
        let free = phase == .running && reserved.isEmpty ? max(0, dispatchLimit - occupied) : 0
        return (next, free)
    }

    /// Up to `free` messages that wait in the queue now, taken without waiting, then started as
    /// a batch for the calling runner (those that cannot start at once wait as any do).
    nonisolated func takeWaiting(_ free: Int) async -> [BatchItem] {
        // A broker error ends the runner quietly: the consume loop, woken when it ends, polls
        // again and reports the error and the recovery.
        guard let polled = try? await consumer.pollBatch(startingNow: free, waiting: false), !polled.isEmpty else { return [] }
        return await startPolled(polled)
    }

    func startPolled(_ polled: [Result<Delivery, ConsumerError>]) async -> [BatchItem] {
        await receive(polled)
        return dispatch(handingOver: true)
    }

    /// The runner's last batch is concluded: it gives up its place and the slots are counted.
    func endBatches(counting stored: [TaskRequest]) {
        batchesRunning -= 1
        countConcluded(stored)
        finished([])
    }

    private func countConcluded(_ requests: [TaskRequest]) {
        guard !requests.isEmpty else { return }
        concluding -= requests.count
        for request in requests { count(request) }
    }

    /// What the bodies of a batch did.
    struct BatchRun: Sendable {
        var succeeded: [(request: TaskRequest, value: JSONValue, runtime: Double)] = []
        var others: [(request: TaskRequest, outcome: ExecutionOutcome)] = []
    }

    /// Runs the bodies of a batch one after another, in Celery's order for each request:
    /// `task-started`, body.
    nonisolated func runBodies(_ items: [BatchItem]) -> BatchRun {
        var run = BatchRun()
        for item in items {
            let outcome = runBatched(item)
            if case .succeeded(let value, let runtime) = outcome, !Self.hasFollowers(item.request.message) {
                run.succeeded.append((item.request, value, runtime))
            } else {
                run.others.append((item.request, outcome))
            }
        }
        return run
    }

    /// Stores the results of a batch and sends its events: plain successes in one script call,
    /// failures, retries, chains and chords their usual way, side by side.
    nonisolated func conclude(_ run: BatchRun) async {
        if !run.succeeded.isEmpty { await concludeSucceeded(run.succeeded) }
        guard !run.others.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            for other in run.others {
                group.addTask { await self.conclude(other.request, outcome: other.outcome, acksLate: false) }
            }
        }
    }

    /// The early acks of a batch: one hop for those settled on arrival, one write for the rest.
    nonisolated func settleAll(_ items: [BatchItem]) async {
        let settled = items.filter(\.settledOnArrival).map(\.request.delivery)
        if !settled.isEmpty { await consumer.settled(settled) }
        let acked = items.filter { !$0.settledOnArrival }.map(\.request)
        if !acked.isEmpty { await ackAll(acked) }
    }

    /// ``ack(_:)`` for several requests in one write, with the same retries while the broker
    /// restarts; acks that still fail let go of their deliveries (they come back after the
    /// visibility timeout).
    nonisolated func ackAll(_ requests: [TaskRequest]) async {
        let deliveries = requests.map(\.delivery)
        let acked = await retryingWhileBrokerRestarts { () async throws(RedisError) in try await consumer.ack(deliveries) }
        if case .failure(let error) = acked {
            logger.error("ack of \(requests.count) tasks failed (they may be redelivered): \(error)")
            for delivery in deliveries { await consumer.release(delivery) }
        }
    }

    /// Runs one body of a batch, unless a revoke reached it first.
    nonisolated func runBatched(_ item: BatchItem) -> ExecutionOutcome {
        // A plain revoke that came before the body started (``RunningTask/withdraw()``).
        if item.handle.isWithdrawn { return .withdrawn }
        if case .terminate(let signal) = item.handle.stopReason { return .terminated(signal: signal, runtime: 0) }
        if switches.taskEventsEnabled {
            events.post(.taskStarted, fields: EventFields.taskStarted(uuid: item.request.id))
        }
        return TaskRunner.runSynchronous(item.body, context: item.request.context(hostname: nodename), handle: item.handle)
    }

    /// Whether a message calls for more than its own result when it succeeds: a chain step,
    /// callbacks, or a chord to report to.
    nonisolated static func hasFollowers(_ message: TaskMessage) -> Bool {
        let embed = message.body.embed
        return !(embed.callbacks ?? []).isEmpty || !(embed.chain ?? []).isEmpty || embed.chord != nil
    }

    /// Stores the results of plain successes in one script call, then sends their events and
    /// log lines.
    nonisolated func concludeSucceeded(_ succeeded: [(request: TaskRequest, value: JSONValue, runtime: Double)]) async {
        var metas: [(meta: ResultMeta, taskID: String)] = []
        metas.reserveCapacity(succeeded.count)
        let done = CeleryDateTime(timeIntervalSince1970: Self.now())
        for item in succeeded where !item.request.ignoresResult {
            let headers = item.request.message.headers
            metas.append((ResultMeta(taskID: item.request.id, status: .success, result: item.value, children: [],
                                     dateDone: done, groupID: headers.group, parentID: headers.parentID),
                          item.request.id))
        }
        if !metas.isEmpty { await storeAll(metas) }
        for item in succeeded {
            let repr = PythonRepr.repr(item.value)
            if switches.taskEventsEnabled {
                events.post(.taskSucceeded, fields: EventFields.taskSucceeded(uuid: item.request.id, result: repr,
                                                                              runtime: item.runtime))
            }
            logger.info(TaskLogLines.succeeded(item.request, runtime: item.runtime, repr: repr))
        }
    }

    /// ``store(_:for:)`` for many results at once, with the same retries while the broker
    /// restarts.
    nonisolated func storeAll(_ metas: [(meta: ResultMeta, taskID: String)]) async {
        let outcome = await retryingWhileBrokerRestarts(
            { () async throws(RedisError) in try await results.store(metas) },
            retrying: { error in logger.warning("\(metas.count) results not stored yet (\(error)); retrying") })
        switch outcome {
        case .success(let attempt):
            if attempt > 1 { logger.info("\(metas.count) results stored on attempt \(attempt)") }
        case .failure(let error):
            logger.error("\(metas.count) results not stored (\(metas.map(\.taskID).joined(separator: ", "))): \(error)")
        }
    }
}
