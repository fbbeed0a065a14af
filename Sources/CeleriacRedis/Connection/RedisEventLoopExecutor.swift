import NIOCore

/// A task executor that runs jobs on a connection's event loop.
///
/// A task that sends many commands on one connection (a consumer loop, a benchmark) can run
/// under `withTaskExecutorPreference(connection.taskExecutor) { ... }`: its commands are then
/// written without hopping to the event loop, and its continuation resumes on the loop thread
/// right after the reply is parsed, instead of waking a thread of the global pool each time.
/// Work that blocks or computes for long must not run there, since it would stall the loop's
/// I/O for every channel on it.
public final class RedisEventLoopExecutor: TaskExecutor {
    /// The loop jobs run on.
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
