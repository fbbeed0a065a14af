import Foundation

/// A real Python Celery worker (from the test virtualenv) running the demo tasks of
/// `Tests/Interop/python/demo.py`, for interop tests. Stopped by ``stop()`` and on deinit.
public final class CeleryWorkerProcess: @unchecked Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let nodename: String
    public let logFile: URL
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    /// The folder holding `demo.py`.
    public static var tasksFolder: URL { ProjectPaths.root.appendingPathComponent("Tests/Interop/python") }

    /// Starts `celery -A demo worker` and waits until it logs that it is ready.
    /// - Parameters:
    ///   - broker: the broker URL (also the result backend unless `backend` is given).
    ///   - pool: `threads`, `solo` or `prefork`.
    public init(
        broker: String, backend: String? = nil, nodename: String = "py\(Int.random(in: 1000...9999))@localhost",
        queues: [String] = ["celery"], pool: String = "threads", concurrency: Int = 4,
        environment: [String: String] = [:], extraArguments: [String] = []
    ) throws {
        guard let celery = ProjectPaths.venvProgram("celery") else {
            throw StartError(description: "no Celery virtualenv at \(ProjectPaths.venv.path): run scripts/bootstrap.sh --test")
        }
        self.nodename = nodename
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("celery-worker-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process = Process()
        process.executableURL = celery
        process.currentDirectoryURL = Self.tasksFolder
        process.arguments = [
            "-A", "demo", "worker", "-P", pool, "-c", String(concurrency), "-n", nodename,
            "-Q", queues.joined(separator: ","), "--loglevel", "INFO", "-E", "--without-gossip",
        ] + extraArguments
        var env = ProcessInfo.processInfo.environment
        env["CELERY_BROKER_URL"] = broker
        env["CELERY_RESULT_BACKEND"] = backend ?? broker
        env["PYTHONPATH"] = Self.tasksFolder.path
        env["PYTHONUNBUFFERED"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !log.contains(" ready.") {
            guard process.isRunning, Date() < deadline else {
                let text = log
                stop()
                throw StartError(description: "Celery worker \(nodename) did not become ready:\n\(text)")
            }
            usleep(50_000)
        }
    }

    /// What the worker has logged so far.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// Warm shutdown (SIGTERM), waiting up to `timeout` seconds before SIGKILL.
    public func stop(timeout: TimeInterval = 15) {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: logFile)
    }
}
