import CeleriacProtocol
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The child side of the process pool: the same executable, started by ``ProcessPool`` with
/// ``environmentKey`` naming the socket it was handed. It only runs task bodies from its own
/// registry: a job comes in, its outcome goes back, and when the parent closes the socket (it
/// recycles the child, or it is gone) the process exits.
///
/// ``Worker/run()`` and `celeriac worker` check ``isRequested`` first, so an application's own
/// worker executable serves as its pool's child with no extra code.
public enum ProcessPoolChild {
    /// The environment variable that marks a pool child; its value is the socket descriptor.
    public static let environmentKey = "CELERIAC_POOL_CHILD"

    /// The socket descriptor when this process was started as a pool child.
    public static var descriptor: Int32? {
        ProcessInfo.processInfo.environment[environmentKey].flatMap { Int32($0) }
    }

    /// Whether this process was started as a pool child.
    public static var isRequested: Bool { descriptor != nil }

    /// Serves jobs with the tasks of `registry` until the parent closes the socket, then exits.
    public static func serve(registry: TaskRegistry) async -> Never {
        guard let socket = descriptor, fcntl(socket, F_GETFD) != -1 else {
            FileHandle.standardError.write(Data("celeriac pool child: \(environmentKey) names no open descriptor\n".utf8))
            exit(3)
        }
        // Signals are the parent's way to end a job (revoke --terminate): whatever handlers
        // the host installed before handing over, they get their default actions back.
        for number in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2] { signal(number, SIG_DFL) }
        let connection = ChildConnection(socket: socket)
        connection.send(.ready(pid: getpid()))
        let runs = AsyncStream<(PoolJob, RunningTask)> { continuation in
            let thread = Thread { connection.readFrames(runs: continuation) }
            thread.name = "pool-child-reader"
            thread.start()
        }
        // One job at a time (the parent sends the next only after this one's result), run
        // inline: no task per job.
        for await (job, handle) in runs {
            let outcome: ExecutionOutcome
            if let task = registry[job.context.name] {
                outcome = await TaskRunner.run(task, context: job.context, handle: handle)
            } else {
                let info = ExceptionInfo.notRegistered(job.context.name)
                outcome = .failed(info, traceback: info.pythonTraceback(task: job.context.name), runtime: 0)
            }
            connection.ended(job.number)
            connection.send(.result(job: job.number, maxResidentKiB: peakResidentKiB(), outcome: outcome))
        }
        exit(0)
    }

    /// `getrusage` peak resident size in KiB (Linux reports KiB).
    static func peakResidentKiB() -> UInt64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return UInt64(max(0, usage.ru_maxrss))
    }
}
