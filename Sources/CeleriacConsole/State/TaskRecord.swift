/// Everything the console knows of one task. Names, workers and queues are interned indices
/// (see `StringInterner`) and optional texts are nil until an event carries them, so a tracked
/// task costs a few hundred bytes.
public struct TaskRecord: Hashable, Sendable {
    public var id: String
    public var args: String?
    public var kwargs: String?
    public var result: String?
    /// The exception repr of a failure.
    public var exception: String? {
        get { extras?.exception }
        set { changeExtras { $0.exception = newValue } }
    }
    public var traceback: String? {
        get { extras?.traceback }
        set { changeExtras { $0.traceback = newValue } }
    }
    public var eta: String? {
        get { extras?.eta }
        set { changeExtras { $0.eta = newValue } }
    }
    public var expires: String? {
        get { extras?.expires }
        set { changeExtras { $0.expires = newValue } }
    }
    public var parentID: String? {
        get { extras?.parentID }
        set { changeExtras { $0.parentID = newValue } }
    }
    /// Children ids (tasks whose parent_id is this one), in arrival order.
    public var children: [String] {
        get { extras?.children ?? [] }
        set { changeExtras { $0.children = newValue } }
    }
    /// When the task was sent, received, started and finished (event timestamps). Stored as
    /// plain doubles with -infinity for unknown: an optional double takes 16 bytes, and these four
    /// are in every one of up to 100,000 records.
    public var sent: Double? {
        get { sentTime == -.infinity ? nil : sentTime }
        set { sentTime = newValue ?? -.infinity }
    }
    public var received: Double? {
        get { receivedTime == -.infinity ? nil : receivedTime }
        set { receivedTime = newValue ?? -.infinity }
    }
    public var started: Double? {
        get { startedTime == -.infinity ? nil : startedTime }
        set { startedTime = newValue ?? -.infinity }
    }
    public var finished: Double? {
        get { finishedTime == -.infinity ? nil : finishedTime }
        set { finishedTime = newValue ?? -.infinity }
    }
    /// Seconds the task ran (task-succeeded).
    public var runtime: Double? {
        get { runtimeValue == -.infinity ? nil : runtimeValue }
        set { runtimeValue = newValue ?? -.infinity }
    }
    /// The root of the task's workflow. Most tasks are their own root: that is kept as a flag
    /// rather than a second copy of the id.
    public var rootID: String? {
        get { rootIsSelf ? id : otherRootID }
        set {
            rootIsSelf = newValue == id
            otherRootID = rootIsSelf ? nil : newValue
        }
    }
    private var sentTime = -Double.infinity
    private var receivedTime = -Double.infinity
    private var startedTime = -Double.infinity
    private var finishedTime = -Double.infinity
    private var runtimeValue = -Double.infinity
    private var otherRootID: String?
    /// What few tasks have (a failure, an ETA, a workflow), boxed so the common record stays
    /// small; copied before a change when shared, so records keep value semantics.
    private var extras: TaskExtras?
    // The small fields last, so they share words instead of each padding one.
    /// Interned task name, or -1 while unknown (a task-started seen before task-received).
    public var name: Int32 = -1
    public var phase: TaskPhase = .pending
    /// Interned worker hostname of the latest state, or -1.
    public var worker: Int32 = -1
    /// Interned queue (routing key), or -1.
    public var queue: Int32 = -1
    public var retries: Int32 = 0
    private var rootIsSelf = false
    /// Celery's Lamport clock of the latest event applied.
    public var clock: Int = 0
    /// Every state change in timestamp order.
    public var transitions: [TaskTransition] = []

    public init(id: String) { self.id = id }

    private mutating func changeExtras(_ change: (TaskExtras) -> Void) {
        if extras == nil {
            extras = TaskExtras()
        } else if !isKnownUniquelyReferenced(&extras) {
            extras = extras?.copy()
        }
        if let box = extras {
            change(box)
            // An emptied box goes, so a record equals one that never had it.
            if box.isEmpty { extras = nil }
        }
    }

    /// Seconds between received (or sent) and started: how long the task waited.
    public var waitTime: Double? {
        guard let started, let queued = received ?? sent else { return nil }
        return max(0, started - queued)
    }

    /// The time that orders tasks in lists: received, else sent, else the first transition.
    public var firstSeen: Double { received ?? sent ?? transitions.first?.time ?? 0 }
}
