/// A side effect the model asks for: the effect runner (outside this module) performs it and
/// hands back an `EffectOutcome`. Values, so tests can check what an action would do.
public enum Effect: Hashable, Sendable {
    case revoke(ids: [String], terminate: Bool, signal: String)
    /// Re-publish failure-store entries by task id.
    case retry(ids: [String])
    /// Remove failure-store entries by task id (they are not retried).
    case deleteFailures(ids: [String])
    /// Re-publish one failure with new arguments (JSON texts, validated by the caller's editor step).
    case editAndRetry(id: String, args: String, kwargs: String)
    case rateLimit(task: String, rate: String)
    case timeLimit(task: String, soft: Double?, hard: Double?)
    case purge(queue: String)
    case addConsumer(queue: String, worker: String?)
    case cancelConsumer(queue: String, worker: String?)
    case poolGrow(worker: String, n: Int)
    case poolShrink(worker: String, n: Int)
    case shutdown(worker: String)
    /// Read a page of waiting messages (no confirmation: it changes nothing).
    case browseQueue(queue: String, page: Int)
    case setTheme(String)
    /// Open the original arguments of a failed task in `$EDITOR`; the app sends the edited
    /// text back as `ConsoleAction.edited`, which the model validates before any retry.
    case openEditor(id: String, text: String)
    case quit

    /// Whether the effect changes the cluster (and so needs a confirmation and is refused
    /// read-only).
    public var isDestructive: Bool {
        switch self {
        case .browseQueue, .setTheme, .openEditor, .quit: false
        default: true
        }
    }

    /// A short description for confirmations and outcomes.
    public var summary: String {
        switch self {
        case .revoke(let ids, let terminate, let signal):
            let what = ids.count == 1 ? "task \(ids[0])" : "\(ids.count) tasks"
            return terminate ? "Revoke and terminate (\(signal)) \(what)" : "Revoke \(what)"
        case .retry(let ids): return ids.count == 1 ? "Retry task \(ids[0])" : "Retry \(ids.count) failed tasks"
        case .deleteFailures(let ids):
            return ids.count == 1 ? "Delete failure \(ids[0]) from the store" : "Delete \(ids.count) failures from the store"
        case .editAndRetry(let id, _, _): return "Retry task \(id) with new arguments"
        case .rateLimit(let task, let rate): return "Set the rate limit of \(task) to \(rate)"
        case .timeLimit(let task, let soft, let hard):
            return "Set the time limits of \(task) to soft \(soft.map { "\($0)s" } ?? "none"), hard \(hard.map { "\($0)s" } ?? "none")"
        case .purge(let queue): return "Purge every message waiting in \(queue)"
        case .addConsumer(let queue, let worker): return "Resume consuming \(queue) on \(worker ?? "every worker")"
        case .cancelConsumer(let queue, let worker): return "Pause consuming \(queue) on \(worker ?? "every worker")"
        case .poolGrow(let worker, let n): return "Grow the pool of \(worker) by \(n)"
        case .poolShrink(let worker, let n): return "Shrink the pool of \(worker) by \(n)"
        case .shutdown(let worker): return "Shut down \(worker)"
        case .browseQueue(let queue, let page): return "Browse \(queue) page \(page + 1)"
        case .setTheme(let name): return "Theme \(name)"
        case .openEditor(let id, _): return "Edit the arguments of \(id)"
        case .quit: return "Quit"
        }
    }
}

/// What came back from an effect: which workers replied and what they said, or an error.
public struct EffectOutcome: Hashable, Sendable {
    /// One worker's reply.
    public struct Reply: Hashable, Sendable {
        public var worker: String
        /// `ok` or `error` text, as the reply said it.
        public var text: String
        public var isError: Bool

        public init(worker: String, text: String, isError: Bool = false) {
            self.worker = worker
            self.text = text
            self.isError = isError
        }
    }

    public var effect: Effect
    public var replies: [Reply]
    /// Set when the effect could not be performed at all (broker gone, target gone).
    public var error: String?
    /// For `browseQueue`: the page read.
    public var page: QueuePage?

    public init(effect: Effect, replies: [Reply] = [], error: String? = nil, page: QueuePage? = nil) {
        self.effect = effect
        self.replies = replies
        self.error = error
        self.page = page
    }

    /// One line for the result bar.
    public var summary: String {
        if let error { return "\(effect.summary): failed: \(error)" }
        if case .browseQueue = effect { return "\(effect.summary): \(page?.messages.count ?? 0) messages" }
        if replies.isEmpty, case .shutdown = effect { return "\(effect.summary): sent (workers do not reply to shutdown)" }
        if replies.isEmpty { return "\(effect.summary): no worker replied" }
        let errors = replies.filter(\.isError).count
        let first = replies[0].text
        return "\(effect.summary): \(replies.count) repl\(replies.count == 1 ? "y" : "ies")"
            + (errors > 0 ? ", \(errors) error\(errors == 1 ? "" : "s")" : "") + " (\(replies[0].worker): \(first))"
    }
}

/// A page of messages waiting in a queue, as the message browser shows it.
public struct QueuePage: Hashable, Sendable {
    public struct Message: Hashable, Sendable {
        public var id: String
        public var name: String
        public var argsPreview: String
        public var priority: Int

        public init(id: String, name: String, argsPreview: String, priority: Int = 0) {
            self.id = id
            self.name = name
            self.argsPreview = argsPreview
            self.priority = priority
        }
    }

    public var queue: String
    public var page: Int
    public var total: Int
    public var messages: [Message]

    public init(queue: String, page: Int, total: Int, messages: [Message]) {
        self.queue = queue
        self.page = page
        self.total = total
        self.messages = messages
    }
}
