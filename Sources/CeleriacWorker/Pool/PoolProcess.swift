import DequeModule
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The parent's record of one pool child: its process, its socket, the jobs it holds and the
/// bytes waiting to be written to it. Kept inside ``ProcessPool``'s locked state.
struct PoolProcess {
    /// Where the child is in its life.
    enum State: Equatable {
        /// Started, not ready yet.
        case starting
        /// Takes jobs (busy while ``PoolProcess/jobs`` holds any).
        case ready
        /// Asked to exit (recycled, shrunk or stopped); its end is expected.
        case retiring
    }

    /// The pool's number for it.
    let id: Int
    let process: SpawnedProcess
    let link: ChildLink
    var state: State = .starting
    /// The jobs written to it, in the order it runs them: the first runs now.
    var jobs: Deque<UInt64> = []
    /// Takes no more jobs and retires once it holds none (recycled, or the pool shrank).
    var draining = false
    /// The job the parent killed it for (a hard limit): jobs behind it are not its fault.
    var killedFor: UInt64?
    /// Jobs it has finished.
    var tasksDone = 0
    /// Jobs written to it (Celery's per-process `writes`).
    var writes = 0
    /// Frames waiting to be written, and whether a thread is writing them: whoever queues
    /// bytes while another writes leaves them to that writer, so they go out in one write.
    var outbox: [UInt8] = []
    var flushing = false

    init(id: Int, process: SpawnedProcess, link: ChildLink) {
        self.id = id
        self.process = process
        self.link = link
    }

    var pid: Int32 { process.pid }

    /// Counted against the pool size (not on its way out).
    var isLive: Bool { state != .retiring && !draining }
}

/// The parent's end of a child's socket. Bytes are written whole under a lock (one writer at a
/// time drains a child's outbox, see ``ProcessPool``); a dedicated thread reads (see
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
