import CeleriacRESP
import DequeModule
import NIOCore
import HeapModule
import OrderedCollections

/// The broker's engine: a single-threaded, Redis-compatible keyspace and command processor.
///
/// The server layer owns sockets and framing. Its whole contract:
///
/// - ``addClient(address:)`` when a connection opens, ``removeClient(_:)`` when it closes.
/// - Each parsed command goes to ``execute(_:from:)``. The returned ``CommandOutcome`` is
///   written to that connection encoded with the client's ``ClientState/protocolVersion``
///   read *after* the call (HELLO changes it, and its own reply is already in the new
///   version). Pushes the command produced for the caller itself are already folded into
///   the outcome, in the order Redis would write them.
/// - ``CommandOutcome/blocked``: hold the connection's further pipelined commands until an
///   ``EngineEvent/unblocked(_:_:)`` for it arrives, write that reply, then resume.
/// - After every `execute` (and `runTimers`) drain ``drainEvents()``: pub/sub messages and
///   MONITOR lines for other clients, replies to clients that were blocked, disconnects.
/// - Call ``runTimers()`` periodically (or at ``nextBlockingDeadline``) for blocking
///   timeouts and active expiry.
/// - For durability set ``appendOnlySink``; load a log with ``replay(_:)`` before accepting
///   clients; compact with ``rewrite()``, and call ``appendOnlyLogDidRotate(selectedDatabase:)``
///   when the new file replaces the old one.
///
/// Not thread-safe by design: like Redis, all state is confined to one thread (one NIO event
/// loop). Nothing here locks; callers must not share an engine across threads.
public final class BrokerEngine {
    /// Settings given at start-up; CONFIG SET changes some of them at run time.
    public struct Configuration: Sendable {
        /// Password for the `default` user; nil disables AUTH.
        public var password: String?
        /// Number of databases (`SELECT 0` … `n-1`).
        public var databases: Int
        /// Write commands that may grow memory are refused when ``BrokerEngine/usedMemory``
        /// exceeds this (0 = no limit), as Redis's `noeviction` policy does.
        public var maxMemory: Int
        /// Lua scripts running longer than this are aborted with an error.
        public var scriptTimeLimitMilliseconds: Int
        /// Version string reported by HELLO and INFO.
        public var version: String
        /// TCP port reported by INFO (informational).
        public var port: Int
        /// Listening address, reported by CONFIG GET bind (informational).
        public var bind: String
        /// Connections the server accepts at most (`maxclients`; the server enforces it).
        public var maxClients: Int
        /// Whether the server keeps an append-only log (`appendonly`; the server applies it).
        public var appendOnly: Bool
        /// `appendfsync`: `always`, `everysec` or `no` (the server applies it).
        public var appendFsync: String
        /// `timeout`: idle clients are closed after this many seconds; 0 never.
        public var idleTimeoutSeconds: Int

        public init(
            password: String? = nil, databases: Int = 16, maxMemory: Int = 0,
            scriptTimeLimitMilliseconds: Int = 5000, version: String = "7.0.15", port: Int = 6379,
            bind: String = "127.0.0.1", maxClients: Int = 10_000, appendOnly: Bool = false, appendFsync: String = "everysec",
            idleTimeoutSeconds: Int = 0
        ) {
            self.password = password
            self.databases = max(1, databases)
            self.maxMemory = maxMemory
            self.scriptTimeLimitMilliseconds = scriptTimeLimitMilliseconds
            self.version = version
            self.port = port
            self.bind = bind
            self.maxClients = maxClients
            self.appendOnly = appendOnly
            self.appendFsync = appendFsync
            self.idleTimeoutSeconds = idleTimeoutSeconds
        }
    }

    // Properties marked `@exclusivity(unchecked)` are touched on every command. The engine is
    // confined to one thread and no access to them spans a call that reaches them again, so
    // the runtime's per-access exclusivity check (about 4 % of the broker's CPU in profiles)
    // is skipped for them.

    public internal(set) var configuration: Configuration
    /// Called after CONFIG SET changed ``configuration`` (given the previous one), so the
    /// server applies what it owns. A non-nil result refuses the change: the parameter and
    /// Redis's reason; the engine then restores the previous configuration.
    public var configurationDidChange: ((_ previous: Configuration) -> (parameter: String, reason: String)?)?
    let clock: any BrokerClock
    @exclusivity(unchecked) var databases: [Database]
    var clients: [ClientID: ClientState] = [:]
    var nextClientID: ClientID = 1
    @exclusivity(unchecked) var events: [EngineEvent] = []
    /// Clients in MONITOR mode, so that commands skip the monitor feed without scanning
    /// every client when there are none (the common case).
    var monitorCount = 0
    var commands: [String: CommandSpec] = [:]
    /// ``commandSpec(_:)``'s cache: command names as clients spell them.
    @exclusivity(unchecked) var commandsBySpelling = ByteKeyedTable<CommandSpec>()
    /// The last command looked up, by its spelling (see ``commandSpec(_:)``).
    @exclusivity(unchecked) var lastCommandSpelling: [UInt8] = []
    @exclusivity(unchecked) var lastCommandSpec: CommandSpec?
    /// The connection's output buffer while ``execute(_:client:writingRepliesTo:)`` runs:
    /// hot handlers write their replies here instead of building ``RESPValue``s.
    @exclusivity(unchecked) var replyOutput = ByteBuffer()
    /// Set while ``replyOutput`` is the caller's buffer.
    @exclusivity(unchecked) var directReplies = false

