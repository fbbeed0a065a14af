import CeleriacRESP
import DequeModule
import NIOCore

/// The request/response bookkeeping of one connection, free of I/O.
///
/// Redis answers the commands of a connection in the order they were sent, so the commands in
/// flight form a FIFO queue and each reply completes the oldest. Out-of-band data (RESP3
/// pushes, and pub/sub frames on a RESP2 subscriber connection) is told apart and never
/// consumes a waiter. Anything that leaves the reply order unknown (a malformed frame, a reply
/// nobody waits for, a command past its deadline) fails every waiter and closes the
/// connection: it is never reused in an unknown state. The handler carries out the actions.
///
/// A pub/sub command (SUBSCRIBE and friends) takes its place in the queue too: it is answered
/// by one out-of-band confirmation per name, or, when the server refuses it (an ACL denial,
/// a wrong argument count), by one error reply in band. Without its place, a refused SUBSCRIBE's
/// error would be taken as the reply of the command behind it, and every later reply would
/// go to the wrong caller.
struct RedisRequestStateMachine<Waiter> {
    struct Entry {
        var waiter: Waiter
        var deadline: NIODeadline?
        var timeout: TimeAmount?
        /// Set for a pub/sub command: the confirmations still due before it is done.
        var pubSub: PubSubExpectation?
    }

    /// The confirmations a pub/sub command is waiting for: `remaining` frames of `kind`.
    struct PubSubExpectation {
        /// The confirmation's kind, lowercase: `subscribe`, `unsubscribe`, `psubscribe`, ...
        var kind: String
        var remaining: Int
    }

    enum State {
        case open
        case closed(RedisError)
    }

    enum SendAction {
        case write
        case fail(RedisError)
    }

    enum ReplyAction {
        /// Hand the reply (or its error) to the oldest waiter.
        case complete(Waiter, Result<RESPValue, RedisError>)
        /// Out-of-band data for the push handler; `confirmed` is the pub/sub command this
        /// frame was the last confirmation of, to be completed with it.
        case push(RESPValue, confirmed: Waiter?)
        /// The server refused a pub/sub command: fail its waiter (and say so in the log).
        case refused(Waiter, RedisError)
        /// An error nobody waits for on a subscriber connection (a refused SUBSCRIBE): log it.
        case unsolicitedError(String)
        /// The stream is out of step: fail these waiters and close.
        case close([Waiter], RedisError)
        /// The connection already failed; bytes that were buffered behind the failure are dropped.
        case ignore
    }

    enum TimerAction {
        /// Nothing is waiting; no timer needed.
        case idle
        /// Nothing expired yet; fire again at this deadline.
        case rearm(NIODeadline)
        /// Commands expired: fail `expired` with the timeout error and `others` with the
        /// closed error, then close.
        case timeout(expired: [Waiter], timeoutError: RedisError, others: [Waiter], closedError: RedisError)
    }

    private(set) var pending: Deque<Entry> = []
    private(set) var state: State = .open
    /// The masked URL, for messages.
    let endpoint: String
    /// Whether RESP2 arrays that look like pub/sub frames are out-of-band data.
    let subscriberMode: Bool

    init(endpoint: String, subscriberMode: Bool = false) {
        self.endpoint = endpoint
        self.subscriberMode = subscriberMode
    }

    var isOpen: Bool {
        if case .open = state { return true }
        return false
    }

    /// A command is about to be written.
    mutating func send(_ waiter: Waiter, deadline: NIODeadline?, timeout: TimeAmount?) -> SendAction {
        switch state {
        case .open:
            pending.append(Entry(waiter: waiter, deadline: deadline, timeout: timeout))
            return .write
        case .closed(let error):
            return .fail(error)
        }
    }

    /// A pub/sub command naming `count` channels or patterns is about to be written; `kind` is
    /// its confirmation's kind (the command name, lowercase). `count` must be at least 1.
    mutating func sendPubSub(_ waiter: Waiter, kind: String, count: Int, deadline: NIODeadline?, timeout: TimeAmount?) -> SendAction {
        switch state {
        case .open:
            let expectation = PubSubExpectation(kind: kind, remaining: max(1, count))
            pending.append(Entry(waiter: waiter, deadline: deadline, timeout: timeout, pubSub: expectation))
            return .write
        case .closed(let error):
            return .fail(error)
        }
    }

    /// `count` commands written together, all answered to the same waiter.
    mutating func send(_ waiter: Waiter, count: Int, deadline: NIODeadline?, timeout: TimeAmount?) -> SendAction {
        switch state {
        case .open:
            let entry = Entry(waiter: waiter, deadline: deadline, timeout: timeout)
            for _ in 0..<count { pending.append(entry) }
            return .write
        case .closed(let error):
            return .fail(error)
        }
    }

