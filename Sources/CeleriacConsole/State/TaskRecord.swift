/// Everything the console knows of one task. Names, workers and queues are interned indices
/// (see `StringInterner`) and optional texts are nil until an event carries them, so a tracked
/// task costs a few hundred bytes.
public struct TaskRecord: Hashable, Sendable {
    public var id: String
    /// Interned task name, or -1 while unknown (a task-started seen before task-received).
    public var name: Int32 = -1
    public var phase: TaskPhase = .pending
    /// Interned worker hostname of the latest state, or -1.
    public var worker: Int32 = -1
    /// Interned queue (routing key), or -1.
    public var queue: Int32 = -1
    public var args: String?
    public var kwargs: String?
    public var result: String?
    public var exception: String?
    public var traceback: String?
    /// Seconds the task ran (task-succeeded).
    public var runtime: Double?
    public var retries: Int32 = 0
    public var eta: String?
    public var expires: String?
    public var rootID: String?
    public var parentID: String?
    /// Children ids (tasks whose parent_id is this one), in arrival order.
    public var children: [String] = []
    /// Time of the first event (sent or received) and of the latest.
    public var sent: Double?
    public var received: Double?
    public var started: Double?
    public var finished: Double?
    /// Celery's Lamport clock of the latest event applied.
    public var clock: Int = 0
    /// Every state change in timestamp order.
    public var transitions: [TaskTransition] = []

    public init(id: String) { self.id = id }

    /// Seconds between received (or sent) and started: how long the task waited.
    public var waitTime: Double? {
        guard let started, let queued = received ?? sent else { return nil }
        return max(0, started - queued)
    }

    /// The time that orders tasks in lists: received, else sent, else the first transition.
    public var firstSeen: Double { received ?? sent ?? transitions.first?.time ?? 0 }
}
