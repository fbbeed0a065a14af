import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Synchronization

extension LiveCluster {
    /// The poll loop. The first round reads kombu's bindings, the queue depths, a snapshot of
    /// every worker, the failure store and the audit list; then depths come every
    /// `depthInterval`, bindings, failures and the audit list every few seconds. A failed round
    /// reports the connection as lost with the time of the next attempt (waits doubling up to
    /// `maxReconnectDelay`); the state on screen stays. The round after a reconnect reads the
    /// snapshots, the failures and the audit list again.
    func runPolls() async {
        var lastBindings = -Double.infinity
        var lastAudit = -Double.infinity
        var lastFailures = -Double.infinity
        var needsFullRound = true
        while !Task.isCancelled, !isStopped {
            let started = clock()
            do {
                if needsFullRound || started - lastBindings >= options.bindingsInterval {
                    try await refreshBindings()
                    lastBindings = started
                }
                try await pollDepths()
                registry.withLock { $0.failures = 0 }
                if needsFullRound {
                    inbox.push(.connection(.connected))
                    await snapshotAll()
                    try await refreshFailures()
                    try await refreshAudit()
                    lastAudit = clock()
                    lastFailures = lastAudit
                    needsFullRound = false
                    finishFirstRound(reached: true)
                } else {
                    if clock() - lastFailures >= options.failuresInterval {
                        try await refreshFailures()
                        lastFailures = clock()
                    }
                    if clock() - lastAudit >= options.auditInterval {
                        try await refreshAudit()
                        lastAudit = clock()
                    }
                }
            } catch {
                let failures = registry.withLock { state -> Int in
                    state.failures += 1
                    return state.failures
                }
                let delay = options.reconnectDelay(afterFailures: failures)
                inbox.push(.connection(.reconnecting(retryAt: clock() + delay, error: "\(error)")))
                finishFirstRound(reached: false)
                needsFullRound = true
                guard await pause(delay) else { return }
                continue
            }
            guard await pause(options.depthInterval - (clock() - started)) else { return }
        }
    }

    /// Reads the queues kombu's `_kombu.binding.*` sets name (task queues only). A queue once
    /// known stays known: its binding may go (a restarted broker, a deleted queue) while the
    /// console still shows it, and then it shows its real depth (0) rather than the last one.
    func refreshBindings() async throws(RedisError) {
        var queues: Set<String> = []
        for (exchange, bindings) in try await transport.bindings() where !Self.transientExchanges.contains(exchange) {
            for binding in bindings where !binding.queue.isEmpty && !Self.isTransient(binding.queue) {
                queues.insert(binding.queue)
            }
        }
        registry.withLock { $0.boundQueues.formUnion(queues) }
    }

    /// One pipelined round over every known queue's four priority keys: LLEN for the depth
    /// and LINDEX key -1 for the oldest message (kombu LPUSHes, workers BRPOP), whose id and
    /// ETA tell the state how long the queue's oldest message has waited. With no queue known
    /// yet, a PING checks the connection instead.
    func pollDepths() async throws(RedisError) {
        let queues = knownQueues
        guard !queues.isEmpty else {
            _ = try await transport.client.ping()
            inbox.push(.queueDepths(QueueDepthPoll(depths: [:])))
            return
        }
        let steps = Priority.steps.count
        let commands = queues.flatMap { queue in
            Priority.allKeys(queue).flatMap { [RedisCommand(["LLEN", $0]), RedisCommand(["LINDEX", $0, "-1"])] }
        }
        let replies = await transport.client.pipeline(commands)
        var depths: [String: [Int]] = [:]
        var waiting: [String: [WaitingMessage]] = [:]
        for (index, queue) in queues.enumerated() {
            var counts: [Int] = []
            var heads: [WaitingMessage] = []
            var isList = true
            for step in 0..<steps {
                let position = (index * steps + step) * 2
                guard position + 1 < replies.count else {
                    throw .unexpectedReply("pipeline answered \(replies.count) of \(commands.count) commands")
                }
                switch (replies[position], replies[position + 1]) {
                case (.success(let length), .success(let head)):
                    counts.append(Int(length.int ?? 0))
                    if let bytes = head.bytes { heads.append(Self.waitingMessage(bytes, step: step)) }
                // A key of another type (WRONGTYPE) is not a queue: left out of the round.
                case (.failure(.server), _), (_, .failure(.server)): isList = false
                case (.failure(let error), _), (_, .failure(let error)): throw error
                }
            }
            if isList {
                depths[queue] = counts
                if !heads.isEmpty { waiting[queue] = heads }
            }
        }
        inbox.push(.queueDepths(QueueDepthPoll(depths: depths, waiting: waiting)))
    }

    /// The id, task name and ETA of a waiting message from its envelope's headers (task
    /// protocol 2); an unreadable message has an empty id (its age cannot be told).
    static func waitingMessage(_ bytes: [UInt8], step: Int) -> WaitingMessage {
        guard let envelope = try? KombuEnvelope.decode(bytes) else { return WaitingMessage(step: step, id: "") }
        let headers = envelope.headers
        let eta = headers["eta"]?.stringValue.flatMap { try? CeleryDateTime.parse($0, field: "eta") }
        return WaitingMessage(step: step, id: headers["id"]?.stringValue ?? "", name: headers["task"]?.stringValue ?? "",
                              eta: eta?.timeIntervalSince1970)
    }

    /// Reads the newest audit records into the model (newest last). An unreadable record, or an
    /// audit key of another type, is shown as such rather than left out.
    func refreshAudit() async throws(RedisError) {
        let entries: [Result<AuditRecord, AuditRecordError>]
        do {
            entries = try await audit.recent(count: options.auditCount)
        } catch .server(let message) {
            inbox.push(.audit([AuditEntry(timestamp: clock(), who: "-", action: "unreadable", target: audit.key,
                                          outcome: message)]))
            return
        }
        inbox.push(.audit(entries.reversed().map { entry in
            switch entry {
            case .success(let record):
                AuditEntry(timestamp: record.timestamp, who: record.who, action: record.action, target: record.target,
                           outcome: record.outcome)
            case .failure(let error):
                AuditEntry(timestamp: 0, who: "-", action: "unreadable", target: audit.key, outcome: error.message)
            }
        }))
    }
}
