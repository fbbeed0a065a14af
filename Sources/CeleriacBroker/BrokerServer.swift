import CeleriacBrokerCore
import CeleriacRESP
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `celeriac broker`: the engine behind a Redis-protocol TCP server.
///
/// Like Redis, everything that touches the engine runs on one thread: a single-threaded event
/// loop group serves every connection, the timers and the log's writes. Only fsync and log
/// compaction's file writing run elsewhere (a one-thread `NIOThreadPool`), and their results
/// hop back to the loop.
///
/// Use it as a swift-service-lifecycle `Service` (``run()`` starts it and returns after a
/// graceful shutdown), or call ``start()`` and ``shutdown()`` directly (tests).
public final class BrokerServer: Service, @unchecked Sendable {
    public let configuration: BrokerConfiguration
    let logger: Logger
    /// The server's own thread; nil when it runs on a loop it was given (tests on an
    /// EmbeddedEventLoop, which never listen).
    let group: MultiThreadedEventLoopGroup?
    let loop: any EventLoop
    let pool: NIOThreadPool
    /// Confined to ``loop``.
    let engine: BrokerEngine
    var appendOnlyFile: AppendOnlyFile?
    var connections: [ClientID: BrokerConnectionHandler] = [:]
    var connectionCount = 0
    /// Connections with output to flush at the end of this loop iteration.
    var dirty: [BrokerConnectionHandler] = []
    var flushScheduled = false
    var serverChannel: (any Channel)?
    private var timers: [RepeatedTask] = []
    private var blockingTimer: Scheduled<Void>?
    private var blockingTimerDeadline: Int64?
    /// Completed when the server has stopped; created by start() (a promise must never be
    /// dropped uncompleted, so none exists before).
    private var closed: EventLoopPromise<Void>?
    private var shuttingDown = false
    private var started = false

    /// Why ``start()`` failed, when it did (for a caller that only sees a ServiceGroup error).
    public private(set) var startFailure: BrokerError?

    /// The port actually bound (useful with port 0).
    public private(set) var port: Int = 0

    public init(configuration: BrokerConfiguration, logger: Logger = Logger(label: "celeriac.broker")) {
        self.configuration = configuration
        self.logger = logger
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        loop = group.next()
        pool = NIOThreadPool(numberOfThreads: 1)
        engine = BrokerEngine(configuration: Self.engineConfiguration(configuration))
        engine.configurationDidChange = { [unowned self] previous in self.apply(previous: previous) }
    }

    /// A server whose connections and engine run on `loop`, for driving connection handlers
    /// on an `EmbeddedEventLoop`. It has no log file and never listens.
    init(configuration: BrokerConfiguration, logger: Logger = Logger(label: "celeriac.broker"), loop: any EventLoop) {
        self.configuration = configuration
        self.logger = logger
        group = nil
        self.loop = loop
        pool = NIOThreadPool(numberOfThreads: 1)
        var engineConfiguration = Self.engineConfiguration(configuration)
        engineConfiguration.appendOnly = false
        engine = BrokerEngine(configuration: engineConfiguration)
        engine.configurationDidChange = { [unowned self] previous in self.apply(previous: previous) }
    }

    /// Validates the options, loads the log and starts listening.
    public func start() async throws {
        try configuration.validate()
        closed = loop.makePromise()
        do {
            try await startListening()
        } catch {
            startFailure = error as? BrokerError
            closed?.fail(error)
            await releaseAfterFailedStart()
            throw error
        }
    }

