import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The options of `apply_async`/`send_task` a producer understands.
public struct SendOptions: Sendable {
    /// The queue; the app's route for the task, else the default queue, when nil.
    public var queue: String?
    /// The routing key; Celery sends to the anonymous exchange with the queue as routing key,
    /// so this only names the queue when `queue` is nil.
    public var routingKey: String?
    /// Seconds from now before the task may run (becomes an absolute `eta`).
    public var countdown: Double?
    /// An absolute ETA.
    public var eta: Date?
    /// Expiry, either seconds from now or a date.
    public var expires: Expiry?
    /// 0–9; lower runs first on Redis.
    public var priority: Int?
    /// `retries` header.
    public var retries = 0
    /// The task id; a new uuid4 when nil.
    public var taskID: String?
    /// Extra headers, merged like Celery's `headers=`.
    public var headers = JSONObject()
    /// Success callbacks (`link`).
    public var link: [Signature] = []
    /// Failure callbacks (`link_error`).
    public var linkError: [Signature] = []
    /// Do not store the result.
    public var ignoreResult: Bool?
    /// Soft time limit in seconds.
    public var softTimeLimit: Double?
    /// Hard time limit in seconds.
    public var timeLimit: Double?
    /// A display name (`shadow`).
    public var shadow: String?
    /// The group id and index, for group members.
    public var groupID: String?
    /// The position in the group.
    public var groupIndex: Int?
    /// The workflow root and parent.
    public var rootID: String?
    /// The sending task's id.
    public var parentID: String?
    /// Embedded chain (reversed, as Celery stores it) and chord.
    public var chain: [Signature]?
    /// The chord body, for chord header parts.
    public var chord: Signature?

    /// Expiry as seconds from now or an absolute date.
    public enum Expiry: Sendable {
        /// Seconds from the moment of sending.
        case seconds(Double)
        /// An absolute date.
        case date(Date)
    }

    /// Options with Celery's defaults.
    public init(queue: String? = nil, countdown: Double? = nil, eta: Date? = nil, expires: Expiry? = nil,
                priority: Int? = nil, taskID: String? = nil)
    {
        self.queue = queue
        self.countdown = countdown
        self.eta = eta
        self.expires = expires
        self.priority = priority
        self.taskID = taskID
    }
}