    /// Time of the command being run, cached like Redis's `mstime()`; frozen for the whole of
    /// a script or transaction. Read once per command, or once per read batch between
    /// ``beginReadBatch()`` and ``endReadBatch()``.
    @exclusivity(unchecked) var nowMicros: Int64 = 0
    /// Set between ``beginReadBatch()`` and ``endReadBatch()``: ``nowMicros`` was read for the
    /// batch and commands reuse it instead of reading the clock each.
    @exclusivity(unchecked) var clockReadForBatch = false
    var nowMillis: Int64 { nowMicros / 1000 }
    /// Nesting of `call` (1 = a client's own command, 2+ = inside EXEC or a script).
    @exclusivity(unchecked) var callDepth = 0
    /// Set while replaying a log: like Redis while loading, nothing expires (the log holds
    /// an explicit DEL for every key that expired when it was written).
    var loading = false
    /// Set while a Lua script runs, so blocking commands don't block and scripts can't nest.
    var runningScript: ScriptRun?

    // Blocking pops.
    var waiters: [DatabaseKey: Deque<ClientID>] = [:]
    @exclusivity(unchecked) var readyKeys: OrderedSet<DatabaseKey> = []

    // Pub/sub.
    var channelSubscribers: [[UInt8]: OrderedSet<ClientID>] = [:]
    var patternSubscribers: OrderedDictionary<[UInt8], OrderedSet<ClientID>> = [:]

    /// Deadlines of keys with an expiry, soonest first (see BrokerEngine+Expiry.swift).
    var expiryHeap = Heap<ExpiryEntry>()

    // WATCH: keys to the clients watching them.
    var watchers: [DatabaseKey: Set<ClientID>] = [:]

    // Scripting.
    var scripts: [String: [UInt8]] = [:]
    var lua: LuaInterpreter?

    // Append-only log.
    /// Receives one record per change; nil disables logging (replay runs with it detached).
    public var appendOnlySink: (any AppendOnlySink)?
    /// Extra `field:value` lines for INFO's Persistence section, kept up to date by the server
    /// (for example `aof_rewrite_in_progress`, `aof_last_write_status`).
    public var persistenceInfo: [(field: String, value: String)] = []
    /// Why the log cannot be written or synced now (set by the server). While set, writes
    /// (and PING, as in Redis) are refused with `MISCONF`: a reply must not claim durability
    /// the disk did not give.
    public var persistenceFailure: String?
    @exclusivity(unchecked) var pendingRecords: [(db: Int, args: [[UInt8]])] = []
    /// Set by EXEC and scripts: their several records are logged inside MULTI/EXEC.
    @exclusivity(unchecked) var wrapPendingRecords = false
    var loggedDatabase = -1

    // Accounting and stats.
    /// Approximate bytes held by keys and values, maintained incrementally.
    @exclusivity(unchecked) public internal(set) var usedMemory = 0
    /// Number of changes since start (Redis's `server.dirty`).
    @exclusivity(unchecked) public internal(set) var changesSinceStart: Int64 = 0
    @exclusivity(unchecked) var stats = EngineStats()
    let startedAt: Int64
    /// When ``closeIdleClients()`` last looked (microseconds).
    var lastIdleCheckMicros: Int64 = 0

    /// Creates an engine with empty databases.
    public init(configuration: Configuration = Configuration(), clock: any BrokerClock = SystemBrokerClock()) {
        self.configuration = configuration
        self.clock = clock
        databases = (0..<configuration.databases).map { Database(index: $0) }
        startedAt = clock.nowMicroseconds()
        nowMicros = startedAt
        commands = Self.buildCommandTable()
    }

    // MARK: Clients

    /// Registers a new connection and returns its id.
    public func addClient(address: String = "127.0.0.1:0") -> ClientID {
        let id = nextClientID
        nextClientID += 1
        let client = ClientState(
            id: id, address: address, authenticated: configuration.password == nil, now: clock.nowMicroseconds())
        clients[id] = client
        stats.totalConnections += 1
        return id
    }

    /// The state of a connection, or nil when it is unknown.
    public func client(_ id: ClientID) -> ClientState? { clients[id] }

    /// Forgets a connection: unblocks it, drops its subscriptions, WATCHes and MULTI state.
    public func removeClient(_ id: ClientID) {
        guard let client = clients[id] else { return }
        if client.isMonitor { monitorCount -= 1 }
        unblock(client)
        unwatchAll(client)
        removeAllSubscriptions(client)
        clients[id] = nil
        client.isRegistered = false
    }

