import CeleriacProtocol
import DequeModule

/// Everything the console knows about the cluster, changed only by `apply(_:now:)`: a pure
/// reducer over events, polls and snapshots. Time is always passed in (`now`, seconds since the
/// epoch), so replays and tests are deterministic.
public struct ClusterState: Sendable {
    /// The most tasks kept; past it the oldest finished task goes first.
    public let maxTasks: Int
    /// The most raw events kept for the Events view.
    public let maxEvents: Int

    public internal(set) var names = StringInterner()
    public internal(set) var tasks = TaskTable()
    /// Tasks in arrival order (may hold tasks already evicted; skipped lazily).
    var arrivalOrder: Deque<TaskHandle> = []
    /// Tasks in the order they finished (lazily cleaned like `arrivalOrder`).
    var finishOrder: Deque<TaskHandle> = []
    public internal(set) var workers: [String: WorkerRecord] = [:]
    public internal(set) var queues: [String: QueueRecord] = [:]
    public internal(set) var taskTypes: [String: TaskTypeStats] = [:]
    /// Cluster throughput, last minute, per second.
    public internal(set) var received = SecondCounter()
    public internal(set) var succeeded = SecondCounter()
    public internal(set) var failed = SecondCounter()
    public internal(set) var retried = SecondCounter()
    public internal(set) var revoked = SecondCounter()
    /// The raw event log, oldest first (bounded).
    public internal(set) var eventLog: Deque<LoggedEvent> = []
    /// Inputs that were not valid events, by reason, and the total.
    public internal(set) var malformedCount = 0
    public internal(set) var malformedReasons: [String: Int] = [:]
    /// Events whose type the console does not know (counted, logged, otherwise ignored).
    public internal(set) var unknownEventCount = 0
    public internal(set) var totalEvents = 0
    public internal(set) var failureStore: [FailureEntry] = []
    public internal(set) var auditLog: [AuditEntry] = []
    public internal(set) var connection: ConnectionStatus = .connecting
    public var alertRules: [AlertRule]
    public internal(set) var alerts: [FiringAlert] = []
    /// The message first in line of each queue key at the last poll, and since when it was.
    var headSightings: [String: HeadSighting] = [:]
    /// Interned task name → interned queue its messages were seen waiting in (-1: several).
    var queueOfTaskName: [Int32: Int32] = [:]
    /// When each (rule, subject) condition started to hold, for duration rules.
    var conditionSince: [String: Double] = [:]
    /// Tasks evicted so far.
    public internal(set) var evictedCount = 0
    /// The latest time seen.
    public internal(set) var now: Double = 0
    /// Bumped by every change: the UI redraws only when it moved.
    public internal(set) var version = 0

    public init(maxTasks: Int = 100_000, maxEvents: Int = 2_000, alertRules: [AlertRule] = []) {
        self.maxTasks = max(1, maxTasks)
        // Room for the bound up front: a large allocation is only address space until used, and
        // growing by doubling would leave up to a third of it allocated and never used.
        tasks.reserveCapacity(self.maxTasks + 1)
        self.maxEvents = max(1, maxEvents)
        self.alertRules = alertRules
    }

    /// Applies one input received at `now`.
    public mutating func apply(_ input: ClusterInput, now: Double) {
        self.now = max(self.now, now)
        version &+= 1
        switch input {
        case .event(let event): ingest(event, now: now)
        case .events(let events): for event in events { ingest(event, now: now) }
        case .malformedEvent(let reason): recordMalformed(reason)
        case .queueDepths(let poll): apply(poll, now: now)
        case .snapshot(let snapshot): apply(snapshot, now: now)
        case .failures(let entries): failureStore = entries.sorted { $0.timestamp < $1.timestamp }
        case .audit(let entries): auditLog = entries
        case .connection(let status): connection = status
        case .tick: break
        }
        if case .tick = input { evaluateAlerts(now: now) }
    }

    /// Applies inputs in order (a batch from the data layer), then evaluates alerts once.
    public mutating func apply(_ inputs: some Sequence<ClusterInput>, now: Double) {
        for input in inputs { apply(input, now: now) }
        evaluateAlerts(now: now)
    }

    mutating func recordMalformed(_ reason: String) {
        malformedCount += 1
        // Bounded: reasons are short texts, but a hostile stream could vary them endlessly.
        if malformedReasons[reason] != nil || malformedReasons.count < 50 {
            malformedReasons[reason, default: 0] += 1
        }
    }

    /// The interned string at `index` (a task's name, worker or queue).
    public func name(_ index: Int32) -> String? { names[index] }

    /// Workers sorted by hostname.
    public var workerList: [WorkerRecord] { workers.values.sorted { $0.hostname < $1.hostname } }

    /// Queues sorted by name.
    public var queueList: [QueueRecord] { queues.values.sorted { $0.name < $1.name } }

    /// Online workers at `now`.
    public func onlineCount(now: Double) -> Int { workers.values.filter { $0.isOnline(now: now) }.count }
}

/// A message seen first in line of a queue key, and the poll time it was first seen there.
struct HeadSighting: Hashable, Sendable {
    var id: String
    var since: Double
}

/// One event as the Events view shows it (`celery events --dump` style), with when it came.
public struct LoggedEvent: Hashable, Sendable {
    public var received: Double
    public var event: CeleryEvent

    public init(received: Double, event: CeleryEvent) {
        self.received = received
        self.event = event
    }
}
