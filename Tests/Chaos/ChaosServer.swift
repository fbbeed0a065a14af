import CeleriacTestSupport
import Foundation

/// The server a chaos run attacks: the bundled broker or `redis-server`, on a fixed port and a
/// data folder that outlives each process, so a `kill -9` and a restart is a real crash and
/// recovery (the restarted server loads what the dead one logged).
final class ChaosServer: @unchecked Sendable {
    /// Which server runs.
    enum Kind: String, CaseIterable, Sendable {
        case celeriac
        case redis
    }

    let kind: Kind
    let port: Int
    let directory: URL
    let appendfsync: String
    private let lock = NSLock()
    private var process: ChildProcess?
    private var incarnation = 0
    /// Crash restarts so far.
    private(set) var restarts = 0

    init(kind: Kind, appendfsync: String, directory: URL) throws {
        self.kind = kind
        self.appendfsync = appendfsync
        self.directory = directory
        port = FreePort.next()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try launch()
    }

    /// `redis://127.0.0.1:port/0`.
    var url: String { "redis://127.0.0.1:\(port)/0" }

    /// The running process id, if any.
    var pid: Int32? { lock.withLock { process?.pid } }

    private func launch() throws {
        let log = directory.appendingPathComponent("server-\(incarnation).log").path
        let child: ChildProcess
        switch kind {
        case .celeriac:
            child = try ChildProcess(ProjectPaths.executable("celeriac").path, [
                "broker", "--port", String(port), "--dir", directory.path, "--appendonly", "yes",
                "--appendfsync", appendfsync, "--loglevel", "info",
            ], output: log)
        case .redis:
            child = try ChildProcess("redis-server", [
                "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path, "--save", "",
                "--appendonly", "yes", "--appendfsync", appendfsync, "--daemonize", "no", "--loglevel", "notice",
                "--logfile", log,
            ])
        }
        // A large log takes a while to load: wait up to two minutes for the port.
        let deadline = Date().addingTimeInterval(120)
        while !FreePort.isListening(port) {
            guard child.isRunning, Date() < deadline else {
                _ = child.terminate(grace: 5)
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw ChaosError("\(kind.rawValue) server did not come up on port \(port): \(text)")
            }
            usleep(20_000)
        }
        lock.withLock { process = child }
        incarnation += 1
    }

    /// `kill -9`, then a start on the same folder; returns once the server listens again.
    func crashAndRestart() throws {
        let old = lock.withLock { process }
        old?.signal(SIGKILL)
        _ = old?.wait(timeout: 10)
        restarts += 1
        try launch()
    }

    /// Resident memory of the running server, in kilobytes.
    var residentKilobytes: Int? { pid.flatMap(ProcessMemory.residentKilobytes) }

    /// SIGTERM (a clean shutdown).
    func stop() {
        let old = lock.withLock { process }
        _ = old?.terminate(grace: 20)
    }
}
