import ArgumentParser
import Celeriac

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
        // Called again off the main thread: already installed, or refused; never a trap.
        let again = CeleriacRuntime.installEventLoopExecutor()
        print("event-loop executor: \(installed ? "installed" : "not installed")")
        print("detached task on an event loop: \(detachedOnLoop ? "yes" : "no")")
        print("task group children on event loops: \(groupOnLoop ? "yes" : "no")")
        print("second install: \(again)")
    }
}