    private func startListening() async throws {
        pool.start()
        let begin = ContinuousClock.now
        var loaded = 0
        if configuration.appendOnly {
            do {
                try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
            } catch {
                throw BrokerError.logFile(path: configuration.directory, reason: "cannot create the folder: \(FileErrorText.describe(error))")
            }
            let path = configuration.appendOnlyPath
            try await loop.submit {
                _ = try AppendOnlyLoader.load(path: path, into: self.engine, logger: self.logger)
                try self.attachLog(policy: self.configuration.fsync)
            }.get()
            loaded = try await loop.submit { (0..<16).reduce(0) { $0 + self.engine.keyCount(db: $1) } }.get()
        }
        let loadTime = ContinuousClock.now - begin
        do {
            let channel = try await makeBootstrap().bind(host: configuration.host, port: configuration.port).get()
            serverChannel = channel
            port = channel.localAddress?.port ?? configuration.port
        } catch {
            throw BrokerError.bindFailed(host: configuration.host, port: configuration.port, reason: Self.describe(error))
        }
        try await loop.submit { self.startTimers() }.get()
        started = true
        let persistence = configuration.appendOnly
            ? "append-only log \(configuration.appendOnlyPath) (appendfsync \(configuration.fsync.rawValue))"
            : "memory only (--appendonly no)"
        let millis = Int(loadTime.components.seconds * 1000 + loadTime.components.attoseconds / 1_000_000_000_000_000)
        logger.info("celeriac broker listening on \(configuration.host):\(port), \(persistence), \(loaded) keys loaded in \(millis) ms")
    }

    private func releaseAfterFailedStart() async {
        try? await loop.submit { self.appendOnlyFile?.closeLog() }.get()
        try? await pool.shutdownGracefully()
        try? await group?.shutdownGracefully()
    }

