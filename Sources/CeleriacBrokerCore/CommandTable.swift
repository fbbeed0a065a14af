import CeleriacRESP

/// Properties of a command that the dispatcher, AUTH gating, `MAXMEMORY`, transactions,
/// scripts, `INFO` and `COMMAND` rely on (a subset of Redis's command flags).
public struct CommandFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// May modify the dataset.
    public static let write = CommandFlags(rawValue: 1 << 0)
    /// Only reads the dataset.
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    /// May grow memory use: refused past `maxmemory` (Redis's `denyoom`).
    public static let denyOOM = CommandFlags(rawValue: 1 << 2)
    /// May block the client.
    public static let blocking = CommandFlags(rawValue: 1 << 3)
    /// Pub/sub command, allowed in RESP2 subscribed mode when also `.subscribedOK`.
    public static let pubsub = CommandFlags(rawValue: 1 << 4)
    /// Allowed before AUTH.
    public static let noAuth = CommandFlags(rawValue: 1 << 5)
    /// Refused inside scripts.
    public static let noScript = CommandFlags(rawValue: 1 << 6)
    /// Runs immediately even inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).
    public static let noQueue = CommandFlags(rawValue: 1 << 7)
    /// Allowed while a RESP2 connection is subscribed.
    public static let subscribedOK = CommandFlags(rawValue: 1 << 8)
    /// Administrative / connection command with no keys.
    public static let admin = CommandFlags(rawValue: 1 << 9)
    /// Not propagated to the append-only log itself (its effects are: EXEC, EVAL).
    public static let noPropagate = CommandFlags(rawValue: 1 << 10)
    /// Not shown to MONITOR clients (AUTH, HELLO carry secrets).
    public static let noMonitor = CommandFlags(rawValue: 1 << 11)
    /// Fast O(1)/O(log n) command (COMMAND INFO flag only).
    public static let fast = CommandFlags(rawValue: 1 << 12)
    /// The handler keeps ``BrokerEngine/usedMemory`` up to date itself, sparing the two
    /// size lookups per key that `call` makes otherwise (the hot write commands).
    static let accountsOwnMemory = CommandFlags(rawValue: 1 << 13)

    /// Names as `COMMAND INFO` lists them.
    var names: [String] {
        var result: [String] = []
        if contains(.write) { result.append("write") }
        if contains(.readonly) { result.append("readonly") }
        if contains(.denyOOM) { result.append("denyoom") }
        if contains(.admin) { result.append("admin") }
        if contains(.pubsub) { result.append("pubsub") }
        if contains(.noScript) { result.append("noscript") }
        if contains(.blocking) { result.append("blocking") }
        if contains(.subscribedOK) { result.append("loading") }
        if contains(.noAuth) { result.append("no_auth") }
        if contains(.fast) { result.append("fast") }
        return result
    }
}

/// One entry of the command table. A class: the dispatcher hands it around per command, and
/// one reference costs a single retain where the struct's fields cost several.
final class CommandSpec {
    /// Takes the engine as a parameter: a curried method reference (`BrokerEngine.setCommand`)
    /// would allocate a closure on every call.
    typealias Handler = (BrokerEngine, inout CommandCall) throws -> CommandOutcome

    /// Lowercase name.
    let name: String
    /// Redis arity: N means exactly N arguments (name included), -N means at least N.
    let arity: Int
    let flags: CommandFlags
    /// Key positions: first, last (negative counts from the end), step. 0/0/0 = no keys.
    let firstKey: Int
    let lastKey: Int
    let keyStep: Int
    let handler: Handler
    /// Whether the command runs in bounded time (`fast`, or one of the hot writes that account
    /// their own memory, such as SET), so that the next command of a read batch may reuse the
    /// batch's clock reading (see ``BrokerEngine/beginReadBatch()``).
    let keepsBatchClock: Bool

    init(
        _ name: String, arity: Int, flags: CommandFlags, keys: (Int, Int, Int) = (0, 0, 0),
        _ handler: @escaping Handler
    ) {
        self.name = name
        self.arity = arity
        self.flags = flags
        firstKey = keys.0
        lastKey = keys.1
        keyStep = keys.2
        self.handler = handler
        keepsBatchClock = flags.contains(.fast) || flags.contains(.accountsOwnMemory)
    }

    func acceptsArgumentCount(_ count: Int) -> Bool {
        arity >= 0 ? count == arity : count >= -arity
    }

    /// Indices of the key arguments in `args`.
    func keyIndices(count: Int) -> [Int] {
        Array(keyPositions(count: count))
    }

    /// The argument positions of the keys, without allocating.
    func keyPositions(count: Int) -> StrideThrough<Int> {
        guard firstKey > 0, firstKey < count else { return stride(from: 1, through: 0, by: 1) }
        let last = lastKey >= 0 ? min(lastKey, count - 1) : count + lastKey
        guard last >= firstKey else { return stride(from: 1, through: 0, by: 1) }
        return stride(from: firstKey, through: last, by: max(1, keyStep))
    }
}

/// What a command produced for the client that sent it.
public enum CommandOutcome: Sendable, Equatable {
    /// One reply.
    case reply(RESPValue)
    /// Zero or more replies in order (the subscribe family answers once per channel; an empty
    /// request gets none).
    case replies([RESPValue])
    /// The client is parked; its reply comes later as ``EngineEvent/unblocked(_:_:)``.
    case blocked
    /// Send the reply, then close the connection (QUIT).
    case close(RESPValue)
    /// Send the reply (if any), then shut the server down (SHUTDOWN).
    case shutdown(RESPValue?)
}

/// Something the server must do for a client other than the one whose command is running.
public enum EngineEvent: Sendable, Equatable {
    /// Out-of-band data: a pub/sub message or a MONITOR line.
    case push(ClientID, RESPValue)
    /// The reply to a client's blocking command (served or timed out). The client is no
    /// longer blocked: the server sends this and resumes reading its pipelined commands.
    case unblocked(ClientID, RESPValue)
    /// Close this connection (CLIENT KILL).
    case disconnect(ClientID)
}

/// The context a handler runs in.
struct CommandCall {
    var args: [[UInt8]]
    let client: ClientState
    let spec: CommandSpec
    /// Set by a handler that must be logged differently from how it was called (SETEX → SET
    /// PXAT, a served BRPOP → RPOP). An empty list means "log nothing".
    var propagateAs: [[[UInt8]]]?
    /// Whether the handler may write its reply straight into ``BrokerEngine/replyOutput``
    /// (a client's own command run by the server's direct path; never inside EXEC or a
    /// script, which collect replies as values). See BrokerEngine+DirectReplies.swift.
    var direct = false

    var resp3: Bool { client.protocolVersion == .v3 }

    func arg(_ index: Int) -> [UInt8] { index < args.count ? args[index] : [] }
}
