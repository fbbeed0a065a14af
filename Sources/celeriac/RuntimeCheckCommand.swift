import ArgumentParser
import Celeriac
import Synchronization

/// `celeriac runtime-check` (hidden): reports whether the event loops are Swift's global
/// executor in this process, where tasks really run, and what a second install does. Tests use
/// it to prove the executable's entry installs the executor (or, switched off, does not).
struct RuntimeCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime-check",
        abstract: "Report the concurrency executor this process runs tasks on.",
        shouldDisplay: false
    )

    func run() async throws {
        let installed = CeleriacRuntime.isEventLoopExecutorInstalled
        // A task of its own (not this command's), enqueued on the global executor from here.
        let detachedOnLoop = await Task.detached { CeleriacRuntime.isOnEventLoopThread }.value
        let groupOnLoop = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 { group.addTask { CeleriacRuntime.isOnEventLoopThread } }
            return await group.reduce(true) { $0 && $1 }
        }
        let straight = await Task.detached { await Self.runsNonisolatedCallsStraight() }.value
        // Called again off the main thread: already installed, or refused; never a trap.
        let again = CeleriacRuntime.installEventLoopExecutor()
        print("event-loop executor: \(installed ? "installed" : "not installed")")
        print("detached task on an event loop: \(detachedOnLoop ? "yes" : "no")")
        print("task group children on event loops: \(groupOnLoop ? "yes" : "no")")
        print("nonisolated calls run without requeueing: \(straight ? "yes" : "no")")
        print("second install: \(again)")
    }

    /// Whether a task on an event loop enters nonisolated async functions without going back
    /// through the loop's queue: a task started meanwhile (queued on the same loop) must not run
    /// before the calls are done. A job run on the loop as a serial executor would switch back
    /// to the generic executor through the queue at every such call, letting it in.
    static func runsNonisolatedCallsStraight() async -> Bool {
        guard CeleriacRuntime.isOnEventLoopThread else { return false }
        let ran = Flag()
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { ran.value.store(true, ordering: .relaxed) }
            for _ in 0..<100 { await nonisolatedCall() }
            // Read before the group waits (which lets the child run in any case).
            let early = ran.value.load(ordering: .relaxed)
            await group.waitForAll()
            return !early
        }
    }

    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    @inline(never)
    static func nonisolatedCall() async {}
}
