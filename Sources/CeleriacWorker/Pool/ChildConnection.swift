import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The child's end of the socket: blocking reads on a thread of their own, writes under a
/// lock (a result and nothing else goes out, so they never interleave).
final class ChildConnection: Sendable {
    let socket: Int32
    private let writeLock = Mutex(())
    private let current = Mutex<(job: UInt64, handle: RunningTask)?>(nil)

    init(socket: Int32) {
        self.socket = socket
    }

    /// Job `number` runs now, stopped through `handle`.
    func began(_ number: UInt64, handle: RunningTask) {
        current.withLock { $0 = (number, handle) }
    }

    /// Job `number` ended.
    func ended(_ number: UInt64) {
        current.withLock { if $0?.job == number { $0 = nil } }
    }

    /// The handle of job `number` while it runs.
    func handle(of number: UInt64) -> RunningTask? {
        current.withLock { $0?.job == number ? $0?.handle : nil }
    }

    /// Writes a frame; a parent that is gone ends the process.
    func send(_ frame: PoolFrame) {
        let bytes = PoolFrameCodec.encode(frame)
        writeLock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
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
    /// A job is registered here, before it is handed on, so a soft-limit notice right behind
    /// it finds it; soft limits are carried out on this thread, never behind a running body.
    func readFrames(runs continuation: AsyncStream<(PoolJob, RunningTask)>.Continuation) -> Never {
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
                        let handle = RunningTask()
                        began(job.number, handle: handle)
                        continuation.yield((job, handle))
                    case .softLimit(let number):
                        handle(of: number)?.stop(.softLimit)
                    case .ready, .result:
                        fail("the parent sent a child's frame")
                    }
                }
            } catch {
                fail("\(error)")
            }
        }
    }

    func fail(_ reason: String) -> Never {
        FileHandle.standardError.write(Data("celeriac pool child \(getpid()): \(reason); exiting\n".utf8))
        exit(3)
    }
}