    private static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            if io.errnoCode == EADDRINUSE { return "the address is already in use (is another broker or redis-server running?)" }
            return String(cString: strerror(io.errnoCode))
        }
        return "\(error)"
    }

    /// What one request may hold: Redis's 512 MB bulk (`proto-max-bulk-len`), 1M arguments,
    /// 64 KB inline lines.
    static let requestLimits = RESPLimits(maxBulkLength: 512 * 1024 * 1024, maxDepth: 8, maxElements: 1024 * 1024,
                                          maxLineLength: 64 * 1024)

    private func makeBootstrap() -> ServerBootstrap {
        let limits = Self.requestLimits
        return ServerBootstrap(group: group ?? loop)
            .serverChannelOption(.backlog, value: 511)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let parser = RESPParser(limits: limits, allowInline: true)
                    try channel.pipeline.syncOperations.addHandler(BrokerConnectionHandler(server: self, parser: parser))
                }
            }
    }

    /// Runs until a graceful shutdown (SIGTERM/SIGINT through a ServiceGroup) or SHUTDOWN.
    public func run() async throws {
        if !started { try await start() }
        try await withGracefulShutdownHandler {
            try await closed?.futureResult.get()
        } onGracefulShutdown: {
            self.shutdown()
        }
        try await pool.shutdownGracefully()
        try await group?.shutdownGracefully()
    }

    /// Waits until the server has stopped (after ``shutdown()``), then releases its threads.
    public func waitUntilStopped() async throws {
        try await closed?.futureResult.get()
        try await pool.shutdownGracefully()
        try await group?.shutdownGracefully()
    }

    /// Stops accepting, closes every connection, writes and fsyncs the log and closes it.
    public func shutdown() {
        loop.execute { self.shutdownOnLoop() }
    }

    func shutdownOnLoop() {
        guard !shuttingDown else { return }
        shuttingDown = true
        logger.info("celeriac broker shutting down")
        for timer in timers { timer.cancel() }
        blockingTimer?.cancel()
        let serverClosed = serverChannel?.close() ?? loop.makeSucceededVoidFuture()
        let connectionsClosed = connections.values.map { handler in
            handler.flushNow()
            return handler.channel?.close() ?? loop.makeSucceededVoidFuture()
        }
        EventLoopFuture.whenAllComplete([serverClosed] + connectionsClosed, on: loop).whenComplete { _ in
            self.appendOnlyFile?.closeLog()
            self.appendOnlyFile = nil
            self.engine.appendOnlySink = nil
            self.closed?.succeed()
        }
    }

    // MARK: Timers

    private func startTimers() {
        timers.append(loop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            self.runTimers()
        })
        // Always scheduled: CONFIG SET appendonly yes may open a log later.
        timers.append(loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            self.appendOnlyFile?.tick()
        })
    }

    func runTimers() {
        engine.runTimers()
        deliverEvents()
        scheduleBlockingTimer()
    }

    /// Schedules ``runTimers()`` at the soonest blocking deadline, so BRPOP timeouts are
    /// answered on time rather than on the next 100 ms tick.
    func scheduleBlockingTimer() {
        guard let deadline = engine.nextBlockingDeadline else { return }
        if let current = blockingTimerDeadline, current <= deadline { return }
        blockingTimer?.cancel()
        blockingTimerDeadline = deadline
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        let delay = max(0, deadline - nowMillis)
        blockingTimer = loop.scheduleTask(in: .milliseconds(delay)) {
            self.blockingTimerDeadline = nil
            self.runTimers()
        }
    }

    // MARK: Events and output

    /// Hands the engine's events to their connections.
    func deliverEvents() {
        let events = engine.drainEvents()
        guard !events.isEmpty else { return }
        for event in events {
            switch event {
            case .push(let id, let value):
                connections[id]?.enqueue(value)
            case .unblocked(let id, let value):
                connections[id]?.resume(with: value)
            case .disconnect(let id):
                connections[id]?.closeAfterFlush()
            }
        }
    }

    /// Marks a connection for flushing at the end of this loop iteration (Redis's
    /// `handleClientsWithPendingWrites`), after the log's records are written.
    func markDirty(_ handler: BrokerConnectionHandler) {
        dirty.append(handler)
        if !flushScheduled {
            flushScheduled = true
            loop.execute { self.flushDirty() }
        }
    }

    private func flushDirty() {
        flushScheduled = false
        appendOnlyFile?.writePending()
        let handlers = dirty
        dirty.removeAll(keepingCapacity: true)
        if let file = appendOnlyFile, file.hasUndurableRecords {
            file.whenDurable {
                for handler in handlers { handler.flushNow() }
            }
        } else {
            for handler in handlers { handler.flushNow() }
        }
    }

    func updatePersistenceInfo() {
        guard let file = appendOnlyFile else { return }
        engine.persistenceFailure = file.failure
        // aof_enabled comes from the engine (it knows whether a sink is attached).
        engine.persistenceInfo = [
            ("aof_rewrite_in_progress", file.rewriteBuffer == nil ? "0" : "1"),
            ("aof_rewrite_scheduled", file.rewriteRetry == nil ? "0" : "1"),
            ("aof_last_bgrewrite_status", file.lastRewriteFailed ? "err" : "ok"),
            ("aof_rewrites", String(file.rewritesDone)),
            ("aof_rewrites_consecutive_failures", String(file.consecutiveRewriteFailures)),
            // Redis reports a failed background fsync here too.
            ("aof_last_write_status", file.failure == nil ? "ok" : "err"),
            ("aof_current_size", String(file.fileSize)),
            ("aof_base_size", String(file.baseSize)),
        ]
    }

    /// Starts a log compaction now (tests; what BGREWRITEAOF would do).
    public func compactLog() async throws {
        try await loop.submit { self.appendOnlyFile?.startRewrite() }.get()
    }

    /// The log's state: compactions done and the file's size (tests, INFO).
    public func appendOnlyLogStatus() async throws -> (rewrites: Int, inProgress: Bool, size: Int) {
        try await loop.submit {
            guard let file = self.appendOnlyFile else { return (0, false, 0) }
            return (file.rewritesDone, file.rewriteBuffer != nil, file.fileSize)
        }.get()
    }

    /// Runs a closure on the engine's loop (tests and tools).
    public func withEngine<T: Sendable>(_ body: @escaping @Sendable (BrokerEngine) -> T) async throws -> T {
        try await loop.submit { body(self.engine) }.get()
    }
}
