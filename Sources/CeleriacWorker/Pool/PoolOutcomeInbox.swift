import Synchronization

/// Where the outcomes of jobs handed over in batches (``ProcessPool/run(batch:)``) go: the
/// worker concludes them in groups. Outcomes that end together (one read of a child's socket,
/// a child's death) are delivered together, and those that arrive while a group is being
/// concluded (its result script in flight) wait and make the next group: one task, one script
/// and one hop into the worker per group rather than per job, the more so the busier the pool.
final class PoolOutcomeInbox: Sendable {
    typealias Outcomes = [(request: TaskRequest, outcome: ExecutionOutcome)]
    typealias Concluder = @Sendable (Outcomes) async -> Void

    private struct State {
        var pending: Outcomes = []
        /// A task is concluding groups; new outcomes join its next one.
        var concluding = false
        var concluder: Concluder?
    }

    private let state = Mutex(State())

    /// Sets who concludes the outcomes (the worker, once its pool starts); outcomes that came
    /// before are concluded now.
    func setConcluder(_ concluder: @escaping Concluder) {
        let start: Bool = state.withLock { state in
            state.concluder = concluder
            guard !state.concluding, !state.pending.isEmpty else { return false }
            state.concluding = true
            return true
        }
        if start { Task { await self.conclude(with: concluder) } }
    }

    /// Adds outcomes that ended together; starts a task to conclude them unless one runs.
    func deliver(_ outcomes: Outcomes) {
        guard !outcomes.isEmpty else { return }
        let concluder: Concluder? = state.withLock { state in
            state.pending.append(contentsOf: outcomes)
            guard !state.concluding, let concluder = state.concluder else { return nil }
            state.concluding = true
            return concluder
        }
        guard let concluder else { return }
        Task { await self.conclude(with: concluder) }
    }

    /// Concludes what is pending, group after group, until nothing is.
    private func conclude(with concluder: Concluder) async {
        while true {
            let group: Outcomes = state.withLock { state in
                let group = state.pending
                state.pending.removeAll(keepingCapacity: true)
                if group.isEmpty { state.concluding = false }
                return group
            }
            guard !group.isEmpty else { return }
            await concluder(group)
        }
    }
}
