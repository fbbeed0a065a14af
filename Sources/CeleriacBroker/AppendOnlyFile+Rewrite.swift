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
        guard rewriteBuffer == nil, let snapshot else { return }
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
            case .success(let newFD): self.finishRewrite(newFD: newFD, temporary: temporary, started: started)
            case .failure(let error):
                self.rewriteBuffer = nil
                unlink(temporary)
                self.logger.error("append-only log compaction failed: \(error)")
                self.stateDidChange?()
            }
        }
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
            logger.error("append-only log compaction failed while switching files: \(String(cString: strerror(errno)))")
            Glibc.close(newFD)
            unlink(temporary)
            stateDidChange?()
            return
        }
        Self.syncDirectory(of: path)
        retired.append(fd)
        fd = newFD
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

    static func syncDirectory(of path: String) {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        Glibc.close(fd)
    }
}
