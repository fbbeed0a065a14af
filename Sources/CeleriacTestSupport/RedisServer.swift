import Foundation

/// A real `redis-server` on a free loopback port with its own temporary folder, for tests and
/// benchmarks. Stopped by ``stop()`` (and on deinit), and the folder removed.
public final class RedisServer: @unchecked Sendable {
    /// Why a server could not be started.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let port: Int
    public let directory: URL
    public let password: String?
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    /// `redis://[:password@]127.0.0.1:port/db`.
    public func url(db: Int = 0) -> String {
        if let password { return "redis://:\(password)@127.0.0.1:\(port)/\(db)" }
        return "redis://127.0.0.1:\(port)/\(db)"
    }

    /// Starts a server and waits until it accepts connections.
    /// - Parameters:
    ///   - password: sets `requirepass`.
    ///   - arguments: further `redis-server` options, such as `["--appendonly", "yes"]`.
    public init(password: String? = nil, arguments: [String] = [], port: Int? = nil) throws {
        guard let binary = ProjectPaths.which("redis-server") else {
            throw StartError(description: "redis-server is not installed: run scripts/bootstrap.sh --test")
        }
        self.port = port ?? FreePort.next()
        self.password = password
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var options = [
            "--port", String(self.port), "--bind", "127.0.0.1", "--dir", directory.path,
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
            "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        if let password { options += ["--requirepass", password] }
        options += arguments
        process = Process()
        process.executableURL = binary
        process.arguments = options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try SignalMask.withDefaultMask { try process.run() }
        let deadline = Date().addingTimeInterval(10)
        while !FreePort.isListening(self.port) {
            guard process.isRunning, Date() < deadline else {
                let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
                stop()
                throw StartError(description: "redis-server did not start on port \(self.port): \(log)")
            }
            usleep(10_000)
        }
    }

    /// The server's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Stops the server with SIGKILL (for crash tests) without removing its folder.
    public func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Stops the server and removes its folder.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            // A server that does not stop on SIGTERM within a few seconds is killed, so a
            // test can never hang here.
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(2_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}
