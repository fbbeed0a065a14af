import Foundation

/// A real Python Celery worker (from the test virtualenv) running the demo tasks of
/// `Tests/Interop/python/demo.py`, for interop tests. Stopped by ``stop()`` and on deinit.
public final class CeleryWorkerProcess: @unchecked Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let nodename: String
    public let logFile: URL
    private let process: ChildProcess
    private let lock = NSLock()
    private var stopped = false

    /// The folder holding `demo.py`.
    public static var tasksFolder: URL { ProjectPaths.root.appendingPathComponent("Tests/Interop/python") }

    /// Starts `celery -A demo worker` and waits until it logs that it is ready. The wait (seconds:
    /// Python starts slowly) suspends rather than blocks, so other tests of the process go on.
    /// - Parameters:
    ///   - broker: the broker URL (also the result backend unless `backend` is given).
    ///   - pool: `threads`, `solo` or `prefork`.
    public init(
        broker: String, backend: String? = nil, nodename: String = "py\(Int.random(in: 1000...9999))@localhost",
        queues: [String] = ["celery"], pool: String = "threads", concurrency: Int = 4,
        environment: [String: String] = [:], extraArguments: [String] = []
    ) async throws {
        guard let celery = ProjectPaths.venvProgram("celery") else {
            throw StartError(description: "no Celery virtualenv at \(ProjectPaths.venv.path): run scripts/bootstrap.sh --test")
        }
        self.nodename = nodename
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("celery-worker-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        var env: [String: String] = [
            "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": backend ?? broker,
            "PYTHONPATH": Self.tasksFolder.path, "PYTHONUNBUFFERED": "1",
        ]
        for (key, value) in environment { env[key] = value }
        let arguments = [
            "-A", "demo", "worker", "-P", pool, "-c", String(concurrency), "-n", nodename,
            "-Q", queues.joined(separator: ","), "--loglevel", "INFO", "-E", "--without-gossip",
        ] + extraArguments
        process = try ChildProcess(
            celery.path, arguments, environment: env, directory: Self.tasksFolder.path, output: logFile.path
        )
        let deadline = Date().addingTimeInterval(60)
        while !log.contains(" ready.") {
            guard process.isRunning, Date() < deadline else {
                let text = log
                stop()
                throw StartError(description: "Celery worker \(nodename) did not become ready:\n\(text)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// What the worker has logged so far.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    public var pid: Int32 { process.pid }
    public var isRunning: Bool { process.isRunning }

    /// Warm shutdown (SIGTERM), waiting up to `timeout` seconds before SIGKILL.
    public func stop(timeout: TimeInterval = 15) {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        process.terminate(grace: timeout)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: logFile)
    }
}
