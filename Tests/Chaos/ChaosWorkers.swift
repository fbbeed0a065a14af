import CeleriacTestSupport
import Foundation

/// The Celeriac workers of a chaos run. Each slot runs one `celeriac worker` at a time; a
/// killed worker is replaced by a new incarnation with its own log, so the logs together say
/// which process ran what.
final class ChaosWorkers: @unchecked Sendable {
    /// One process's life.
    struct Incarnation: Sendable {
        let slot: Int
        let number: Int
        let log: URL
        var killed = false
        var stopped = false
        /// Set when the process ended without being killed: a crash to report.
        var unexpectedExit: Int32?
    }

    private let lock = NSLock()
    private var processes: [Int: ChildProcess] = [:]
    private(set) var incarnations: [Incarnation] = []
    private var current: [Int: Int] = [:]
    private let broker: String
    private let directory: URL
    private let arguments: [String]

    init(count: Int, broker: String, directory: URL, arguments: [String]) throws {
        self.broker = broker
        self.directory = directory
        self.arguments = arguments
        for slot in 0..<count { try start(slot: slot) }
    }

    private func start(slot: Int) throws {
        let number = lock.withLock { incarnations.count }
        let log = directory.appendingPathComponent("worker-\(slot)-\(number).log")
        let process = try ChildProcess(ProjectPaths.executable("celeriac").path, [
            "worker", "--broker", broker, "--without-mingle", "-n", "chaos\(slot)-\(number)@%h",
        ] + arguments, output: log.path)
        lock.withLock {
            processes[slot] = process
            current[slot] = incarnations.count
            incarnations.append(Incarnation(slot: slot, number: number, log: log))
        }
    }

    /// Waits until every current worker logged that it is ready.
    func waitReady(timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        for log in lock.withLock({ current.values.map { incarnations[$0].log } }) {
            while !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("ready") {
                guard Date() < deadline else { throw ChaosError("worker \(log.lastPathComponent) did not become ready") }
                usleep(50_000)
            }
        }
    }

    var slots: Int { lock.withLock { processes.count } }

    /// `kill -9` the worker of `slot` and start a new one there.
    func crashAndRestart(slot: Int) throws {
        let process = lock.withLock { () -> ChildProcess? in
            if let index = current[slot] { incarnations[index].killed = true }
            return processes[slot]
        }
        process?.signal(SIGKILL)
        _ = process?.wait(timeout: 10)
        try start(slot: slot)
    }

    /// SIGSTOP the worker of `slot` for `seconds`, then SIGCONT.
    func freeze(slot: Int, seconds: Double) async {
        let process = lock.withLock { () -> ChildProcess? in
            if let index = current[slot] { incarnations[index].stopped = true }
            return processes[slot]
        }
        process?.signal(SIGSTOP)
        try? await Task.sleep(for: .seconds(seconds))
        process?.signal(SIGCONT)
    }

    /// Restarts any worker that ended on its own, recording it as a crash. Returns how many.
    func reviveCrashed() throws -> Int {
        var crashed: [Int] = []
        lock.withLock {
            for (slot, process) in processes {
                if let status = process.exitStatus, let index = current[slot], !incarnations[index].killed {
                    incarnations[index].unexpectedExit = status
                    crashed.append(slot)
                }
            }
        }
        for slot in crashed { try start(slot: slot) }
        return crashed.count
    }

    /// Resident memory of every current worker, in kilobytes.
    var residentKilobytes: [Int?] {
        lock.withLock { processes.keys.sorted().map { processes[$0].flatMap { ProcessMemory.residentKilobytes($0.pid) } } }
    }

    /// Warm shutdown of every worker.
    func stop() {
        let all = lock.withLock { Array(processes.values) }
        for process in all { process.signal(SIGCONT); process.signal(SIGTERM) }
        for process in all { _ = process.terminate(grace: 30) }
    }

    /// Every `Task NAME[ID] succeeded` line of every incarnation: task id → incarnations that
    /// completed it (one entry per completed run).
    func completedRuns(taskName: String) -> [String: [Int]] {
        var runs: [String: [Int]] = [:]
        let marker = "Task \(taskName)["
        for (index, incarnation) in lock.withLock({ incarnations }).enumerated() {
            guard let text = try? String(contentsOf: incarnation.log, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.contains("] succeeded in ") {
                guard let start = line.range(of: marker)?.upperBound, let end = line[start...].firstIndex(of: "]") else { continue }
                runs[String(line[start..<end]), default: []].append(index)
            }
        }
        return runs
    }

    /// Lines of every log that report an error (for the report's notes).
    func errorLines(limit: Int) -> [String] {
        var lines: [String] = []
        for incarnation in lock.withLock({ incarnations }) {
            guard let text = try? String(contentsOf: incarnation.log, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.contains("ERROR") || line.contains("Fatal") {
                lines.append("w\(incarnation.slot)-\(incarnation.number): \(line.prefix(300))")
                if lines.count >= limit { return lines }
            }
        }
        return lines
    }
}
