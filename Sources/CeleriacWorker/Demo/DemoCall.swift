import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One thing the demo load sends: a single task, a chain or a chord. Every task id is chosen
/// here, so the tally can follow each task the load created, including the later steps of a
/// chain and the body of a chord.
public enum DemoCall: Sendable, Hashable {
    /// One task.
    case task(name: String, args: [JSONValue], kwargs: JSONObject, options: DemoOptions)
    /// A chain: the first step is published, the rest ride in its `embed.chain`.
    case chain([Signature])
    /// A chord: the header tasks, then the body with their results.
    case chord(header: [Signature], body: Signature)

    /// Every task id this call creates.
    public var taskIDs: [String] {
        switch self {
        case .task(_, _, _, let options): [options.taskID]
        case .chain(let steps): steps.compactMap(\.taskID)
        case .chord(let header, let body): header.compactMap(\.taskID) + [body.taskID].compactMap { $0 }
        }
    }

    /// How many messages sending it publishes (a chord's header parts go out at once).
    public var messageCount: Int {
        if case .chord(let header, _) = self { return header.count }
        return 1
    }

    /// Sends it.
    public func send(with producer: Producer) async throws(SendError) {
        switch self {
        case .task(let name, let args, let kwargs, let options):
            try await producer.send(name, args: args, kwargs: kwargs, options: options.sendOptions)
        case .chain(let steps):
            try await producer.chain(steps)
        case .chord(let header, let body):
            try await producer.chord(header, body: body)
        }
    }
}

/// The options a demo task is sent with (a value, unlike `SendOptions`, so calls compare).
public struct DemoOptions: Sendable, Hashable {
    public var taskID: String
    public var queue: String
    public var countdown: Double?
    public var priority: Int?
    public var retries: Int
    public var expiresIn: Double?

    /// Options for one task.
    public init(taskID: String, queue: String, countdown: Double? = nil, priority: Int? = nil, retries: Int = 0,
                expiresIn: Double? = nil) {
        self.taskID = taskID
        self.queue = queue
        self.countdown = countdown
        self.priority = priority
        self.retries = retries
        self.expiresIn = expiresIn
    }

    var sendOptions: SendOptions {
        var options = SendOptions(queue: queue, countdown: countdown, expires: expiresIn.map { .seconds($0) }, priority: priority)
        options.taskID = taskID
        options.retries = retries
        return options
    }
}
