import NIOCore

/// The parent's record of one pool child: its process, its socket and what it is doing.
final class PoolProcess {
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
    var channel: (any Channel)?
    var state: State = .starting
    /// Jobs it has finished.
    var tasksDone = 0
    /// Jobs written to it (Celery's per-process `writes`).
    var writes = 0
    /// Retire it once its current job ends (the pool shrank while it was busy).
    var retireAfterJob = false

    init(id: Int, process: SpawnedProcess) {
        self.id = id
        self.process = process
    }

    var pid: Int32 { process.pid }
}
