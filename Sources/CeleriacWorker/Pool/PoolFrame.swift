import CeleriacProtocol

/// One message between a process pool's parent and a child, as ``PoolFrameCodec`` frames it.
///
/// The parent sends a task to run and, later, the news that its soft limit passed; the child
/// says it is ready and sends each result. Everything else (acks, results, events, limits,
/// revocation) stays in the parent.
public enum PoolFrame: Sendable, Hashable {
    /// Parent → child: run this job (a task body with its context).
    case run(PoolJob)
    /// Parent → child: the soft time limit of job `number` has passed.
    case softLimit(job: UInt64)
    /// Child → parent: started, registry loaded, waiting for work.
    case ready(pid: Int32)
    /// Child → parent: job `number` ended with `outcome`; the child's peak resident memory
    /// (KiB) is reported for `--max-memory-per-child`.
    case result(job: UInt64, maxResidentKiB: UInt64, outcome: ExecutionOutcome)

    /// The kind byte on the wire.
    enum Kind: UInt8 {
        case run = 0x01
        case softLimit = 0x02
        case ready = 0x81
        case result = 0x82
    }
}
