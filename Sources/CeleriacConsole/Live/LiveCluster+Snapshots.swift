import Celeriac
import CeleriacProtocol
import Synchronization

extension LiveCluster {
    /// Asks every worker for a snapshot (at start and after a reconnect).
    func snapshotAll() async {
        _ = await readSnapshots(destination: nil)
    }

    /// Reads a snapshot of a worker that came online (or whose heartbeat shows it was never
    /// read), unless it was read or is being read. A snapshot left unanswered, or answered only
    /// in part (a busy worker can miss the reply timeout of some methods), is asked again on a
    /// later heartbeat, waiting longer after each time (`snapshotRetryDelay`). Heartbeats only
    /// count once the first round is done, so start-up does not ask twice.
    func requestSnapshot(of host: String, onlineEvent: Bool) {
        let now = clock()
        let ask = registry.withLock { state -> Bool in
            if state.stopped || state.snapshotted.contains(host) { return false }
            if !onlineEvent {
                guard state.firstRound != nil else { return false }
                if let asked = state.askedAt[host],
                   now - asked < options.snapshotRetryDelay(afterAttempts: state.unanswered[host, default: 0]) {
                    return false
                }
            }
            state.snapshotted.insert(host)
            state.askedAt[host] = now
            return true
        }
        guard ask else { return }
        Task.detached { [self] in
            await readSnapshots(destination: [host])
        }
    }

    /// Broadcasts the snapshot methods at once, hands one `.snapshot` per answering worker to
    /// the model and returns them. A worker that answered every method counts as read; one
    /// that answered some (or, when asked by name, none) is left to be asked again.
    @discardableResult
    func readSnapshots(destination: [String]?) async -> [NodeSnapshot] {
        let control = control
        let timeout = options.controlTimeout
        let replies = await withTaskGroup(of: (SnapshotReplies.Method, [String: JSONValue]).self) { group in
            for method in SnapshotReplies.Method.allCases {
                group.addTask {
                    let answers = (try? await control.broadcast(method.command, destination: destination, timeout: timeout)) ?? []
                    return (method, Dictionary(answers.map { ($0.nodename, $0.result) }, uniquingKeysWith: { first, _ in first }))
                }
            }
            var all: [SnapshotReplies.Method: [String: JSONValue]] = [:]
            for await (method, answers) in group { all[method] = answers }
            return all
        }
        let snapshots = SnapshotReplies.snapshots(replies)
        let now = clock()
        let methods = SnapshotReplies.Method.allCases
        registry.withLock { state in
            for host in Set(snapshots.map(\.hostname)).union(destination ?? []) {
                state.askedAt[host] = now
                if methods.allSatisfy({ replies[$0]?[host] != nil }) {
                    state.snapshotted.insert(host)
                    state.unanswered[host] = nil
                } else {
                    state.snapshotted.remove(host)
                    state.unanswered[host, default: 0] += 1
                }
            }
        }
        noteQueues(snapshots.flatMap { $0.queues ?? [] })
        inbox.push(snapshots.map(ClusterInput.snapshot))
        return snapshots
    }

    /// Reads which queues the workers consume now (after a consumer was added or cancelled).
    func refreshActiveQueues(destination: [String]?) async {
        let answers = (try? await control.broadcast(.activeQueues, destination: destination,
                                                    timeout: options.controlTimeout)) ?? []
        let snapshots = answers.map {
            SnapshotReplies.snapshot(hostname: $0.nodename, replies: [.activeQueues: $0.result])
        }
        noteQueues(snapshots.flatMap { $0.queues ?? [] })
        inbox.push(snapshots.map(ClusterInput.snapshot))
    }
}
