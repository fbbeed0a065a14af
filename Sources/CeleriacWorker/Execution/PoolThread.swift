import DequeModule
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// One dedicated OS thread that is a Swift `TaskExecutor`: a task started with
/// `Task(executorPreference: thread)` runs every one of its jobs (and its structured
/// children's) here, never on the cooperative pool. Code that blocks (a `usleep`, a CPU loop,
/// a blocking `read`) then holds this thread only, and the cooperative pool — two threads on
/// a two-core machine, shared by the broker connections, the control server and the timers —
/// keeps running.
///
/// The thread runs one task body at a time for ``ThreadPool``. Once retired it ends as soon as
/// the body it holds has returned and its queue is empty: a thread stuck in code that
/// ignores cancellation is never handed another task, it only lives until that code returns.
final class PoolThread: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: every mutable field below is read and written only while
    // `condition` is locked.
    private let condition = ThreadCondition()
    private var jobs: Deque<UnownedJob> = []
    private var holdsBody = false
    private var retiring = false
    private var exited = false
    private var onExit: (@Sendable () -> Void)?

    /// The pool's number for the thread (its thread is named `pool-thread-N`: Linux keeps 15 characters).
    let number: Int

    /// Starts the thread; `onExit` runs on it when it ends after ``retire()``.
    init(number: Int, onExit: (@Sendable () -> Void)? = nil) {
        self.number = number
        self.onExit = onExit
        // Task bodies may recurse deeply or keep large values on the stack: 8 MiB as a main thread has.
        OSThread.start(name: "pool-thread-\(number)", stackSize: 8 << 20) { [self] in serve() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        guard !exited else {
            condition.unlock()
            // Nothing should arrive after the body ended (unstructured tasks do not inherit
            // the preference), but a job must never be dropped: the global executor runs it.
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
            return
        }
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// A task body starts on this thread.
    func bodyBegan() {
        condition.lock()
        holdsBody = true
        condition.unlock()
    }

    /// The body returned (or threw): a retiring thread may end now.
    func bodyEnded() {
        condition.lock()
        holdsBody = false
        condition.signal()
        condition.unlock()
    }

    /// Whether a body runs here (begun and not ended).
    var isHoldingBody: Bool {
        condition.lock()
        defer { condition.unlock() }
        return holdsBody
    }

    /// Whether the thread has ended.
    var hasExited: Bool {
        condition.lock()
        defer { condition.unlock() }
        return exited
    }

    /// Ends the thread once no body holds it and its queue is empty (at once when idle).
    func retire() {
        condition.lock()
        retiring = true
        condition.signal()
        condition.unlock()
    }

    /// Names the calling thread as `ps`, `top -H` and debuggers show it (Foundation's
    /// `Thread.name` does not reach the OS on Linux; the kernel keeps 15 characters).
    static func nameCurrentThread(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY)
        guard descriptor >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty, !(retiring && !holdsBody) { condition.wait() }
            guard let job = jobs.popFirst() else {
                exited = true
                let exit = onExit
                onExit = nil
                condition.unlock()
                exit?()
                return
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
