import CeleriacBrokerCore
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The log file behind the engine's ``AppendOnlySink``, confined to the engine's event loop.
///
/// Records are encoded into a memory buffer as the engine produces them and written to the
/// file once per event-loop iteration (like Redis's `beforeSleep`). `fsync` never runs on the
/// loop: it runs on a thread of the server's `NIOThreadPool`. With ``FsyncPolicy/always`` the
/// server holds a read batch's replies until ``whenDurable(_:)`` says the batch's records are
/// on disk, so one fsync commits every client's writes of that iteration (group commit).
final class AppendOnlyFile: AppendOnlySink, @unchecked Sendable {
    let path: String
    /// CONFIG SET appendfsync changes it on the loop.
    var policy: FsyncPolicy
    let loop: any EventLoop
    let pool: NIOThreadPool
    let logger: Logger
    var fd: Int32

    /// Encoded records not yet written to the file.
    var pending: [UInt8] = []
    /// Logical byte counters since start: appended, written to the file, known durable.
    var appendedOffset: Int64 = 0
    var writtenOffset: Int64 = 0
    var syncedOffset: Int64 = 0
    var syncInFlight = false
    var durableWaiters: [(offset: Int64, action: () -> Void)] = []
    var writeScheduled = false
    var lastWriteError: String?
    /// The last fsync's error, until an fsync succeeds.
    var lastSyncError: String?
    /// What stops the log from being written or synced now, if anything.
    var failure: String? { lastWriteError ?? lastSyncError }

    /// Size of the file now and right after the last compaction (or load).
    var fileSize: Int
    var baseSize: Int
    let rewriteMinSize: Int
    /// Records appended since a compaction's snapshot, non-nil while one runs.
    var rewriteBuffer: [UInt8]?
    /// Redis's `AOF_WAIT_REWRITE`: the log was switched on at run time and its first
    /// compaction has not landed yet. Until it does nothing is written at ``path`` (an old
    /// file there stays whole), records live only in ``rewriteBuffer``, and under `always`
    /// replies wait for the compaction, so no acknowledged write depends on a partial file.
    var awaitingFirstRewrite: Bool
    /// Whether the last compaction failed (INFO's `aof_last_bgrewrite_status`), and how many
    /// failed in a row (`aof_rewrites_consecutive_failures`).
    var lastRewriteFailed = false
    var consecutiveRewriteFailures = 0
    /// The retry of a failed compaction, while one is scheduled (`aof_rewrite_scheduled`).
    var rewriteRetry: Scheduled<Void>?
    /// Set by ``closeLog(keepingDataset:)``; a compaction finishing later is discarded.
    var isClosed = false
    /// Descriptors replaced by a compaction, closed once no fsync uses them.
    var retired: [Int32] = []
    /// Takes the snapshot and resets the engine's logged database (set by the server).
    var snapshot: (() -> [[[UInt8]]])?
    /// Told when the log's state changes, for INFO.
    var stateDidChange: (() -> Void)?
    var rewritesDone = 0

