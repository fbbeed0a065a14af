/// The `stats` reply of a worker: `{total, pid, clock, uptime, pool, broker, prefetch_count,
/// rusage}`. `clock` is sent as a **string** (Celery formats it), unlike every other clock.
public struct WorkerStats: Sendable, Hashable {
    /// Tasks processed per task name, in first-seen order.
    public var total: [(name: String, count: Int)]
    /// The worker's process id.
    public var pid: Int
    /// The worker's Lamport clock.
    public var clock: Int
    /// Seconds since the worker started.
    public var uptime: Int
    /// The pool description (see ``pool(implementation:maxConcurrency:processes:maxTasksPerChild:)``).
    public var pool: JSONObject
    /// The broker connection description (see ``broker(hostname:port:virtualHost:userid:transport:heartbeat:)``).
    public var broker: JSONObject
    /// The current prefetch count.
    public var prefetchCount: Int
    /// `getrusage` figures (`utime`, `stime`, `maxrss`, …).
    public var rusage: JSONObject

    /// A stats reply.
    public init(total: [(name: String, count: Int)], pid: Int, clock: Int, uptime: Int, pool: JSONObject, broker: JSONObject,
                prefetchCount: Int, rusage: JSONObject)
    {
        self.total = total
        self.pid = pid
        self.clock = clock
        self.uptime = uptime
        self.pool = pool
        self.broker = broker
        self.prefetchCount = prefetchCount
        self.rusage = rusage
    }

    public static func == (lhs: WorkerStats, rhs: WorkerStats) -> Bool {
        lhs.jsonValue == rhs.jsonValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(jsonValue)
    }

    /// The reply dict.
    public var jsonValue: JSONValue {
        var totals = JSONObject()
        for entry in total { totals[entry.name] = .integer(entry.count) }
        return [
            "total": .object(totals), "pid": .integer(pid), "clock": .string(String(clock)), "uptime": .integer(uptime),
            "pool": .object(pool), "broker": .object(broker), "prefetch_count": .integer(prefetchCount),
            "rusage": .object(rusage),
        ]
    }

    /// A pool description with the keys Celery's prefork pool reports.
    public static func pool(implementation: String, maxConcurrency: Int, processes: [Int],
                            maxTasksPerChild: Int? = nil) -> JSONObject
    {
        [
            "implementation": .string(implementation), "max-concurrency": .integer(maxConcurrency),
            "processes": .array(processes.map(JSONValue.integer)),
            "max-tasks-per-child": maxTasksPerChild.map(JSONValue.integer) ?? "N/A",
            "put-guarded-by-semaphore": false, "timeouts": [0, 0],
        ]
    }

    /// A broker description with kombu's `Connection.info()` keys.
    public static func broker(hostname: String, port: Int, virtualHost: String, userid: String? = nil,
                              transport: String = "redis", heartbeat: Double = 120.0) -> JSONObject
    {
        [
            "hostname": .string(hostname), "userid": .optionalString(userid), "virtual_host": .string(virtualHost),
            "port": .integer(port), "insist": false, "ssl": false, "transport": .string(transport), "connect_timeout": 4,
            "transport_options": [:], "login_method": nil, "uri_prefix": nil, "heartbeat": .double(heartbeat),
            "failover_strategy": "round-robin", "alternates": [], "credential_provider": nil,
        ]
    }
}
