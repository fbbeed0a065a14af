import Foundation

/// A `celeriac worker` child (the built binary) on `broker`, ready once its log says so;
/// stopped with ``stop()`` or killed when released.
public final class CeleriacWorkerProcess: @unchecked Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let process: ChildProcess
    public let logFile: URL

    /// Starts `celeriac worker --broker BROKER --without-mingle ARGUMENTS...` and waits up to 30 s
    /// for it to log that it is ready. The wait suspends rather than blocks: a test process has
    /// only a couple of cooperative threads, and a blocked one starves every other test.
    public init(broker: String, arguments: [String]) async throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-worker-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process = try ChildProcess(ProjectPaths.executable("celeriac").path,
                                   ["worker", "--broker", broker, "--without-mingle"] + arguments, output: logFile.path)
        let deadline = Date().addingTimeInterval(30)
        while !log.contains("ready") {
            guard process.isRunning, Date() < deadline else {
                throw StartError(description: "celeriac worker did not become ready:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// What the worker logged so far.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Warm shutdown (SIGKILL after 10 s), then the log goes.
    public func stop() {
        _ = process.terminate(grace: 10)
        try? FileManager.default.removeItem(at: logFile)
    }
}
