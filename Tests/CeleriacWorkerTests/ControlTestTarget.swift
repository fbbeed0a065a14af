import CeleriacProtocol
import CeleriacWorker
import Foundation

/// A worker stand-in for the control-server tests: real in-memory state that the commands
/// read and change, plus a record of what it was asked to do.
actor ControlTestTarget: ControlTarget {
    nonisolated let nodename: String

    var active: [TaskRequestInfo] = []
    var reserved: [TaskRequestInfo] = []
    var scheduled: [ScheduledRequest] = []
    var ready: [String: TaskRequestInfo] = [:]
    var tasks: [String: TaskOptions] = [:]
    var queues: [QueueInfo] = [QueueInfo(name: "celery")]
    var revoked: [String] = []
    var clock = 0
    var poolSize = 4
    var poolResizable = true
    var taskEvents = false
    var processed: [(name: String, count: Int)] = [("demo.add", 3)]
    let startedAt = Date()

    /// What the server asked for.
    var terminated: [(id: String, signal: String)] = []
    var rateLimits: [String: Double] = [:]
    var heartbeats = 0
    var shutdownRequests = 0

    init(nodename: String) {
        self.nodename = nodename
        tasks = [
            "demo.add": TaskOptions(), "demo.sleep": TaskOptions(),
            "demo.limited": TaskOptions(rateLimit: "10/m"), "celery.backend_cleanup": TaskOptions(),
        ]
    }

    // MARK: Arranging

    /// A request as the worker would describe it.
    func request(_ id: String, _ name: String, args: JSONValue = [], running: Bool) -> TaskRequestInfo {
        TaskRequestInfo(id: id, name: name, args: args, kwargs: ["unit": "s"], hostname: nodename,
                        timeStart: running ? 1_795_585_295.4360206 : nil, acknowledged: running,
                        routingKey: "celery", workerPID: running ? 4242 : nil)
    }

    func hold(active ids: [String] = [], reserved reservedIDs: [String] = [], scheduled scheduledIDs: [String] = [],
              ready readyIDs: [String] = [])
    {
        active += ids.map { request($0, "demo.sleep", args: [12], running: true) }
        reserved += reservedIDs.map { request($0, "demo.sleep", args: [12], running: false) }
        scheduled += scheduledIDs.map {
            ScheduledRequest(eta: CeleryDateTime(timeIntervalSince1970: 1_795_585_325.439413), priority: 6,
                             request: request($0, "demo.add", args: [100, 100], running: false))
        }
        for id in readyIDs { ready[id] = request(id, "demo.add", args: [1, 2], running: false) }
    }

    func setRevoked(_ ids: [String]) { revoked = ids }
    func setTasks(_ options: [String: TaskOptions]) { tasks = options }
    func setQueues(_ names: [String]) { queues = names.map { QueueInfo(name: $0) } }
    func setRequests(active: [TaskRequestInfo], reserved: [TaskRequestInfo], scheduled: [ScheduledRequest]) {
        self.active = active
        self.reserved = reserved
        self.scheduled = scheduled
    }
    func setClock(_ value: Int) { clock = value }
    func setPoolResizable(_ value: Bool) { poolResizable = value }

    // MARK: ControlTarget

    func activeRequests() -> [TaskRequestInfo] { active }
    func reservedRequests() -> [TaskRequestInfo] { reserved }
    func scheduledRequests() -> [ScheduledRequest] { scheduled }
    func readyRequest(id: String) -> TaskRequestInfo? { ready[id] }

    func statistics() -> WorkerStats {
        WorkerStats(total: processed, pid: Int(ProcessInfo.processInfo.processIdentifier), clock: clock,
                    uptime: Int(Date().timeIntervalSince(startedAt)),
                    pool: WorkerStats.pool(implementation: "celeriac.async", maxConcurrency: poolSize, processes: [4242]),
                    broker: WorkerStats.broker(hostname: "127.0.0.1", port: 6379, virtualHost: "0"),
                    prefetchCount: poolSize * 4, rusage: ["utime": 0.25, "stime": 0.125, "maxrss": 9000])
    }

    func registeredTasks() -> [RegisteredTask] {
        tasks.map { name, options in RegisteredTask(name: name, options: options) { _ in .null } }
    }

    func activeQueues() -> [QueueInfo] { queues }

    func configuration(withDefaults: Bool) -> JSONObject {
        var conf: JSONObject = ["broker_url": "redis://127.0.0.1:6379/0", "worker_concurrency": .integer(poolSize)]
        if withDefaults { conf["worker_prefetch_multiplier"] = 4 }
        return conf
    }

    func revokedIDs() -> [String] { revoked }
    func clockValue() -> Int { clock }
    func observeClock(_ value: Int) { clock = max(clock, value) + 1 }

    func revoke(_ ids: [String], terminate: Bool, signal: String) -> [String] {
        for id in ids where !revoked.contains(id) { revoked.append(id) }
        guard terminate else { return [] }
        let held = ids.filter { id in active.contains { $0.id == id } || reserved.contains { $0.id == id } }
        for id in held { terminated.append((id, signal)) }
        active.removeAll { held.contains($0.id) }
        reserved.removeAll { held.contains($0.id) }
        return held
    }

    func mergeRevoked(_ ids: [String]) {
        for id in ids where !revoked.contains(id) { revoked.append(id) }
    }

    func setRateLimit(task: String, tasksPerSecond: Double, text: String) -> Bool {
        guard tasks[task] != nil else { return false }
        tasks[task]?.rateLimit = tasksPerSecond == 0 ? nil : text
        rateLimits[task] = tasksPerSecond
        return true
    }

    func setTimeLimits(task: String, soft: Double?, hard: Double?) -> Bool {
        guard tasks[task] != nil else { return false }
        tasks[task]?.softTimeLimit = soft
        tasks[task]?.timeLimit = hard
        return true
    }

    func addConsumer(_ queue: QueueInfo) -> Bool {
        guard !queues.contains(where: { $0.name == queue.name }) else { return false }
        queues.append(queue)
        return true
    }

    func cancelConsumer(_ queue: String) { queues.removeAll { $0.name == queue } }

    func resizePool(by delta: Int) -> Bool {
        guard poolResizable, poolSize + delta >= 1 else { return false }
        poolSize += delta
        return true
    }

    func setTaskEvents(_ enabled: Bool) -> Bool {
        defer { taskEvents = enabled }
        return taskEvents != enabled
    }

    func sendHeartbeat() { heartbeats += 1 }
    func requestShutdown() { shutdownRequests += 1 }
}
