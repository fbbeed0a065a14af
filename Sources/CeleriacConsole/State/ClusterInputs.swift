import CeleriacProtocol

/// One input to `ClusterState`: everything the data layer hands over, as plain values. The
/// record/replay format stores exactly these (see `RecordedInput`).
public enum ClusterInput: Hashable, Sendable {
    /// One decoded Celery event.
    case event(CeleryEvent)
    /// A `task.multi` batch the caller did not unpack.
    case events([CeleryEvent])
    /// Something on the event channel that was not a valid event, with why.
    case malformedEvent(String)
    /// A round of queue depths.
    case queueDepths(QueueDepthPoll)
    /// One worker's remote-control replies.
    case snapshot(NodeSnapshot)
    /// Entries of the worker failure store (the whole current page; replaces what came before).
    case failures([FailureEntry])
    /// Entries of the audit list (newest last; replaces what came before).
    case audit([AuditEntry])
    /// The broker connection changed.
    case connection(ConnectionStatus)
    /// Nothing new, but time passed: alerts and online states are re-evaluated.
    case tick
}

/// Queue depths read in one round (LLEN over every queue and its priority keys), with the
/// message at the head of each non-empty key (LINDEX key -1, the oldest: kombu LPUSHes and
/// workers BRPOP) in the same pipelined round.
public struct QueueDepthPoll: Hashable, Sendable {
    /// Queue name → messages waiting per priority step (index 0 is the queue's own key).
    public var depths: [String: [Int]]
    /// Queue name → the oldest message of each non-empty priority key.
    public var waiting: [String: [WaitingMessage]]
    /// Queue name → age in seconds of the oldest waiting message, when the poll states it
    /// outright (recordings may); it takes precedence over an age worked out from `waiting`.
    public var oldestAge: [String: Double]

    public init(depths: [String: [Int]], waiting: [String: [WaitingMessage]] = [:], oldestAge: [String: Double] = [:]) {
        self.depths = depths
        self.waiting = waiting
        self.oldestAge = oldestAge
    }
}

/// The oldest message of one priority key of a queue, as its envelope's headers say.
public struct WaitingMessage: Hashable, Sendable {
    /// The priority step (index into the queue's keys: 0 is the queue's own key).
    public var step: Int
    /// The task id (`headers.id`), or empty when the message is not a readable task envelope.
    public var id: String
    /// The task name (`headers.task`), or empty.
    public var name: String
    /// The `eta` header in seconds since the epoch, when the message has one.
    public var eta: Double?

    public init(step: Int = 0, id: String, name: String = "", eta: Double? = nil) {
        self.step = step
        self.id = id
        self.name = name
        self.eta = eta
    }
}

/// A task as remote control reports it (`active`, `reserved`, `scheduled`).
public struct SnapshotTask: Hashable, Sendable {
    public var id: String
    public var name: String
    public var args: String
    public var kwargs: String
    /// Start time (active) or ETA (scheduled), seconds since the epoch.
    public var time: Double?

    public init(id: String, name: String, args: String = "", kwargs: String = "", time: Double? = nil) {
        self.id = id
        self.name = name
        self.args = args
        self.kwargs = kwargs
        self.time = time
    }
}

/// One worker's remote-control replies, as the data layer reads them from CeleriacProtocol's
/// control reply types. Nil members were not asked or not answered.
public struct NodeSnapshot: Hashable, Sendable {
    public var hostname: String
    public var active: [SnapshotTask]?
    public var reserved: [SnapshotTask]?
    public var scheduled: [SnapshotTask]?
    /// From `stats`.
    public var pid: Int?
    public var poolKind: String?
    public var poolSize: Int?
    /// The pool's process ids (`pool.processes`; a prefork or process pool's children).
    public var poolProcesses: [Int]?
    public var processed: Int?
    /// `active_queues` names.
    public var queues: [String]?
    /// `registered` names.
    public var registered: [String]?
    /// Task name → rate limit text, from `registered` with attributes or `conf`.
    public var rateLimits: [String: String]?
    /// `conf`, flattened to texts.
    public var conf: [String: String]?

    public init(hostname: String, active: [SnapshotTask]? = nil, reserved: [SnapshotTask]? = nil,
                scheduled: [SnapshotTask]? = nil, pid: Int? = nil, poolKind: String? = nil, poolSize: Int? = nil,
                poolProcesses: [Int]? = nil, processed: Int? = nil, queues: [String]? = nil, registered: [String]? = nil,
                rateLimits: [String: String]? = nil, conf: [String: String]? = nil) {
        self.hostname = hostname
        self.active = active
        self.reserved = reserved
        self.scheduled = scheduled
        self.pid = pid
        self.poolKind = poolKind
        self.poolSize = poolSize
        self.poolProcesses = poolProcesses
        self.processed = processed
        self.queues = queues
        self.registered = registered
        self.rateLimits = rateLimits
        self.conf = conf
    }
}

/// A task kept by the worker failure store: enough to show it and to re-publish it.
public struct FailureEntry: Hashable, Sendable {
    public var taskID: String
    public var name: String
    public var queue: String
    /// The exception repr (`DemoError('boom')`).
    public var exception: String
    public var traceback: String
    public var timestamp: Double
    /// The original kombu envelope as JSON text, for retry and for the detail view.
    public var envelope: String
    /// The nodename of the worker that gave up on the task (empty when not known).
    public var worker: String
    /// Why the store holds it: `failed` (raised, no retry left), `unregistered` (no such task
    /// on the worker) or `malformed` (not a Celery task message).
    public var reason: String

    public init(taskID: String, name: String, queue: String, exception: String, traceback: String,
                timestamp: Double, envelope: String, worker: String = "", reason: String = "failed") {
        self.taskID = taskID
        self.name = name
        self.queue = queue
        self.exception = exception
        self.traceback = traceback
        self.timestamp = timestamp
        self.envelope = envelope
        self.worker = worker
        self.reason = reason
    }

    /// The exception's type: the repr up to its first `(` (`DemoError`).
    public var exceptionType: String {
        String(exception.prefix { $0 != "(" && $0 != ":" })
    }
}

/// One operator action in the audit list.
public struct AuditEntry: Hashable, Sendable {
    public var timestamp: Double
    /// `user@host`.
    public var who: String
    /// The action (`revoke`, `purge`…).
    public var action: String
    /// Ids, queue, task name or filter it applied to.
    public var target: String
    /// What came back (`2 workers replied: ok`).
    public var outcome: String

    public init(timestamp: Double, who: String, action: String, target: String, outcome: String) {
        self.timestamp = timestamp
        self.who = who
        self.action = action
        self.target = target
        self.outcome = outcome
    }
}

/// The broker connection as the status bar shows it.
public enum ConnectionStatus: Hashable, Sendable {
    case connecting
    case connected
    /// Lost; the next attempt is at `retryAt` (seconds since the epoch).
    case reconnecting(retryAt: Double, error: String)
    /// Given up or failed without retry.
    case failed(String)
}