    /// Opens the log at `path` for appending; with `awaitingFirstRewrite` (the log switched on
    /// at run time) opens nothing: the first compaction creates the file.
    init(path: String, policy: FsyncPolicy, loop: any EventLoop, pool: NIOThreadPool, logger: Logger,
         rewriteMinSize: Int, awaitingFirstRewrite: Bool = false) throws(BrokerError) {
        self.path = path
        self.policy = policy
        self.loop = loop
        self.pool = pool
        self.logger = logger
        self.rewriteMinSize = rewriteMinSize
        self.awaitingFirstRewrite = awaitingFirstRewrite
        if awaitingFirstRewrite {
            fd = -1
            fileSize = 0
            baseSize = 0
            return
        }
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .logFile(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        fileSize = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        baseSize = fileSize
    }

    // MARK: AppendOnlySink

    func append(_ record: [[UInt8]]) {
        let before = pending.count
        Self.encode(record, into: &pending)
        let added = pending.count - before
        appendedOffset += Int64(added)
        if rewriteBuffer != nil { rewriteBuffer?.append(contentsOf: pending[before...]) }
        if !writeScheduled {
            writeScheduled = true
            loop.execute { self.writePending() }
        }
    }

    /// RESP array of bulk strings, without an intermediate ByteBuffer.
    static func encode(_ record: [[UInt8]], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        appendDecimal(record.count, to: &out)
        out.append(contentsOf: [13, 10])
        for argument in record {
            out.append(UInt8(ascii: "$"))
            appendDecimal(argument.count, to: &out)
            out.append(contentsOf: [13, 10])
            out.append(contentsOf: argument)
            out.append(contentsOf: [13, 10])
        }
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(48 + value))
        } else {
            out.append(contentsOf: String(value).utf8)
        }
    }

    // MARK: Writing and syncing

    /// Writes the buffered records to the file (on the loop: a `write` to the page cache), then
    /// starts an fsync for `always`, and a compaction when the file has doubled.
    func writePending() {
        writeScheduled = false
        if awaitingFirstRewrite {
            // Nothing goes to the file yet: a running compaction has these records in its
            // buffer, and the next one's snapshot includes them.
            pending.removeAll(keepingCapacity: pending.count < 1 << 20)
            return
        }
        if !pending.isEmpty {
            let written = pending.withUnsafeBytes { Self.writeAll(fd, $0) }
            switch written {
            case .success(let count):
                pending.removeAll(keepingCapacity: pending.count < 1 << 20)
                writtenOffset += Int64(count)
                fileSize += count
                if lastWriteError != nil {
                    lastWriteError = nil
                    stateDidChange?()
                }
            case .failure(let message):
                // Keep the records and retry on the next tick, as Redis does.
                if lastWriteError == nil { logger.error("cannot write the append-only log \(path): \(message)") }
                lastWriteError = message
                stateDidChange?()
                return
            }
        }
        if policy == .always { startSync() }
        if rewriteBuffer == nil, rewriteRetry == nil, needsRewrite { startRewrite() }
    }

    /// Whether a compaction is due: the first one after switching on, or the file has grown
    /// past the minimum size and twice its size after the last one.
    var needsRewrite: Bool {
        awaitingFirstRewrite || fileSize >= rewriteMinSize && fileSize >= 2 * max(baseSize, 1)
    }

    enum WriteResult { case success(Int), failure(String) }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> WriteResult {
        guard let base = bytes.baseAddress else { return .success(0) }
        var done = 0
        while done < bytes.count {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(String(cString: strerror(errno)))
            }
            done += n
        }
        return .success(done)
    }

    /// Runs `action` once every record appended so far is on disk (at once unless `always`).
    func whenDurable(_ action: @escaping () -> Void) {
        if policy != .always || syncedOffset >= appendedOffset {
            action()
            return
        }
        durableWaiters.append((appendedOffset, action))
    }

    /// Whether replies must wait for an fsync.
    var hasUndurableRecords: Bool { policy == .always && syncedOffset < appendedOffset }

    /// Starts one fsync on the thread pool if there is written, unsynced data.
    func startSync() {
        guard fd >= 0, !syncInFlight, writtenOffset > syncedOffset else { return }
        syncInFlight = true
        let target = writtenOffset
        let descriptor = fd
        let future = pool.runIfActive(eventLoop: loop) { () -> Int32 in
            fdatasync(descriptor) == 0 ? 0 : errno
        }
        future.whenComplete { result in
            self.syncInFlight = false
            self.closeRetired()
            let failure: String?
            switch result {
            case .success(0): failure = nil
            case .success(let code): failure = String(cString: strerror(code))
            case .failure(let error): failure = "\(error)"
            }
            if let failure {
                // Nothing is marked durable: under `always` the replies waiting for this sync
                // stay held, and the sync is retried each second until the disk takes it.
                if self.lastSyncError == nil { self.logger.error("fsync of the append-only log failed: \(failure)") }
                if self.lastSyncError != failure {
                    self.lastSyncError = failure
                    self.stateDidChange?()
                }
                self.loop.scheduleTask(in: .seconds(1)) { self.startSync() }
                return
            }
            if self.lastSyncError != nil {
                self.logger.notice("fsync of the append-only log works again")
                self.lastSyncError = nil
                self.stateDidChange?()
            }
            self.markDurable(upTo: target)
            if self.policy == .always && self.writtenOffset > self.syncedOffset { self.startSync() }
        }
    }

    func markDurable(upTo offset: Int64) {
        syncedOffset = max(syncedOffset, offset)
        guard !durableWaiters.isEmpty else { return }
        var ready: [() -> Void] = []
        durableWaiters.removeAll { waiter in
            if waiter.offset <= syncedOffset {
                ready.append(waiter.action)
                return true
            }
            return false
        }
        for action in ready { action() }
    }

    private func closeRetired() {
        guard !syncInFlight else { return }
        for descriptor in retired where descriptor >= 0 { Glibc.close(descriptor) }
        retired.removeAll()
    }

    /// The `everysec` tick: write anything left and fsync in the background.
    func tick() {
        writePending()
        if policy != .no { startSync() }
    }

    /// Final write and fsync at shutdown or `CONFIG SET appendonly no` (blocking; the loop is
    /// stopping anyway). A log still waiting for its first compaction gets the dataset written
    /// now when `keepingDataset` (shutdown), and nothing when the log is being switched off.
    func closeLog(keepingDataset: Bool = true) {
        rewriteRetry?.cancel()
        rewriteRetry = nil
        if awaitingFirstRewrite {
            if keepingDataset { writeFirstSnapshotNow() }
            pending.removeAll()
        } else {
            writePending()
            if fdatasync(fd) != 0 {
                logger.error("fsync of the append-only log failed at shutdown: \(String(cString: strerror(errno)))")
            }
        }
        markDurable(upTo: writtenOffset)
        if fd >= 0 { Glibc.close(fd) }
        for descriptor in retired { Glibc.close(descriptor) }
        retired.removeAll()
        fd = -1
        isClosed = true
    }
}
