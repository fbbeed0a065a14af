import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Worker {
    /// Pops deliveries while the worker runs. Decoding happens here, outside the actor; a
    /// broker error is logged and retried after a pause (the client reconnects by itself).
    func consumeLoop() async {
        var failing = false
        while phase == .running {
            if batchesRunning > 0, occupied >= dispatchLimit {
                // Batch runners hold every slot and fill the ones they free straight from the
                // queue (``runBatches(_:)``): prefetching beside them would only record messages
                // they could have settled on arrival. Back when a slot is freed otherwise (a
                // task that ran alone, the last runner ending); a slot a long body leaves free
                // is still filled from here.
                await withCheckedContinuation { waitingForSlots.append($0) }
                continue
            }
            do {
                // A whole batch per hop to the consumer. As many as there are free slots start
                // at once and are settled on arrival: they need neither a record nor an ack.
                let free = max(0, dispatchLimit - occupied - reserved.count)
                let batch = try await consumer.pollBatch(startingNow: free)
                guard !batch.isEmpty else { continue }
                if failing {
                    logger.info("connection to the broker restored; consuming again")
                    failing = false
                }
                await receive(batch)
                // Once for the whole batch: the requests that start now start together.
                dispatch()
            } catch ConsumerError.closed {
                break
            } catch {
                if !failing {
                    logger.error("consumer: cannot reach the broker (\(error)); retrying")
                    failing = true
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        consumeLoopEnded = true
    }

    /// Takes in what a poll handed out: task messages are accepted (not started yet), the rest
    /// rejected or kept in the failure store.
    func receive(_ batch: [Result<Delivery, ConsumerError>]) async {
        for item in batch {
            switch item {
            case .success(let delivery):
                do {
                    let message = try TaskMessage.decode(envelope: delivery.envelope)
                    await accept(delivery, message: message, dispatching: false)
                } catch {
                    await rejectMalformed(delivery, reason: "\(error)")
                }
            case .failure(.undecodable(let queue, let raw, let reason)):
                await recordUndecodable(queue: queue, raw: raw, reason: reason)
            case .failure(.closed):
                break
            }
        }
    }

    /// A decoded task message: unregistered, revoked or expired ones are discarded; the rest
    /// are announced (`task-received`) and held for their ETA or queued for a slot, and started
    /// at once unless the caller dispatches after a batch of them (`dispatching` false).
    func accept(_ delivery: Delivery, message: TaskMessage, dispatching: Bool = true) async {
        let now = Self.now()
        guard let task = registry[message.task] else {
            await rejectUnregistered(delivery, message: message)
            return
        }
        let request = TaskRequest(delivery: delivery, message: message, task: task, receivedAt: now)
        if discardedAsStale(request, now: now) { return }
        if switches.taskEventsEnabled {
            // Not awaited: a full buffer is published by a task of its own, off the actor.
            events.post(.taskReceived, fields: EventFields.taskReceived(for: message))
        }
        logger.info(TaskLogLines.received(request))
        if let eta = message.headers.eta?.timeIntervalSince1970, eta > now {
            held.schedule(request, at: eta)
            Task { await updatePrefetch() }
            armETATimer()
            return
        }
        reserved.append(request)
        if dispatching { dispatch() }
    }

    /// Starts as many reserved requests as there are free slots, skipping task types that have
    /// no rate-limit token yet (they wait in the worker, as in Celery) and arranging a wake-up
    /// for the earliest token.
    ///
    /// `handingOver`: called by a batch runner whose bodies have run; the batchable requests
    /// are returned for it to run next (it keeps its place among ``batchRunnerLimit``) instead
    /// of starting a batch of their own.
    @discardableResult
    func dispatch(handingOver: Bool = false) -> [BatchItem] {
        guard phase == .running else { return [] }
        let now = Self.now()
        var index = 0
        var earliestToken: Double?
        var limitedTypes: Set<String> = []
        var batch: [TaskRequest] = []
        let runners = handingOver ? batchesRunning - 1 : batchesRunning
        var poolBatch: [TaskRequest] = []
        while occupied + batch.count + poolBatch.count < dispatchLimit, index < reserved.count {
            let name = reserved[index].name
            if limitedTypes.contains(name) {
                index += 1
                continue
            }
            if var bucket = buckets[name] {
                let granted = bucket.take(now: now)
                if !granted {
                    let wait = bucket.waitTime(now: now)
                    earliestToken = min(earliestToken ?? wait, wait)
                    limitedTypes.insert(name)
                }
                buckets[name] = bucket
                if !granted {
                    index += 1
                    continue
                }
            }
            if runsInPoolBatch(reserved[index]) {
                poolBatch.append(reserved.remove(at: index))
                continue
            }
            let batched = runsInBatch(reserved[index])
            if batched, runners >= batchRunnerLimit {
                // Waits for a running batch to end, to start with the others freed by then.
                index += 1
                continue
            }
            let request = reserved.remove(at: index)
            if batched {
                batch.append(request)
            } else {
                begin(request, now: now)
            }
        }
        if !poolBatch.isEmpty { beginPoolBatch(poolBatch, now: now) }
        if let earliestToken { armRateWake(after: earliestToken) }
        if handingOver { return prepareBatch(batch, now: now) }
        if !batch.isEmpty { beginBatch(batch, now: now) }
        return []
    }

    /// Requests holding a slot: those in ``active`` but the ones only being concluded.
    var occupied: Int { active.count - concluding }

    /// Puts a request in a slot and runs it in its own task. A request revoked or expired
    /// while it waited is discarded instead.
    func begin(_ request: TaskRequest, now: Double) {
        if discardedAsStale(request, now: now) { return }
        var running = request
        running.timeStart = now
        let acksLate = request.acksLate(workerDefault: configuration.acksLate)
        running.acknowledged = !acksLate
        // Decided here, before the consume loop polls again and would record it unacked.
        let settledOnArrival = !acksLate && consumer.settleOnArrival(request.delivery)
        let handle = RunningTask()
        active[request.delivery.deliveryTag] = ActiveTask(request: running, handle: handle)
        let limits = effectiveLimits(for: request)
        let work = Task {
            await self.execute(running, handle: handle, acksLate: acksLate, settledOnArrival: settledOnArrival,
                               soft: limits.soft, hard: limits.hard)
            self.finished(running)
        }
        // A body without a time limit runs in this task, which a stop then cancels.
        if runsInline(soft: limits.soft, hard: limits.hard) { handle.carry(work) }
    }

    /// Discards a request revoked or expired by now (REVOKED, `task-revoked`, ack) and says so.
    func discardedAsStale(_ request: TaskRequest, now: Double) -> Bool {
        if revoked.contains(request.id, now: now) {
            spawnDiscard(request, expired: false)
            return true
        }
        if request.isExpired(now: now) {
            spawnDiscard(request, expired: true)
            return true
        }
        return false
    }

    /// The soft and hard limits of a request: the message's own, else the task type's (as
    /// changed by `time_limit`), else the worker's defaults.
    func effectiveLimits(for request: TaskRequest) -> (soft: Double?, hard: Double?) {
        let fromMessage = request.message.headers.timeLimit
        let typeLimits = timeLimits[request.name] ?? (request.task.options.softTimeLimit, request.task.options.timeLimit)
        let soft = fromMessage.softSeconds ?? typeLimits.soft ?? configuration.softTimeLimit
        let hard = fromMessage.hardSeconds ?? typeLimits.hard ?? configuration.timeLimit
        return (soft, hard)
    }

    /// Frees the slot of a finished request, counts it, and starts the next ones.
    func finished(_ request: TaskRequest) {
        count(request)
        startNextOrDrain()
    }

    /// Frees the slots of finished requests, counts them, and starts the next ones.
    func finished(_ requests: [TaskRequest]) {
        for request in requests { count(request) }
        startNextOrDrain()
    }

    func count(_ request: TaskRequest) {
        active[request.delivery.deliveryTag] = nil
        processed += 1
        if totals[request.name] == nil { totalsOrder.append(request.name) }
        totals[request.name, default: 0] += 1
        remember(request)
    }

    private func startNextOrDrain() {
        let waiting = waitingForSlots
        waitingForSlots.removeAll()
        for waiter in waiting { waiter.resume() }
        if phase == .running {
            dispatch()
        } else if active.isEmpty {
            resolveDrain()
        }
    }

    func remember(_ request: TaskRequest) {
        recent.append(request)
        if recent.count > Self.recentLimit { recent.removeFirst() }
    }

    // MARK: ETA

    /// Makes sure a timer fires at the earliest held ETA.
    func armETATimer() {
        guard let due = held.nextDue else {
            etaTimer?.task.cancel()
            etaTimer = nil
            return
        }
        if let current = etaTimer, current.due <= due { return }
        etaTimer?.task.cancel()
        let delay = max(0, due - Self.now())
        let task = Task { [weak self] in
            guard (try? await Task.sleep(for: .milliseconds(Int64(delay * 1000) + 1))) != nil else { return }
            await self?.releaseDue()
        }
        etaTimer = (task, due)
    }

    /// Moves the requests whose ETA has come to the reserved queue.
    func releaseDue() {
        etaTimer = nil
        guard phase == .running else { return }
        let due = held.popDue(now: Self.now())
        reserved.append(contentsOf: due)
        if !due.isEmpty { Task { await updatePrefetch() } }
        armETATimer()
        dispatch()
    }

    // MARK: Rate limits

    func armRateWake(after seconds: Double) {
        guard rateWake == nil else { return }
        rateWake = Task { [weak self] in
            guard (try? await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000) + 1))) != nil else { return }
            await self?.rateWoke()
        }
    }

    func rateWoke() {
        rateWake = nil
        dispatch()
    }
}
