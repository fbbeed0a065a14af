import Celeriac
import CeleriacTestSupport

/// Which executor this benchmark process runs its tasks on, for the labels of the rows it
/// measures in-process (figures from the two modes must never be mistaken for each other).
enum ExecutorMode {
    /// "event-loop executor" when `CeleriacRuntime.installEventLoopExecutor` is in effect,
    /// otherwise "default executor" (Swift's cooperative pool, what other applications get).
    static var current: String {
        CeleriacRuntime.isEventLoopExecutorInstalled ? eventLoop : standard
    }

    static let eventLoop = "event-loop executor"
    static let standard = "default executor"

    /// The mode this process is not in, and the environment that puts a child (a `celeriac`
    /// worker or a benchmark child) in it.
    static var other: (mode: String, environment: [String: String]) {
        CeleriacRuntime.isEventLoopExecutorInstalled
            ? (standard, [CeleriacRuntime.environmentKey: "off"]) : (eventLoop, [CeleriacRuntime.environmentKey: "on"])
    }

    /// The mode a `celeriac` process started from here runs in (it inherits this environment),
    /// as its hidden `runtime-check` command reports it.
    static func ofCeleriacExecutable() async -> String {
        let output = try? await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["runtime-check"])
        let installed = output?.stdout.split(separator: "\n").first == "event-loop executor: installed"
        return installed ? eventLoop : standard
    }
}
