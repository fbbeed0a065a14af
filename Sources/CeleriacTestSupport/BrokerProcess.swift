import Foundation

/// The built `celeriac broker` on a free loopback port with its own temporary `--dir`, for
/// tests and benchmarks, started like ``RedisServer`` (through ``ChildProcess``).
public final class BrokerProcess: @unchecked Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let port: Int
    public let directory: URL
    public let password: String?
    public let logFile: URL
    private let arguments: [String]
    private let executable: URL
    private var process: ChildProcess
    private let lock = NSLock()
    private var stopped = false
    private let ownsDirectory: Bool

    /// `redis://[:password@]127.0.0.1:port/db`.
    public func url(db: Int = 0) -> String {
        if let password { return "redis://:\(password)@127.0.0.1:\(port)/\(db)" }
        return "redis://127.0.0.1:\(port)/\(db)"
    }

    /// Starts `celeriac broker` and waits until it accepts connections.
    /// - Parameters:
    ///   - directory: the `--dir`; a fresh temporary folder (removed by ``stop()``) when nil.
    ///   - arguments: further options, such as `["--appendfsync", "always"]`.
    ///   - executable: the binary; the build's `celeriac` when nil.
    public init(
        password: String? = nil, arguments: [String] = [], directory: URL? = nil, port: Int? = nil,
        executable: URL? = nil
    ) throws {
        self.port = port ?? FreePort.next()
        self.password = password
        ownsDirectory = directory == nil
        self.directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        logFile = self.directory.appendingPathComponent("broker-\(UUID().uuidString.prefix(8)).log")
        var options = ["broker", "--port", String(self.port), "--dir", self.directory.path, "--loglevel", "info"]
        if let password { options += ["--requirepass", password] }
        self.arguments = options + arguments
        self.executable = executable ?? ProjectPaths.executable("celeriac")
        process = try Self.launch(self.executable, self.arguments, log: logFile, port: self.port)
    }

    private static func launch(_ executable: URL, _ arguments: [String], log: URL, port: Int) throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw StartError(description: "\(executable.path) is not built: run swift build --product celeriac")
        }
        let process = try ChildProcess(executable.path, arguments, output: log.path)
        let deadline = Date().addingTimeInterval(30)
        while !FreePort.isListening(port) {
            guard process.isRunning, Date() < deadline else {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                _ = process.terminate(grace: 5)
                throw StartError(description: "celeriac broker did not start on port \(port): \(text)")
            }
            usleep(10_000)
        }
        return process
    }

    /// The broker's process id.
    public var pid: Int32 { process.pid }

    /// Whatever the broker logged.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The log file of the append-only log.
    public var appendOnlyFile: URL { directory.appendingPathComponent("appendonly.aof") }

    /// Kills the broker with SIGKILL (a crash), keeping its folder.
    public func kill9() {
        process.signal(SIGKILL)
        _ = process.wait(timeout: 5)
    }

    /// Starts the broker again with the same options and folder (after ``kill9()``).
    public func restart() throws {
        lock.lock()
        defer { lock.unlock() }
        _ = process.terminate(grace: 10)
        process = try Self.launch(executable, arguments, log: logFile, port: port)
    }

    /// Stops the broker with SIGTERM (a graceful shutdown) and returns its exit status.
    @discardableResult
    public func terminate() -> Int32? {
        process.terminate(grace: 10)
    }

    /// Stops the broker and removes its folder if this object created it.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        _ = process.terminate(grace: 10)
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    deinit { stop() }
}