    /// Number of connected clients.
    public var clientCount: Int { clients.count }

    /// Changes the memory limit at run time (`CONFIG SET maxmemory` equivalent for the server).
    public func setMaxMemory(_ bytes: Int) {
        configuration.maxMemory = max(0, bytes)
    }

    // MARK: Running commands

    /// Runs one command for `client`. Unknown clients get an error.
    public func execute(_ args: [[UInt8]], from id: ClientID) -> CommandOutcome {
        guard let client = clients[id] else { return .reply(.simpleError("ERR unknown client id \(id)")) }
        return execute(args, client: client)
    }

    /// Runs one command for a connected client given by its state (the server's path:
    /// it holds the ``ClientState`` from ``client(_:)`` and skips the lookup by id).
    public func execute(_ args: [[UInt8]], client: ClientState) -> CommandOutcome {
        let id = client.id
        guard client.isRegistered else { return .reply(.simpleError("ERR unknown client id \(id)")) }
        if !clockReadForBatch { nowMicros = clock.nowMicroseconds() }
        let firstEvent = events.count
        var outcome = processCommand(args, client: client)
        flushRecords()
        if !readyKeys.isEmpty {
            serveReadyKeys()
            flushRecords()
        }
        guard events.count > firstEvent else { return outcome }
        // Pushes for the calling client itself (a RESP3 client publishing to a channel it is
        // subscribed to) precede its reply, as Redis writes them into its buffer first.
        let isOwnPush: (EngineEvent) -> Bool = { event in
            if case .push(let target, _) = event { return target == id }
            return false
        }
        let recent = events[firstEvent...]
        let own = recent.filter(isOwnPush)
        if !own.isEmpty {
            let others = recent.filter { !isOwnPush($0) }
            events.removeSubrange(firstEvent...)
            events.append(contentsOf: others)
            outcome = Self.prepend(Array(own), to: outcome)
        }
        return outcome
    }

    private static func prepend(_ own: [EngineEvent], to outcome: CommandOutcome) -> CommandOutcome {
        let values = own.compactMap { event -> RESPValue? in
            if case .push(_, let value) = event { return value }
            return nil
        }
        switch outcome {
        case .reply(let value): return .replies(values + [value])
        case .replies(let replies): return .replies(values + replies)
        case .blocked, .close, .shutdown: return outcome
        }
    }

    /// Reads the clock once for the commands of one read from a connection, which then all
    /// run at that time (Redis, too, caches the time per event-loop iteration rather than
    /// asking the kernel per command). A command that may run long (one not O(1): scripts,
    /// EXEC, KEYS…) makes the next command read the clock again, so the batch's time never
    /// lags by more than a few fast commands. Call ``endReadBatch()`` after the batch.
    public func beginReadBatch() {
        nowMicros = clock.nowMicroseconds()
        clockReadForBatch = true
    }

    /// Ends a read batch: commands read the clock each again.
    public func endReadBatch() {
        clockReadForBatch = false
    }

    /// Convenience for tests and tools: runs a command given as text arguments.
    public func execute(_ args: [String], from id: ClientID) -> CommandOutcome {
        execute(args.map { Array($0.utf8) }, from: id)
    }

    /// Whether ``drainEvents()`` has anything to hand out.
    public var hasEvents: Bool { !events.isEmpty }

    /// Takes the events produced since the last call, in the order they happened.
    public func drainEvents() -> [EngineEvent] {
        // The common case (no events) must not allocate: the server calls this after every
        // command, and removeAll(keepingCapacity:) on a shared buffer would copy it.
        guard !events.isEmpty else { return [] }
        let drained = events
        events = []
        return drained
    }

    /// Times out blocked clients whose deadline has passed and runs one active-expiry cycle.
    /// The server calls this periodically.
    public func runTimers() {
        nowMicros = clock.nowMicroseconds()
        timeOutBlockedClients()
        activeExpireCycle()
        closeIdleClients()
        flushRecords()
    }

    /// The earliest blocking-command deadline (milliseconds since the epoch), if any client
    /// waits with a timeout; lets the server schedule ``runTimers()`` precisely.
    public var nextBlockingDeadline: Int64? {
        clients.values.compactMap { $0.blocked?.deadline }.min()
    }

    /// Number of keys in a database (for INFO and tests).
    public func keyCount(db: Int = 0) -> Int {
        guard databases.indices.contains(db) else { return 0 }
        return databases[db].count
    }

    func database(_ index: Int) -> Database {
        databases.indices.contains(index) ? databases[index] : databases[0]
    }
}

/// Counters reported by INFO.
struct EngineStats {
    var totalConnections: Int64 = 0
    var totalCommands: Int64 = 0
    var expiredKeys: Int64 = 0
    var keyspaceHits: Int64 = 0
    var keyspaceMisses: Int64 = 0
    var publishedMessages: Int64 = 0
    var rejectedCommands: Int64 = 0
}
