import CeleriacTestSupport
import Foundation
import Testing

/// The `celeriac` executable's entry makes the event loops Swift's global executor, by default
/// or with `CELERIAC_EVENT_LOOP_EXECUTOR=on`: its tasks then run on event loop threads (a task
/// woken by a Redis reply resumes where the reply was read). With `off`, tasks keep Swift's
/// default executor.
@Suite("celeriac's executor")
struct RuntimeCheckTests {
    func runtimeCheck(environment: [String: String] = [:]) async throws -> [String] {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["runtime-check"], environment: environment)
        #expect(output.status == 0, "stderr: \(output.stderr)")
        return output.stdout.split(separator: "\n").map(String.init)
    }

    static let eventLoopExecutorLines = [
        "event-loop executor: installed",
        "detached task on an event loop: yes",
        "task group children on event loops: yes",
        // A task on a loop runs as on Swift's generic executor, not the loop's serial one.
        "nonisolated calls run without requeueing: yes",
        "second install: already installed",
    ]

    @Test func switchedOnTasksRunOnTheEventLoopsAndASecondInstallIsANoOp() async throws {
        #expect(try await runtimeCheck(environment: ["CELERIAC_EVENT_LOOP_EXECUTOR": "on"]) == Self.eventLoopExecutorLines)
    }

    static let defaultExecutorLines = [
        "event-loop executor: not installed",
        "detached task on an event loop: no",
        "task group children on event loops: no",
        "nonisolated calls run without requeueing: no",
        "second install: refused: must be called from the main thread",
    ]

    /// The child inherits this process's environment, and nothing can unset a variable for it:
    /// the default is only observable when the switch is not set here.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CELERIAC_EVENT_LOOP_EXECUTOR"] == nil))
    func byDefaultTasksRunOnTheEventLoops() async throws {
        #expect(try await runtimeCheck() == Self.eventLoopExecutorLines)
    }

    @Test func switchedOffTasksKeepSwiftsDefaultExecutor() async throws {
        #expect(try await runtimeCheck(environment: ["CELERIAC_EVENT_LOOP_EXECUTOR": "off"]) == Self.defaultExecutorLines)
    }

    @Test func theCommandIsHiddenFromHelp() async throws {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["--help"])
        #expect(output.status == 0)
        #expect(!output.stdout.contains("runtime-check"))
    }
}
