import Celeriac
import CeleriacProtocol

/// Requests started together on the process pool, as one batch: one settle or ack round for
/// all of them and one hand-over to the pool (one write per child). Their outcomes come back
/// through ``ProcessPool/batchOutcomes`` in groups (all that arrived while the previous group
/// was being concluded): one result script for the group's plain successes and one hop back
/// into the worker to free their slots. Started one task each, the same requests cost a task,
/// a continuation, a result script and a hop per request, which was most of the parent's time
/// per task. Any other outcome (failure, retry, time limit, lost child, terminate, a success
/// with followers) is concluded on its own, as a lone request's is.
extension Worker {
    /// Whether `request` can start in a process-pool batch: an early ack and no STARTED state
    /// to store before its body (time limits are the pool's, per job, either way).
    func runsInPoolBatch(_ request: TaskRequest) -> Bool {
        pool != nil && !configuration.trackStarted && !request.acksLate(workerDefault: configuration.acksLate)
    }

    /// Has the pool's batched outcomes concluded by this worker.
    func concludePoolBatches(of pool: ProcessPool) {
        pool.batchOutcomes.setConcluder { [weak self] outcomes in await self?.concludePoolOutcomes(outcomes) }
    }

    /// Puts the requests in slots and hands them to the pool in one task (revoked or expired
    /// ones are discarded instead, as ``begin(_:now:)`` does).
    func beginPoolBatch(_ requests: [TaskRequest], now: Double) {
        guard let pool else {
            for request in requests { begin(request, now: now) }
            return
        }
        var settled: [Delivery] = []
        var acked: [TaskRequest] = []
        var jobs: [PoolBatchJob] = []
        jobs.reserveCapacity(requests.count)
        for request in requests where !discardedAsStale(request, now: now) {
            var running = request
            running.timeStart = now
            running.acknowledged = true
            // Decided here, before the consume loop polls again and would record it unacked.
            if consumer.settleOnArrival(request.delivery) {
                settled.append(request.delivery)
            } else {
                acked.append(running)
            }
            let handle = RunningTask()
            active[request.delivery.deliveryTag] = ActiveTask(request: running, handle: handle)
            let limits = effectiveLimits(for: request)
            jobs.append(PoolBatchJob(request: running, context: running.context(hostname: nodename), softLimit: limits.soft,
                                     hardLimit: limits.hard, handle: handle))
        }
        guard !jobs.isEmpty else { return }
        Task { await self.startPoolBatch(jobs, settled: settled, acked: acked, on: pool) }
    }

    /// Celery's order for each request up to its body: the early ack, `task-started`, then
    /// the body in a child.
    nonisolated func startPoolBatch(_ jobs: [PoolBatchJob], settled: [Delivery], acked: [TaskRequest], on pool: ProcessPool) async {
        if !settled.isEmpty { await consumer.settled(settled) }
        if !acked.isEmpty { await ackAll(acked) }
        if switches.taskEventsEnabled {
            for job in jobs { events.post(.taskStarted, fields: EventFields.taskStarted(uuid: job.request.id)) }
        }
        pool.run(batch: jobs)
    }

    /// Concludes a group of outcomes: the plain successes by one result script and one hop,
    /// the others each on its own, as a lone request's.
    nonisolated func concludePoolOutcomes(_ outcomes: PoolOutcomeInbox.Outcomes) async {
        var succeeded: [(request: TaskRequest, value: JSONValue, runtime: Double)] = []
        succeeded.reserveCapacity(outcomes.count)
        for (request, outcome) in outcomes {
            if case .succeeded(let value, let runtime) = outcome, !Self.hasFollowers(request.message) {
                succeeded.append((request, value, runtime))
            } else {
                // Without holding up the group: a failure's writes, a retry's publish.
                Task {
                    await self.conclude(request, outcome: outcome, acksLate: false)
                    await self.finished(request)
                }
            }
        }
        guard !succeeded.isEmpty else { return }
        await concludeSucceeded(succeeded)
        await finished(succeeded.map(\.request))
    }
}
