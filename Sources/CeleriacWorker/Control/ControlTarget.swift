import Celeriac
import CeleriacProtocol

/// What the remote-control server asks of the worker it steers. The worker runtime conforms;
/// the control server turns these answers into Celery's reply shapes (`ControlReplies`,
/// `TaskRequestInfo`, `WorkerStats`, `QueueInfo`), so the two halves meet at plain values.
public protocol ControlTarget: AnyObject, Sendable {
    /// The worker's nodename (`celeriac@host`), matched against a request's destination.
    var nodename: String { get }

    /// Requests running now (`active`).
    func activeRequests() async -> [TaskRequestInfo]
    /// Requests received and waiting for a slot or a rate-limit token (`reserved`).
    func reservedRequests() async -> [TaskRequestInfo]
    /// Requests held for their ETA or countdown (`scheduled`).
    func scheduledRequests() async -> [ScheduledRequest]
    /// Requests recently finished and still remembered (for `query_task`'s `ready`).
    func readyRequest(id: String) async -> TaskRequestInfo?

    /// `stats`.
    func statistics() async -> WorkerStats
    /// Every registered task with its options (for `registered` and `dump_tasks`).
    func registeredTasks() async -> [RegisteredTask]
    /// The queues consumed now (`active_queues`).
    func activeQueues() async -> [QueueInfo]
    /// The worker's configuration, flattened as Celery's `conf` reply shows it.
    func configuration(withDefaults: Bool) async -> JSONObject
    /// The revoked ids, oldest first (`revoked`, `hello`).
    func revokedIDs() async -> [String]
    /// The Lamport clock of the event dispatcher (`clock`, `hello`).
    func clockValue() async -> Int
    /// Adjusts the clock to a value received from another node.
    func observeClock(_ value: Int) async

    /// Marks ids revoked; with `terminate`, cancels those running and returns their ids.
    func revoke(_ ids: [String], terminate: Bool, signal: String) async -> [String]
    /// Merges revoked ids learnt from another worker (`hello` replies at start, `hello` requests).
    func mergeRevoked(_ ids: [String]) async
    /// Sets the rate limit of a task in tasks per second (`RateLimit.tasksPerSecond`; zero
    /// removes it), keeping `text` to report it; false when the task is unknown.
    func setRateLimit(task: String, tasksPerSecond: Double, text: String) async -> Bool
    /// Sets the soft and hard time limits of a task (nil removes one); false when unknown.
    func setTimeLimits(task: String, soft: Double?, hard: Double?) async -> Bool
    /// Starts consuming a queue (`add_consumer`); false when it already is.
    func addConsumer(_ queue: QueueInfo) async -> Bool
    /// Stops consuming a queue (`cancel_consumer`).
    func cancelConsumer(_ queue: String) async
    /// Changes the pool size by `delta` (grow positive, shrink negative); false when the pool
    /// cannot change.
    func resizePool(by delta: Int) async -> Bool
    /// Turns task events on or off; returns whether the setting changed.
    func setTaskEvents(_ enabled: Bool) async -> Bool
    /// `autoscale(max, min)`: the reply (Celery's `ValueError` when the pool does not autoscale).
    func autoscale(max: Int?, min: Int?) async -> JSONValue
    /// Sends a `worker-heartbeat` now (`heartbeat`).
    func sendHeartbeat() async
    /// Begins a warm shutdown (`shutdown`).
    func requestShutdown() async
}

/// A request held for its ETA, as `scheduled` reports it.
public struct ScheduledRequest: Sendable, Hashable {
    /// When it runs.
    public var eta: CeleryDateTime?
    /// The message priority.
    public var priority: Int
    /// The request itself.
    public var request: TaskRequestInfo

    /// A held request.
    public init(eta: CeleryDateTime?, priority: Int, request: TaskRequestInfo) {
        self.eta = eta
        self.priority = priority
        self.request = request
    }
}

extension ControlTarget {
    /// A target without an autoscaler answers as Celery does without one.
    public func autoscale(max: Int?, min: Int?) async -> JSONValue {
        ControlReplies.error(PythonRepr.exceptionRepr(type: "ValueError", arguments: ["Autoscale not enabled"]))
    }
}