    /// A complete RESP value arrived.
    mutating func reply(_ value: RESPValue) -> ReplyAction {
        guard case .open = state else {
            // Bytes that were already buffered when the connection failed: drop them.
            return .ignore
        }
        var value = value
        if case .attribute(_, let annotated) = value { value = annotated }
        if case .push = value { return push(value) }
        if subscriberMode, Self.isPubSubFrame(value) { return push(value) }
        if let head = pending.first, head.pubSub != nil {
            // Every command before the pub/sub command was answered, and a pub/sub command that
            // ran answers out of band: an error here is its refusal.
            pending.removeFirst()
            if let message = value.errorMessage { return .refused(head.waiter, .server(message)) }
            let error = RedisError.protocolError("reply from \(endpoint) where a pub/sub confirmation was due: \(value)")
            state = .closed(.connectionClosed("connection to \(endpoint) closed after a protocol error"))
            return .close([head.waiter] + drain(), error)
        }
        guard let entry = pending.popFirst() else {
            if subscriberMode, let message = value.errorMessage { return .unsolicitedError(message) }
            let error = RedisError.protocolError("reply from \(endpoint) that no command was waiting for")
            state = .closed(.connectionClosed("connection to \(endpoint) closed after a protocol error"))
            return .close([], error)
        }
        if let message = value.errorMessage { return .complete(entry.waiter, .failure(.server(message))) }
        return .complete(entry.waiter, .success(value))
    }

    /// An out-of-band frame: a confirmation counts toward the pub/sub command at the head of
    /// the queue (confirmations come in command order, each command's before any later reply).
    private mutating func push(_ value: RESPValue) -> ReplyAction {
        guard let kind = Self.confirmationKind(value), let head = pending.first, var expectation = head.pubSub,
              expectation.kind == kind
        else { return .push(value, confirmed: nil) }
        expectation.remaining -= 1
        if expectation.remaining > 0 {
            pending[0].pubSub = expectation
            return .push(value, confirmed: nil)
        }
        pending.removeFirst()
        return .push(value, confirmed: head.waiter)
    }

    /// The kind of a pub/sub confirmation frame (`subscribe`, `punsubscribe`, ...), lowercase;
    /// nil for messages and anything else.
    static func confirmationKind(_ value: RESPValue) -> String? {
        let items: [RESPValue]
        switch value {
        case .push(let frame), .array(let frame): items = frame
        default: return nil
        }
        guard items.count >= 3, let bytes = items[0].bytes else { return nil }
        let kind = String(decoding: bytes, as: UTF8.self).lowercased()
        switch kind {
        case "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe": return kind
        default: return nil
        }
    }

    /// The bytes from the server are not valid RESP.
    mutating func parseFailed(_ error: RESPParseError) -> ([Waiter], RedisError) {
        let failure = RedisError.protocolError("malformed reply from \(endpoint): \(error)")
        state = .closed(.connectionClosed("connection to \(endpoint) closed after a protocol error: \(error)"))
        return (drain(), failure)
    }

    /// The timer set for the earliest deadline fired.
    mutating func timerFired(now: NIODeadline) -> TimerAction {
        guard case .open = state, !pending.isEmpty else { return .idle }
        var earliest: NIODeadline?
        var expiredTimeout: TimeAmount?
        for entry in pending {
            guard let deadline = entry.deadline else { continue }
            if deadline <= now {
                expiredTimeout = entry.timeout
                break
            }
            if earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        guard let expiredTimeout else {
            if let earliest { return .rearm(earliest) }
            return .idle
        }
        var expired: [Waiter] = []
        var others: [Waiter] = []
        for entry in pending {
            if let deadline = entry.deadline, deadline <= now { expired.append(entry.waiter) } else { others.append(entry.waiter) }
        }
        pending.removeAll()
        let seconds = Self.format(expiredTimeout)
        let timeoutError = RedisError.timeout("no reply from \(endpoint) within \(seconds); connection closed")
        let closedError = RedisError.connectionClosed("connection to \(endpoint) closed: an earlier command timed out after \(seconds)")
        state = .closed(closedError)
        return .timeout(expired: expired, timeoutError: timeoutError, others: others, closedError: closedError)
    }

    /// The earliest deadline among the commands in flight.
    var earliestDeadline: NIODeadline? {
        var earliest: NIODeadline?
        for entry in pending {
            if let deadline = entry.deadline, earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        return earliest
    }

    /// The client closes the connection on purpose.
    mutating func closeRequested() -> ([Waiter], RedisError) {
        if case .closed(let error) = state { return (drain(), error) }
        let error = RedisError.connectionClosed("connection to \(endpoint) closed by the client")
        state = .closed(error)
        return (drain(), error)
    }

    /// The channel became inactive; `reason` is the I/O error that closed it, if one did.
    mutating func channelClosed(reason: String? = nil) -> ([Waiter], RedisError) {
        if case .closed(let error) = state { return (drain(), error) }
        let cause = reason.map { " (\($0))" } ?? ""
        let error = RedisError.connectionClosed("connection to \(endpoint) closed before the reply arrived\(cause)")
        state = .closed(error)
        return (drain(), error)
    }

    private mutating func drain() -> [Waiter] {
        let waiters = pending.map(\.waiter)
        pending.removeAll()
        return waiters
    }

    static func isPubSubFrame(_ value: RESPValue) -> Bool {
        guard case .array(let items) = value, items.count >= 3, let kind = items.first?.bytes else { return false }
        switch String(decoding: kind, as: UTF8.self).lowercased() {
        case "message", "pmessage", "smessage", "subscribe", "unsubscribe", "psubscribe", "punsubscribe",
            "ssubscribe", "sunsubscribe":
            return true
        default:
            return false
        }
    }

    static func format(_ amount: TimeAmount?) -> String {
        guard let amount else { return "its timeout" }
        let seconds = Double(amount.nanoseconds) / 1e9
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return "\(seconds) s"
    }
}
