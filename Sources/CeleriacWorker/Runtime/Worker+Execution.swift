import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Worker {
    /// Runs one request in its slot, in Celery's order: ack (early), `task-started`, the
    /// task, then what its outcome calls for (chain and callbacks, the result, the late ack,
    /// the final event). Runs outside the actor; only ``finished(_:)`` hops back in.
    ///
    /// `settledOnArrival`: the message was settled when the task began
    /// (``Consumer/settleOnArrival(_:)``): it left the queue and was never recorded unacked,
    /// which other parties see as acked before anything the task does, so the early ack needs
    /// no round trip and the task runs at once.
    nonisolated func execute(_ request: TaskRequest, handle: RunningTask, acksLate: Bool, settledOnArrival: Bool = false,
                             soft: Double?, hard: Double?) async {
        if settledOnArrival {
            await consumer.settled(request.delivery)
        } else if !acksLate {
            await ack(request)
        } else {
            // A late ack holds the message unacked while the task runs: recorded before the body
            // starts, so a worker killed meanwhile leaves it for the visibility timeout.
            do {
                try await consumer.ensureRecorded(request.delivery)
            } catch {
                logger.warning("\(request.name)[\(request.id)] not recorded unacked yet (\(error)); the next poll tries again")
            }
        }
        if switches.taskEventsEnabled {
            // Buffered without a hop: nothing waits for it before the body runs.
            events.post(.taskStarted, fields: EventFields.taskStarted(uuid: request.id))
        }
        if configuration.trackStarted, !request.ignoresResult {
            let meta = ResultMeta(taskID: request.id, status: .started, result: ["pid": .integer(pid), "hostname": .string(nodename)],
                                  dateDone: nil, groupID: request.message.headers.group, parentID: request.message.headers.parentID)
            await store(meta, for: request)
        }
        let outcome = await runBody(request, soft: soft, hard: hard, handle: handle)
        if Task.isCancelled {
            // A stop (`revoke --terminate`) came while the body ran in this task
            // (``runsInline(soft:hard:)``) and left it cancelled, which would cut short the waits
            // of the writes below (retries, reconnects): they go on in a task of their own.
            await Task { await self.conclude(request, outcome: outcome, acksLate: acksLate) }.value
        } else {
            await conclude(request, outcome: outcome, acksLate: acksLate)
        }
    }

    /// What the outcome of a body calls for: chain and callbacks, the result, the late ack, the
    /// final event.
    nonisolated func conclude(_ request: TaskRequest, outcome: ExecutionOutcome, acksLate: Bool) async {
        switch outcome {
        case .succeeded(let value, let runtime):
            await succeed(request, value: value, runtime: runtime, acksLate: acksLate)
        case .failed(let info, let traceback, _):
            let options = request.task.options
            if let reject = TaskReject.from(info) {
                await rejected(request, reject: reject, exception: info, traceback: traceback, acksLate: acksLate)
            } else if options.autoretryFor.contains(info.type) {
                var generator = SystemRandomNumberGenerator()
                let countdown = options.retryBackoff.map {
                    RetryBackoff.delay(factor: $0, retries: request.message.headers.retries, maximum: options.retryBackoffMax,
                                       fullJitter: options.retryJitter, using: &generator)
                } ?? options.defaultRetryDelay
                await retry(request, exception: info, traceback: traceback, countdown: countdown, maxRetries: .none,
                            acksLate: acksLate)
            } else {
                await fail(request, exception: info, traceback: traceback, acksLate: acksLate)
            }
        case .retry(let retryRequest, _):
            await retry(request, exception: nil, traceback: nil,
                        countdown: retryRequest.countdown ?? request.task.options.defaultRetryDelay,
                        maxRetries: retryRequest.maxRetries, acksLate: acksLate)
        case .timeLimitExceeded(let limit, let abandoned, _):
            let seconds: JSONValue = limit == limit.rounded() && abs(limit) < 1e15 ? .int(Int64(limit)) : .double(limit)
            let note = abandoned ? "; its code ignored cancellation and is abandoned, still running detached" : ""
            logger.error("Hard time limit (\(OptionNumber.text(limit))s) exceeded for \(request.name)[\(request.id)]\(note)")
            let info = ExceptionInfo.timeLimitExceeded(seconds)
            let traceback = "Traceback (most recent call last):\n  File \"celeriac\", in \(request.name)\n"
                + "billiard.exceptions.TimeLimitExceeded: \(info.pythonRepr)\n"
            await fail(request, exception: info, traceback: traceback, acksLate: acksLate, storedTraceback: .some(nil),
                       logged: true)
        case .workerLost(let info, _):
            await workerLost(request, exception: info, acksLate: acksLate)
        case .terminated(_, _) where switches.isAbandoning:
            let fate = acksLate ? "its message goes back to the queue" : "its message was acked early and is not requeued"
            logger.warning("Task \(request.name)[\(request.id)] cancelled by the shutdown; \(fate)")
        case .withdrawn:
            await discard(request, expired: false, acked: !acksLate)
        case .terminated(let signal, _):
            logger.warning("Task \(request.name)[\(request.id)] terminated (signal \(signal))")
            await storeRevoked(request, reason: "terminated")
            if acksLate { await ack(request) }
            if switches.taskEventsEnabled {
                await events.buffer(.taskRevoked, fields: EventFields.taskRevoked(uuid: request.id, terminated: true,
                                                                                  signum: Int(signal), expired: false))
            }
        }
    }

    nonisolated func succeed(_ request: TaskRequest, value: JSONValue, runtime: Double, acksLate: Bool) async {
        let children = await publishFollowers(of: request, result: value)
        var stored = true
        if !request.ignoresResult {
            let meta = ResultMeta(taskID: request.id, status: .success, result: value, children: children,
                                  dateDone: CeleryDateTime(timeIntervalSince1970: Self.now()),
                                  groupID: request.message.headers.group, parentID: request.message.headers.parentID)
            stored = await store(meta, for: request)
        }
        await chordPartReturned(request, state: .success, result: value)
        if acksLate { await ackLate(request, resultStored: stored) }
        let repr = PythonRepr.repr(value)
        if switches.taskEventsEnabled {
            await events.buffer(.taskSucceeded, fields: EventFields.taskSucceeded(uuid: request.id, result: repr, runtime: runtime))
        }
        logger.info(TaskLogLines.succeeded(request, runtime: runtime, repr: repr))
    }

    /// A task raised ``TaskReject``. With `requeue` and its message still unacked, the message
    /// goes back to the end of its queue (`task-rejected`, requeue true). Otherwise the task
    /// fails with `Reject`, and a message still unacked is dropped (`task-rejected`, requeue
    /// false), as Celery does.
    nonisolated func rejected(_ request: TaskRequest, reject: TaskReject, exception: ExceptionInfo, traceback: String,
                              acksLate: Bool) async
    {
        if reject.requeue, acksLate {
            logger.info("Task \(request.name)[\(request.id)] rejected and requeued: \(reject.reason ?? "no reason")")
            await self.reject(request, requeue: true)
            if switches.taskEventsEnabled {
                await events.buffer(.taskRejected, fields: EventFields.taskRejected(uuid: request.id, requeue: true))
            }
            return
        }
        if reject.requeue {
            logger.warning("Task \(request.name)[\(request.id)] asked to be requeued, but its message was acked when it started")
        }
        await fail(request, exception: exception, traceback: traceback, acksLate: false)
        if acksLate {
            await self.reject(request, requeue: false)
            if switches.taskEventsEnabled {
                await events.buffer(.taskRejected, fields: EventFields.taskRejected(uuid: request.id, requeue: false))
            }
        }
    }

    /// Stores FAILURE, calls the errbacks, acks a late message, sends `task-failed` and keeps
    /// the message in the failure store. `storedTraceback` overrides the traceback stored in
    /// the result (`.some(nil)`: none, as Celery stores for a hard time limit).
    nonisolated func fail(_ request: TaskRequest, exception: ExceptionInfo, traceback: String, acksLate: Bool,
                          storedTraceback: String?? = .none, logged: Bool = false) async
    {
        if !logged {
            logger.error("Task \(request.name)[\(request.id)] raised unexpected: \(exception.pythonRepr)\n\(traceback.trimmingNewlines())")
        }
        await publishErrbacks(of: request)
        var stored = true
        if !request.ignoresResult {
            let meta = ResultMeta(taskID: request.id, exception: exception, traceback: storedTraceback ?? traceback,
                                  dateDone: CeleryDateTime(timeIntervalSince1970: Self.now()),
                                  groupID: request.message.headers.group, parentID: request.message.headers.parentID)
            stored = await store(meta, for: request)
        }
        await chordPartReturned(request, state: .failure, result: exception.jsonValue)
        if acksLate { await ackLate(request, resultStored: stored) }
        if switches.taskEventsEnabled {
            await events.buffer(.taskFailed, fields: EventFields.taskFailed(uuid: request.id, exception: exception.pythonRepr,
                                                                            traceback: traceback))
        }
        await recordFailure(raw: request.delivery.raw, taskID: request.id, name: request.name, queue: request.queue,
                            reason: .failed, exception: exception.pythonRepr, traceback: traceback)
    }

    /// Celery's `Task.retry()`: republish the same id with `retries + 1` and an absolute ETA,
    /// store RETRY, send `task-retried`, then ack the old message. Past the task's
    /// `max_retries` the task fails instead: with the exception that caused the retry, or
    /// `MaxRetriesExceededError` when there was none.
    nonisolated func retry(_ request: TaskRequest, exception: ExceptionInfo?, traceback: String?, countdown: Double,
                           maxRetries: Int??, acksLate: Bool) async
    {
        let retries = request.message.headers.retries
        let limit = maxRetries ?? request.task.options.maxRetries
        if let limit, retries >= limit {
            if let exception, let traceback {
                await fail(request, exception: exception, traceback: traceback, acksLate: acksLate)
            } else {
                let info = ExceptionInfo(
                    type: "MaxRetriesExceededError",
                    arguments: [.string("Can't retry \(request.name)[\(request.id)] args:\(request.argsRepr) kwargs:\(request.kwargsRepr)")],
                    module: "celery.exceptions")
                await fail(request, exception: info, traceback: info.pythonTraceback(task: request.name), acksLate: acksLate)
            }
            return
        }
        let delay = max(0, countdown)
        let eta = CeleryDateTime(timeIntervalSince1970: Self.now() + delay)
        let builder = TaskMessageBuilder.retry(of: request.message, eta: eta, deliveryTag: UUID().uuidString.lowercased())
        let reason = "Retry in \(OptionNumber.text(delay))s"
        do {
            let message = try builder.build()
            try await publish(message, exchange: request.delivery.exchange)
        } catch {
            logger.error("Task \(request.name)[\(request.id)] could not be republished for its retry: \(error)")
            if acksLate { await reject(request, requeue: true) }
            return
        }
        let retryTraceback = "Traceback (most recent call last):\n  File \"celeriac\", in \(request.name)\n"
            + "celery.exceptions.Retry: \(reason)\n"
        if !request.ignoresResult {
            let meta = ResultMeta(taskID: request.id, status: .retry, result: exception?.jsonValue ?? .null,
                                  traceback: retryTraceback, children: [.task(id: request.id, parent: nil)], dateDone: nil,
                                  groupID: request.message.headers.group, parentID: request.message.headers.parentID)
            await store(meta, for: request)
        }
        if switches.taskEventsEnabled {
            await events.buffer(.taskRetried, fields: EventFields.taskRetried(uuid: request.id, exception: exception?.pythonRepr ?? "None",
                                                                              traceback: retryTraceback))
        }
        if acksLate { await ack(request) }
        logger.info("Task \(request.name)[\(request.id)] retry: \(reason)")
    }

    // MARK: Canvas

    /// Publishes the next chain step and the success callbacks; returns the result
    /// references Celery records as `children`.
    nonisolated func publishFollowers(of request: TaskRequest, result: JSONValue) async -> [ResultReference] {
        var children: [ResultReference] = []
        let message = request.message
        // Most tasks have neither: no delivery tag (a UUID) is made for nothing.
        guard !(message.body.embed.callbacks ?? []).isEmpty || !(message.body.embed.chain ?? []).isEmpty else { return children }
        for callback in message.body.embed.callbacks ?? [] {
            let builder = TaskMessageBuilder.calling(callback, args: callback.arguments(afterParentResult: result),
                                                     rootID: message.headers.rootID, parentID: message.id, origin: nodename,
                                                     deliveryTag: UUID().uuidString.lowercased())
            if await publishFollower(builder, of: request, what: "callback") { children.append(.task(id: builder.id, parent: nil)) }
        }
        if let builder = TaskMessageBuilder.nextChainStep(after: message, result: result, origin: nodename,
                                                          deliveryTag: UUID().uuidString.lowercased())
        {
            if await publishFollower(builder, of: request, what: "chain step") { children.append(.task(id: builder.id, parent: nil)) }
        }
        return children
    }

    /// Publishes the errbacks of a failed task, called with its id (Celery's old-style
    /// errback call for signatures the worker does not run itself).
    nonisolated func publishErrbacks(of request: TaskRequest) async {
        let message = request.message
        for errback in message.body.embed.errbacks ?? [] {
            let args = errback.immutable ? errback.args : [.string(request.id)] + errback.args
            let builder = TaskMessageBuilder.calling(errback, args: args, rootID: message.headers.rootID, parentID: message.id,
                                                     origin: nodename, deliveryTag: UUID().uuidString.lowercased())
            _ = await publishFollower(builder, of: request, what: "errback")
        }
    }

    nonisolated func publishFollower(_ builder: TaskMessageBuilder, of request: TaskRequest, what: String) async -> Bool {
        do {
            let message = try builder.build()
            try await publish(message, exchange: "")
            return true
        } catch {
            logger.error("Task \(request.name)[\(request.id)]: \(what) \(builder.name) not published: \(error)")
            return false
        }
    }

    /// LPUSHes a task message to its queue (through the anonymous exchange) or routes it
    /// through a named exchange.
    nonisolated func publish(_ message: TaskMessage, exchange: String) async throws(RedisError) {
        let routingKey = message.properties.deliveryInfo.routingKey ?? "celery"
        let priority = Priority.of(message.properties)
        if exchange.isEmpty {
            try await transport.declareOnce(routingKey)
            try await transport.publish(message.encoded(), toQueue: routingKey, priority: priority)
        } else {
            try await transport.publishDirect(message.encoded(), exchange: exchange, routingKey: routingKey, priority: priority)
        }
    }

    // MARK: Broker and backend writes

    /// Acks, trying again while the broker restarts (as ``store(_:for:)`` does). An ack that
    /// still fails lets go of the delivery here, so its prefetch slot is not held forever; the
    /// message comes back after the visibility timeout and runs again.
    nonisolated func ack(_ request: TaskRequest) async {
        let acked = await retryingWhileBrokerRestarts { () async throws(RedisError) in try await consumer.ack(request.delivery) }
        if case .failure(let error) = acked {
            logger.error("ack of \(request.name)[\(request.id)] failed (it may be redelivered): \(error)")
            await consumer.release(request.delivery)
        }
    }

    nonisolated func reject(_ request: TaskRequest, requeue: Bool) async {
        do {
            try await consumer.reject(request.delivery, requeue: requeue)
        } catch {
            logger.error("reject of \(request.name)[\(request.id)] failed: \(error)")
        }
    }

    /// Stores a task state. A broker that cannot be reached for a moment (restarting after a
    /// crash) is tried again with growing delays, about 20 s in all, as Celery's Redis backend
    /// does (its `retry_policy`). Returns whether the state was stored: a late ack must not go
    /// out for a result that was never written, or the result is lost for good.
    @discardableResult
    nonisolated func store(_ meta: ResultMeta, for request: TaskRequest) async -> Bool {
        let outcome = await retryingWhileBrokerRestarts(
            { () async throws(RedisError) in try await results.store(meta, taskID: request.id) },
            retrying: { error in logger.warning("result of \(request.name)[\(request.id)] not stored yet (\(error)); retrying") })
        switch outcome {
        case .success(let attempt):
            if attempt > 1 { logger.info("result of \(request.name)[\(request.id)] stored on attempt \(attempt)") }
            return true
        case .failure(let error):
            logger.error("result of \(request.name)[\(request.id)] not stored: \(error)")
            return false
        }
    }

    /// Tries of ``store(_:for:)`` before it gives up.
    nonisolated static var resultStoreAttempts: Int { 24 }

    /// Runs `write` until it succeeds, trying again with growing delays (0.1 s, doubling up to
    /// 1 s; ``resultStoreAttempts`` tries, about 20 s) while its error is transient (a broker
    /// restarting) and the worker is not abandoning its work. `retrying` hears of the first
    /// failure that is tried again. Returns the attempt that succeeded, or the error given up on.
    nonisolated func retryingWhileBrokerRestarts(_ write: () async throws(RedisError) -> Void,
                                                 retrying: (RedisError) -> Void = { _ in }) async -> Result<Int, RedisError>
    {
        var delay = 0.1
        var attempt = 1
        while true {
            do {
                try await write()
                return .success(attempt)
            } catch {
                guard error.isTransient, attempt < Self.resultStoreAttempts, !switches.isAbandoning else { return .failure(error) }
                if attempt == 1 { retrying(error) }
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 1)
                attempt += 1
            }
        }
    }

    /// The late ack of a task whose outcome was handled: only if its result was stored (or
    /// none is kept). Otherwise the message stays unacked on the broker and comes back after
    /// the visibility timeout, to run again and store its result then.
    nonisolated func ackLate(_ request: TaskRequest, resultStored: Bool) async {
        if resultStored {
            await ack(request)
        } else {
            logger.error("\(request.name)[\(request.id)] left unacked: its result was not stored, so it will be redelivered after the visibility timeout")
            await consumer.release(request.delivery)
        }
    }

    /// Stores REVOKED with `TaskRevokedError(reason)` (children null, as Celery stores it).
    nonisolated func storeRevoked(_ request: TaskRequest, reason: String) async {
        guard !request.ignoresResult else { return }
        let meta = ResultMeta(taskID: request.id, status: .revoked, exception: .taskRevoked(reason), traceback: nil, children: nil,
                              dateDone: CeleryDateTime(timeIntervalSince1970: Self.now()),
                              groupID: request.message.headers.group, parentID: request.message.headers.parentID)
        await store(meta, for: request)
    }
}

extension RedisError {
    /// Whether the broker may answer a moment later: the connection dropped or timed out, or a
    /// restarted redis-server is still loading its data.
    var isTransient: Bool {
        switch self {
        case .connectionClosed, .timeout: return true
        case .server(let message): return message.hasPrefix("LOADING")
        default: return false
        }
    }
}
