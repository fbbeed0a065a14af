import CeleriacTestSupport
import Foundation

/// What a reader needs to compare a results file with their own: the machine, the versions of
/// every system measured, and how busy the machine was.
struct MachineFacts: Codable, Sendable {
    var cores: Int
    var memoryGiB: Double
    var cpu: String
    var kernel: String
    var swift: String
    var redisServer: String
    var redisBenchmark: String
    var celery: String
    var python: String
    var commit: String
    /// The 1-minute load average when the run started and when it ended: a figure above the
    /// core count means something else competed for the CPU.
    var loadAtStart: Double
    var loadAtEnd: Double?

    static func collect() -> MachineFacts {
        let venvPython = ProjectPaths.venvProgram("python")
        return MachineFacts(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824,
            cpu: cpuModel(),
            kernel: firstLine(of: "uname", ["-sr"]) ?? "unknown",
            swift: firstLine(of: "swift", ["--version"]) ?? "unknown",
            redisServer: firstLine(of: "redis-server", ["--version"]) ?? "not installed",
            redisBenchmark: ProjectPaths.which("redis-benchmark") == nil ? "not installed" : "installed",
            celery: venvPython.flatMap { firstLine(of: $0, ["-c", "import celery; print(celery.__version__)"]) }
                ?? "not installed (no virtualenv at \(ProjectPaths.venv.path))",
            python: venvPython.flatMap { firstLine(of: $0, ["--version"]) } ?? "not installed",
            commit: firstLine(of: "git", ["-C", ProjectPaths.root.path, "describe", "--always", "--dirty"]) ?? "unknown",
            loadAtStart: loadAverage())
    }

    /// The 1-minute load average.
    static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return 0 }
        return Double(text.split(separator: " ").first ?? "") ?? 0
    }

    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        }
        return "unknown"
    }

    /// The first line a program prints (stdout, else stderr), or nil when it is missing or fails.
    static func firstLine(of program: String, _ arguments: [String]) -> String? {
        guard let url = ProjectPaths.which(program) else { return nil }
        return firstLine(of: url, arguments)
    }

    static func firstLine(of program: URL, _ arguments: [String]) -> String? {
        guard let output = try? ProcessRunner.run(program, arguments, timeout: 30), output.status == 0 else { return nil }
        let text = output.stdout.isEmpty ? output.stderr : output.stdout
        return text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Lines for the results file.
    var lines: [String] {
        [
            "cores: \(cores), memory: \(String(format: "%.1f", memoryGiB)) GiB, CPU: \(cpu), \(kernel)",
            "swift: \(swift)",
            "redis-server: \(redisServer); redis-benchmark: \(redisBenchmark)",
            "celery: \(celery); python: \(python)",
            "celeriac commit: \(commit)",
            "load average (1 min) at start: \(String(format: "%.2f", loadAtStart)), at end: \(loadAtEnd.map { String(format: "%.2f", $0) } ?? "-")",
        ]
    }
}
