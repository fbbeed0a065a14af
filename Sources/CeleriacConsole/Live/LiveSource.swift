import Celeriac
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The console's data from a live cluster: events, queue depths, worker snapshots, the audit
/// list and the connection state, and the effects carried out on it.
///
/// All I/O runs on detached tasks of its own (never on the UI thread, and never on the main
/// actor, which the UI loop may block). What the tasks read goes into a lock-protected inbox;
/// `pump`, called by the UI loop, moves it into the model in one batch. Effects start a task
/// each and their outcomes come back through the same inbox.
///
/// Every member is safe to call from any thread (the inbox and the task list are locked).
///
/// Lifecycle: `start()`, then `pump` from the UI loop; `stop()` at the end (the `App` stays
/// open: its owner closes it).
public final class LiveSource: ConsoleDataSource, Sendable {
    let cluster: LiveCluster
    private let inbox: LiveInbox
    private let tasks = Mutex<[Task<Void, Never>]>([])
    /// Where the inputs are recorded (`--record FILE`), if anywhere.
    public let recorder: InputRecorder?

    /// A source on `app`'s broker. With a `recorder`, every input handed to the model is
    /// written to it as a JSON line.
    public init(app: App, options: LiveOptions = LiveOptions(), recorder: InputRecorder? = nil,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.recorder = recorder
        inbox = LiveInbox(recorder: recorder, clock: clock)
        cluster = LiveCluster(app: app, options: options, inbox: inbox, clock: clock)
    }

    /// Starts the event feed and the poll loop (whose first round reads bindings, depths, a
    /// snapshot of every worker and the audit list).
    public func start() {
        let cluster = cluster
        tasks.withLock { tasks in
            guard tasks.isEmpty else { return }
            tasks.append(Task.detached { await cluster.runEvents() })
            tasks.append(Task.detached { await cluster.runPolls() })
        }
    }

    /// Waits for the end of the first round; true when it reached the broker (false when the
    /// broker could not be reached, or the source was stopped first).
    public func firstRound() async -> Bool {
        await cluster.waitForFirstRound()
    }

    /// Stops every task and closes the event subscription; outcomes of effects still running
    /// are dropped. The recording, if any, is closed.
    public func stop() async {
        await cluster.stop()
        let running = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
        recorder?.close()
    }

    public func pump(into model: inout ConsoleModel, now: Double) {
        let (inputs, outcomes) = inbox.drain()
        if !inputs.isEmpty { model.reduce(.ingest(inputs, now: now)) }
        for outcome in outcomes { model.reduce(.outcome(outcome)) }
    }

    public func perform(_ effect: Effect) {
        let cluster = cluster
        let inbox = inbox
        Task.detached {
            inbox.push(outcome: await cluster.run(effect))
        }
    }

    /// Carries out an effect and returns its outcome directly instead of through `pump` (for
    /// scripts and tests); it is recorded in the audit list all the same.
    public func outcome(of effect: Effect) async -> EffectOutcome {
        await cluster.run(effect)
    }

    /// Now when something is waiting in the inbox; otherwise nil, since live data comes when
    /// the cluster sends it.
    public func nextDue(after now: Double) -> Double? {
        inbox.isEmpty ? nil : now
    }
}

extension LiveCluster {
    /// Marks the cluster stopped (loops end at their next turn), wakes first-round waiters and
    /// closes the event subscription.
    func stop() async {
        let receiver = registry.withLock { state -> EventReceiver? in
            state.stopped = true
            return state.receiver
        }
        finishFirstRound(reached: false)
        await receiver?.close()
    }
}
