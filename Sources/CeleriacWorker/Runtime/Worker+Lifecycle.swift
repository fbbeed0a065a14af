import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Worker {
    /// Connects and starts consuming: declares the queues, runs one visibility-restore round
    /// (as a Celery consumer does at start), loads the state db, syncs revoked ids and the clock
    /// with other workers (mingle), sends `worker-online`, and starts the consume, event flush,
    /// heartbeat and keep-alive loops. Throws when the broker cannot be reached.
    public func start() async throws {
        if let starting { return try await starting.value }
        guard phase == .created else { return }
        let task = Task { try await self.performStart() }
        starting = task
        try await task.value
    }

    private func performStart() async throws {
        guard try await connectAtStartup() else { return }
        do {
            let restored = try await transport.restoreVisible()
            if !restored.isEmpty { logger.info("restored \(restored.count) unacked messages past the visibility timeout") }
        } catch {
            logger.warning("visibility restore at start failed: \(error)")
        }
        loadStateDB()
        await startPool()
        let control = ControlServer(transport: transport, target: self, logger: logger)
        if !configuration.withoutMingle {
            do {
                _ = try await control.mingle()
            } catch {
                logger.warning("mingle: hello broadcast failed: \(error)")
            }
        }
        // A shutdown asked for while starting is carried out by run() once started.
        guard phase == .created else { return }
        phase = .running
        // Remote control answers before worker-online goes out, so a monitor that asks for a
        // snapshot on seeing the event gets one.
        do {
            try await control.start()
            controlServer = control
        } catch {
            logger.error("remote control is unavailable (inspect and control will not see this worker): \(error)")
        }
        await events.send(.workerOnline, fields: workerFields())
        await updatePrefetch()
        loops.append(Task { [weak self] in await self?.consumeLoop() })
        loops.append(Task { [weak self] in await self?.flushLoop() })
        loops.append(Task { [weak self] in await self?.keepAliveLoop() })
        if !configuration.withoutHeartbeat {
            loops.append(Task { [weak self] in await self?.heartbeatLoop() })
        }
        let queueList = queues.map(\.name).joined(separator: ", ")
        logger.info("\(nodename) ready: \(registry.names.count) tasks, queues [\(queueList)], concurrency \(concurrency) (\(poolName))")
    }

    /// Declares the queues, retrying while the broker cannot be reached as Celery does at
    /// start-up (`broker_connection_retry_on_startup`): kombu's 2 s steps up to 30 s between
    /// attempts, one log line each, at most ``WorkerConfiguration/startupConnectionRetries``
    /// times. Returns false when a shutdown was asked for meanwhile; throws the last error
    /// when the retries run out, and at once for anything but an unreachable broker.
    private func connectAtStartup() async throws -> Bool {
        var attempt = 0
        while true {
            do {
                try await consumer.declareQueues()
                return true
            } catch {
                switch error {
                case .connectionClosed, .timeout: break
                default: throw error
                }
                attempt += 1
                let limit = configuration.startupConnectionRetries
                guard attempt <= limit else { throw error }
                let delay = min(2.0 * Double(attempt), 30)
                logger.error("consumer: Cannot connect to \(configuration.brokerURL): \(error). Trying again in \(OptionNumber.text(delay)) seconds... (\(attempt)/\(limit))")
                let until = ContinuousClock.now + .milliseconds(Int64(delay * 1000))
                while ContinuousClock.now < until {
                    guard phase == .created else { return false }
                    try? await Task.sleep(for: .milliseconds(100))
                }
                guard phase == .created else { return false }
            }
        }
    }

    /// Begins a warm shutdown: stop consuming, finish running tasks (up to the shutdown
    /// timeout), put prefetched and held messages back, send `worker-offline`. A second call
    /// while stopping turns it into a cold shutdown.
    public func requestShutdown() {
        switch phase {
        case .created, .running:
            logger.info("worker: Warm shutdown (\(nodename))")
            phase = .stopping
            let waiters = shutdownWaiters
            shutdownWaiters.removeAll()
            waiters.forEach { $0.resume() }
        case .stopping:
            coldShutdown()
        case .stopped:
            break
        }
    }

    /// Cold shutdown: running tasks are cancelled at once and every message the worker holds
    /// is put back.
    public func coldShutdown() {
        guard phase != .stopped, !cold else { return }
        logger.warning("worker: Cold shutdown (\(nodename)): cancelling \(active.count) running tasks")
        cold = true
        switches.abandonRunningTasks()
        if phase != .stopping {
            phase = .stopping
            let waiters = shutdownWaiters
            shutdownWaiters.removeAll()
            waiters.forEach { $0.resume() }
        }
        for entry in active.values { entry.handle.terminate(signal: 9) }
        resolveDrain()
    }

    func waitForShutdownRequest() async {
        if phase == .stopping || phase == .stopped { return }
        await withCheckedContinuation { shutdownWaiters.append($0) }
    }

    /// Carries out the shutdown once requested.
    func shutdown() async {
        guard phase == .stopping else { return }
        etaTimer?.task.cancel()
        etaTimer = nil
        rateWake?.cancel()
        rateWake = nil
        // The consume loop ends after its current BRPOP (at most the poll timeout); closing the
        // connection under a BRPOP could lose a message the server already popped.
        let loopDeadline = ContinuousClock.now + .seconds(await consumer.pollTimeout + 1)
        while !loops.isEmpty, !consumeLoopEnded, ContinuousClock.now < loopDeadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if !active.isEmpty, !cold {
            logger.info("waiting up to \(configuration.shutdownTimeout) s for \(active.count) running tasks")
            await waitForActiveToDrain(timeout: configuration.shutdownTimeout)
        }
        if !active.isEmpty {
            logger.warning("\(active.count) tasks still running at shutdown; their messages go back to the queue if unacked")
            switches.abandonRunningTasks()
            for entry in active.values { entry.handle.terminate(signal: 9) }
        }
        await stopPool()
        await consumer.close()
        do {
            let restored = try await consumer.restoreUnacked()
            if restored > 0 { logger.info("restored \(restored) messages to their queues") }
        } catch {
            logger.error("could not restore unacked messages (they come back after the visibility timeout): \(error)")
        }
        reserved.removeAll()
        _ = held.remove { _ in true }
        saveStateDB()
        for loop in loops { loop.cancel() }
        loops.removeAll()
        await events.flush()
        await events.send(.workerOffline, fields: workerFields())
        await controlServer?.stop()
        // The server holds the worker as its target: let go of it.
        controlServer = nil
        phase = .stopped
        logger.info("\(nodename) stopped")
        // INFO lines wait a few milliseconds for company; the process may exit right after.
        CeleryLogHandler.Sink.flushAll()
        let waiters = stoppedWaiters
        stoppedWaiters.removeAll()
        waiters.forEach { $0.resume() }
        await transport.client.close()
        if results.client !== transport.client { await results.client.close() }
    }

    /// Waits until no task runs, `timeout` passes, or a cold shutdown is asked for.
    func waitForActiveToDrain(timeout: Double) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int64(max(0, timeout) * 1000)))
            await self?.resolveDrain()
        }
        await withCheckedContinuation { drainWaiter = $0 }
        timer.cancel()
    }

    func resolveDrain() {
        let waiter = drainWaiter
        drainWaiter = nil
        waiter?.resume()
    }
}
