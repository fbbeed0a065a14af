import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The I/O half of `LiveSource`: everything that talks to the broker and the workers. It runs
/// only on its own tasks (never on the UI thread) and hands what it reads to the inbox.
final class LiveCluster: Sendable {
    /// What the tasks share: the queues known so far and which workers were asked for a
    /// snapshot.
    struct Registry {
        /// Queues from kombu's bindings (each read adds to them).
        var boundQueues: Set<String> = []
        /// Queues named by task events and worker snapshots (kept).
        var seenQueues: Set<String> = []
        /// Workers whose snapshot was read, or is being read.
        var snapshotted: Set<String> = []
        /// When each worker was last asked, for the retry of an unanswered snapshot.
        var askedAt: [String: Double] = [:]
        /// Unanswered snapshot requests per worker since its last answer.
        var unanswered: [String: Int] = [:]
        /// Consecutive failed polls (0: connected).
        var failures = 0
        /// Whether the first round ended, and whether it reached the broker.
        var firstRound: Bool?
        var firstRoundWaiters: [CheckedContinuation<Bool, Never>] = []
        var receiver: EventReceiver?
        var stopped = false
    }

    let app: App
    let control: ControlClient
    let audit: AuditLog
    let failures: FailureStore
    let inbox: LiveInbox
    let options: LiveOptions
    let clock: @Sendable () -> Double
    let registry = Mutex(Registry())

    init(app: App, options: LiveOptions, inbox: LiveInbox, clock: @escaping @Sendable () -> Double) {
        self.app = app
        control = app.control()
        audit = AuditLog(transport: app.transport)
        failures = FailureStore(client: app.transport.client)
        self.inbox = inbox
        self.options = options
        self.clock = clock
    }

    var transport: KombuTransport { app.transport }

    /// Every queue known now, sorted.
    var knownQueues: [String] {
        registry.withLock { $0.boundQueues.union($0.seenQueues) }.sorted()
    }

    /// Adds queues named by events or snapshots.
    func noteQueues(_ names: some Sequence<String>) {
        let useful = names.filter { !$0.isEmpty && !Self.isTransient($0) }
        guard !useful.isEmpty else { return }
        registry.withLock { $0.seenQueues.formUnion(useful) }
    }

    /// Queues kombu binds that are not task queues: remote-control mailboxes and replies, and
    /// event receivers' queues (all carried by pub/sub or short-lived).
    static func isTransient(_ queue: String) -> Bool {
        queue.hasSuffix(".celery.pidbox") || queue.hasPrefix("celeryev.") || queue.hasSuffix(".reply.celery.pidbox")
    }

    /// Exchanges whose bindings are not task queues.
    static let transientExchanges: Set<String> = ["celery.pidbox", "reply.celery.pidbox", "celeryev"]

    var isStopped: Bool { registry.withLock { $0.stopped } }

    /// Sleeps, returning false when the task was cancelled.
    func pause(_ seconds: Double) async -> Bool {
        do {
            try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
            return !Task.isCancelled
        } catch {
            return false
        }
    }

    // MARK: First round

    /// Records the end of the first round and wakes whoever waits for it.
    func finishFirstRound(reached: Bool) {
        let waiters = registry.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard state.firstRound == nil else { return [] }
            state.firstRound = reached
            defer { state.firstRoundWaiters = [] }
            return state.firstRoundWaiters
        }
        for waiter in waiters { waiter.resume(returning: reached) }
    }

    /// Waits until the first round (connection check, bindings, depths, snapshots, audit) has
    /// been read; true when it reached the broker.
    func waitForFirstRound() async -> Bool {
        await withCheckedContinuation { continuation in
            let done = registry.withLock { state -> Bool? in
                if let done = state.firstRound { return done }
                state.firstRoundWaiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
