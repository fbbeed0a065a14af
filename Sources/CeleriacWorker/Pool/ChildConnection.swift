import Celeriac
import DequeModule
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The child's end of the socket: blocking reads on a thread of their own, which queue the
/// jobs the parent sends (a few at once) for the runner, drop the ones the parent stops before
/// they start, and signal the process when the parent stops the one running. Writes go out
/// under a lock (results from the runner, `skipped` from the reader).
final class ChildConnection: Sendable {
    /// The jobs queued here and the one running, shared by the reading thread and the runner.
    struct Jobs {
        var queued: Deque<PoolJob> = []
        /// The job running now (taken by the runner, result not written yet).
        var current: UInt64?
        /// The runner, waiting for a job.
        var waiter: CheckedContinuation<PoolJob, Never>?
    }

    let socket: Int32
    /// The write lock guards a buffer reused for every frame written.
    private let output = Mutex<[UInt8]>([])
    private let jobs = Mutex(Jobs())

    init(socket: Int32) {
        self.socket = socket
    }

    /// The next job, oldest first: at once when one is queued (no thread hand-over between
    /// pipelined jobs), else when the parent sends one.
    func next() async -> PoolJob {
        if let job = jobs.withLock({ Self.take(from: &$0) }) { return job }
        return await withCheckedContinuation { continuation in
            let job: PoolJob? = jobs.withLock { jobs in
                if let job = Self.take(from: &jobs) { return job }
                jobs.waiter = continuation
                return nil
            }
            if let job { continuation.resume(returning: job) }
        }
    }

    private static func take(from jobs: inout Jobs) -> PoolJob? {
        guard let job = jobs.queued.popFirst() else { return nil }
        jobs.current = job.number
        return job
    }

    /// Job `number` ended: a stop arriving from now on finds nothing to signal. Called before
    /// its result is written, so a stop can never hit the job after it.
    func finished(_ number: UInt64) {
        jobs.withLock { if $0.current == number { $0.current = nil } }
    }

    /// Writes a frame; a parent that is gone ends the process.
    func send(_ frame: PoolFrame) {
        output.withLock { bytes in
            bytes.removeAll(keepingCapacity: true)
            PoolFrameCodec.encode(frame, into: &bytes)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { write(socket, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    exit(0)
                }
            }
        }
    }

    /// Reads until end of file (the parent closed the socket or died): then the process exits.
    /// Every read's frames are handled at once, on this thread: queued jobs wake the runner if
    /// it waits, stops are carried out even while a body keeps the runner busy.
    func readFrames() -> Never {
        var decoder = PoolFrameDecoder()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { exit(0) }
            decoder.append(chunk[0..<count])
            do {
                while let frame = try decoder.next() {
                    switch frame {
                    case .run(let job):
                        queue(job)
                    case .stop(let number, let signal):
                        stop(number, signal: signal)
                    case .ready, .result, .skipped:
                        fail("the parent sent a child's frame")
                    }
                }
            } catch {
                fail("\(error)")
            }
        }
    }

    func queue(_ job: PoolJob) {
        let waiter: CheckedContinuation<PoolJob, Never>? = jobs.withLock { jobs in
            guard let waiter = jobs.waiter else {
                jobs.queued.append(job)
                return nil
            }
            jobs.waiter = nil
            jobs.current = job.number
            return waiter
        }
        waiter?.resume(returning: job)
    }

    /// A job not started yet is dropped (the parent hears `skipped`); the running one gets
    /// `signal` (0 only asks for a job back: a running one goes on); a finished one, nothing.
    func stop(_ number: UInt64, signal: Int32) {
        let dropped: Bool? = jobs.withLock { jobs in
            if let index = jobs.queued.firstIndex(where: { $0.number == number }) {
                jobs.queued.remove(at: index)
                return true
            }
            return jobs.current == number ? false : nil
        }
        switch dropped {
        case true?: send(.skipped(job: number))
        case false? where signal != 0: kill(getpid(), signal)
        default: break
        }
    }

    func fail(_ reason: String) -> Never {
        StandardError.write("celeriac pool child \(getpid()): \(reason); exiting\n")
        exit(3)
    }
}
