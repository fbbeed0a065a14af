import CeleriacBrokerCore
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

extension AppendOnlyFile {
    /// Compacts the log. The snapshot (``BrokerEngine/rewrite()``) is taken on the loop; it is
    /// encoded, written to a temporary file and fsynced on the thread pool while new records
    /// keep going to the old file and to ``rewriteBuffer``. Back on the loop the buffered
    /// records are appended to the new file, it is fsynced (a few ms: only the tail is dirty)
    /// and renamed over the old one. Any failure leaves the old file in place.
    func startRewrite() {
        guard rewriteBuffer == nil, !isClosed, let snapshot else { return }
        rewriteRetry?.cancel()
        rewriteRetry = nil
        let records = snapshot()
        rewriteBuffer = []
        stateDidChange?()
        let temporary = path + ".rewrite-\(getpid())"
        let started = NIODeadline.now()
        let future = pool.runIfActive(eventLoop: loop) { () throws -> Int32 in
            try Self.writeSnapshot(records, to: temporary)
        }
        future.whenComplete { result in
            switch result {
            case .success(let newFD) where self.isClosed:
                // The log was closed meanwhile (shutdown, appendonly no): nothing to switch.
                Glibc.close(newFD)
                unlink(temporary)
            case .success(let newFD): self.finishRewrite(newFD: newFD, temporary: temporary, started: started)
            case .failure(let error):
                self.rewriteBuffer = nil
                unlink(temporary)
                self.rewriteFailed("\(error)")
            }
        }
    }

    /// Records a failed compaction (INFO's `aof_last_bgrewrite_status:err`) and schedules a
    /// retry after 1, 2, 4 … 60 s while one is still due — always for the first compaction
    /// after switching the log on, which the log cannot do without.
    func rewriteFailed(_ reason: String) {
        logger.error("append-only log compaction failed: \(reason)")
        lastRewriteFailed = true
        consecutiveRewriteFailures += 1
        let delay = Int64(min(60, 1 << min(consecutiveRewriteFailures - 1, 6)))
        if !isClosed, needsRewrite {
            rewriteRetry = loop.scheduleTask(in: .seconds(delay)) {
                self.rewriteRetry = nil
                if self.needsRewrite { self.startRewrite() }
                self.stateDidChange?()
            }
        }
        stateDidChange?()
    }

    struct RewriteFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Off the loop: writes and fsyncs the snapshot; returns the open descriptor.
    static func writeSnapshot(_ records: [[[UInt8]]], to path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RewriteFailure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 20)
        func drain() throws {
            if case .failure(let message) = chunk.withUnsafeBytes({ writeAll(fd, $0) }) {
                Glibc.close(fd)
                throw RewriteFailure(description: "cannot write \(path): \(message)")
            }
            chunk.removeAll(keepingCapacity: true)
        }
        for record in records {
            encode(record, into: &chunk)
            if chunk.count >= 1 << 20 { try drain() }
        }
        try drain()
        guard fdatasync(fd) == 0 else {
            Glibc.close(fd)
            throw RewriteFailure(description: "cannot fsync \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// On the loop: appends what arrived meanwhile, swaps the files.
    private func finishRewrite(newFD: Int32, temporary: String, started: NIODeadline) {
        writePending()
        let tail = rewriteBuffer ?? []
        rewriteBuffer = nil
        let written = tail.withUnsafeBytes { Self.writeAll(newFD, $0) }
        guard case .success = written, fdatasync(newFD) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(newFD)
            unlink(temporary)
            rewriteFailed("while switching files: \(reason)")
            return
        }
        Self.syncDirectory(of: path)
        if fd >= 0 { retired.append(fd) }
        fd = newFD
        // Every record appended so far is in the new file (the tail holds those the old one
        // got, or could not take): none may be written again.
        pending.removeAll(keepingCapacity: pending.count < 1 << 20)
        writtenOffset = appendedOffset
        lastWriteError = nil
        awaitingFirstRewrite = false
        lastRewriteFailed = false
        consecutiveRewriteFailures = 0
        var info = stat()
        fileSize = fstat(fd, &info) == 0 ? Int(info.st_size) : fileSize
        baseSize = fileSize
        rewritesDone += 1
        // Everything written so far is in the new file and on disk.
        markDurable(upTo: writtenOffset)
        if !syncInFlight {
            for descriptor in retired { Glibc.close(descriptor) }
            retired.removeAll()
        }
        let elapsed = (NIODeadline.now() - started).nanoseconds / 1_000_000
        logger.info("append-only log compacted to \(fileSize) bytes in \(elapsed) ms")
        stateDidChange?()
    }

    /// At shutdown, for a log still waiting for its first compaction: writes the dataset to
    /// the file now, on the loop (it is stopping anyway).
    func writeFirstSnapshotNow() {
        guard let snapshot else { return }
        let temporary = path + ".final-\(getpid())"
        do {
            let newFD = try Self.writeSnapshot(snapshot(), to: temporary)
            Glibc.close(newFD)
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw RewriteFailure(description: "cannot rename \(temporary): \(reason)")
            }
            Self.syncDirectory(of: path)
            awaitingFirstRewrite = false
            writtenOffset = appendedOffset
        } catch {
            logger.error("cannot write the append-only log at shutdown: \(error)")
        }
    }

    static func syncDirectory(of path: String) {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        Glibc.close(fd)
    }
}
