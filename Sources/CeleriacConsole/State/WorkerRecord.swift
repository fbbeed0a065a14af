/// One worker as the console knows it, from its events and remote-control snapshots.
public struct WorkerRecord: Hashable, Sendable {
    public var hostname: String
    public var pid: Int?
    /// Heartbeat frequency in seconds (Celery's default is 2).
    public var freq: Double = 2
    /// Time of the latest worker event (receive time).
    public var lastHeartbeat: Double?
    /// Set by worker-offline: dead at once, whatever the heartbeat window says.
    public var wentOffline = false
    public var active: Int = 0
    public var processed: Int = 0
    public var loadavg: [Double] = []
    public var swIdent: String?
    public var swVersion: String?
    public var swSystem: String?
    /// From the `stats` snapshot: pool implementation (`prefork`, `threads`) and size.
    public var poolKind: String?
    public var poolSize: Int?
    /// The pool's process ids, when it runs tasks in child processes.
    public var poolProcesses: [Int] = []
    /// Queues consumed (`active_queues`).
    public var queues: [String] = []
    /// Registered task names (`registered`).
    public var registered: [String] = []
    /// Tasks running or reserved, by id (`active`, `reserved`, `scheduled`).
    public var activeTasks: [String] = []
    public var reservedTasks: [String] = []
    public var scheduledTasks: [String] = []
    /// The worker's configuration (`conf`), as key/value texts.
    public var conf: [(key: String, value: String)] = []

    public init(hostname: String) { self.hostname = hostname }

    /// Celery's rule (`celery.events.state.Worker.alive`): alive while `now` is before the last
    /// heartbeat plus twice the frequency, and not after a worker-offline.
    public func isOnline(now: Double) -> Bool {
        guard !wentOffline, let lastHeartbeat else { return false }
        return now < lastHeartbeat + 2 * freq
    }

    /// Seconds since the last heartbeat.
    public func heartbeatAge(now: Double) -> Double? { lastHeartbeat.map { max(0, now - $0) } }

    public static func == (lhs: WorkerRecord, rhs: WorkerRecord) -> Bool {
        lhs.hostname == rhs.hostname && lhs.lastHeartbeat == rhs.lastHeartbeat && lhs.wentOffline == rhs.wentOffline
            && lhs.processed == rhs.processed && lhs.active == rhs.active && lhs.queues == rhs.queues
            && lhs.registered == rhs.registered && lhs.poolSize == rhs.poolSize && lhs.poolProcesses == rhs.poolProcesses
            && lhs.activeTasks == rhs.activeTasks
            && lhs.conf.map(\.key) == rhs.conf.map(\.key) && lhs.conf.map(\.value) == rhs.conf.map(\.value)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hostname) }
}
