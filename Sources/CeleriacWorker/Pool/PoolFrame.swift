import CeleriacProtocol

/// One message between a process pool's parent and a child, as ``PoolFrameCodec`` frames it.
///
/// The parent sends tasks to run (a child holds a few at once and runs them in order) and may
/// ask a child to stop one; the child says it is ready, sends each result, and answers a stop
/// of a job it had not started with `skipped`. Everything else (acks, results, events, the hard
/// limit, revocation) stays in the parent.
public enum PoolFrame: Sendable, Hashable {
    /// Parent → child: queue this job (a task body with its context and soft limit).
    case run(PoolJob)
    /// Parent → child: stop job `number` (`revoke --terminate`). Not started yet: the child
    /// drops it and answers ``skipped(job:)``; running: the child raises `signal` on itself;
    /// finished: nothing.
    case stop(job: UInt64, signal: Int32)
    /// Child → parent: started, registry loaded, waiting for work.
    case ready(pid: Int32)
    /// Child → parent: job `number` ended with `outcome`; the child's peak resident memory
    /// (KiB) is reported for `--max-memory-per-child`.
    case result(job: UInt64, maxResidentKiB: UInt64, outcome: ExecutionOutcome)
    /// Child → parent: job `number` was dropped before it started (a ``stop(job:signal:)``).
    case skipped(job: UInt64)

    /// The kind byte on the wire.
    enum Kind: UInt8 {
        case run = 0x01
        case stop = 0x02
        case ready = 0x81
        case result = 0x82
        case skipped = 0x83
    }
}
