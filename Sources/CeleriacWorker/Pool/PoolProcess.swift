import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The parent's record of one pool child: its process, its socket and what it is doing.
/// Kept inside ``ProcessPool``'s locked state.
struct PoolProcess {
    /// What the child is doing.
    enum State: Equatable {
        /// Started, not ready yet.
        case starting
        /// Waiting for a job.
        case idle
        /// Running job `number`.
        case busy(UInt64)
        /// Asked to exit (recycled, shrunk or stopped); its end is expected.
        case retiring
    }

    /// The pool's number for it.
    let id: Int
    let process: SpawnedProcess
    let link: ChildLink
    var state: State = .starting
    /// Jobs it has finished.
    var tasksDone = 0
    /// Jobs written to it (Celery's per-process `writes`).
    var writes = 0
    /// Retire it once its current job ends (the pool shrank while it was busy).
    var retireAfterJob = false

    init(id: Int, process: SpawnedProcess, link: ChildLink) {
        self.id = id
        self.process = process
        self.link = link
    }

    var pid: Int32 { process.pid }
}

/// The parent's end of a child's socket. Frames are written whole under a lock (a job and a
/// soft-limit notice may be sent from different threads); a dedicated thread reads (see
/// ``ProcessPool``). ``shutDown()`` ends both directions: the child reads end of file and
/// exits, the reading thread sees end of file and the pool reaps the child. The descriptor is
/// closed when the last reference goes, so a late write can never reach a reused number.
final class ChildLink: Sendable {
    let socket: Int32
    private let writeLock = Mutex(())

    init(socket: Int32) {
        self.socket = socket
    }

    /// Writes `bytes` whole; false when the child is gone (its end is handled by the reader).
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        writeLock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { raw in
                    Glibc.send(socket, raw.baseAddress.map { $0 + offset }, raw.count - offset, Int32(MSG_NOSIGNAL))
                }
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// Ends the connection both ways (wakes the reading thread with end of file).
    func shutDown() {
        shutdown(socket, Int32(SHUT_RDWR))
    }

    deinit {
        close(socket)
    }
}
