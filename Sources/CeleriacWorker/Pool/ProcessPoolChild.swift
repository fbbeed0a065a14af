import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
            StandardError.write("celeriac pool child: \(environmentKey) names no open descriptor\n")
            exit(3)
        }
        // Signals are the parent's way to end a job (revoke --terminate): whatever handlers
        // the host installed before handing over, they get their default actions back.
        for number in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2] { signal(number, SIG_DFL) }
        let connection = ChildConnection(socket: socket)
        connection.send(.ready(pid: getpid()))
        // A child lives as long as the pool: the start-up code it ran need not stay resident.
        ResidentCode.releaseStartupPages()
        OSThread.start(name: "pool-child-reader") { connection.readFrames() }
        // Jobs in the order they came, each run inline in this task (no task per job unless it
        // has a soft limit to race); the next queued job starts as soon as a result is written.
        while true {
            let job = await connection.next()
            let outcome: ExecutionOutcome
            if let task = registry[job.context.name] {
                if let soft = job.softLimit {
                    outcome = await TaskRunner.run(task, context: job.context, softLimit: soft, handle: RunningTask())
                } else {
                    outcome = await TaskRunner.runInline(task, context: job.context, handle: RunningTask())
                }
            } else {
                let info = ExceptionInfo.notRegistered(job.context.name)
                outcome = .failed(info, traceback: info.pythonTraceback(task: job.context.name), runtime: 0)
            }
            connection.finished(job.number)
            connection.send(.result(job: job.number, maxResidentKiB: peakResidentKiB(), outcome: outcome))
        }
    }

    /// `getrusage` peak resident size in KiB (Linux reports KiB). Asked of this thread
    /// (`RUSAGE_THREAD`, which Glibc's module does not export): Linux reports the process's
    /// peak for it too, without summing every thread's CPU time under the process's locks
    /// as `RUSAGE_SELF` does, which was 0.7% of a drain's samples, once per job.
    static func peakResidentKiB() -> UInt64 {
        var usage = rusage()
        if getrusage(rusageThread, &usage) != 0 { getrusage(RUSAGE_SELF.rawValue, &usage) }
        return UInt64(max(0, usage.ru_maxrss))
    }

    /// Linux's `RUSAGE_THREAD`.
    static let rusageThread: Int32 = 1
}
