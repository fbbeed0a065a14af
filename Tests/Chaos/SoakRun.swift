import CeleriacTestSupport
import Foundation

/// Soak: `celeriac demo --no-console` (its broker runs in the demo's own process, its workers
/// are children) for a while, with a `celeriac console` watching the same broker from a
/// detached tmux terminal that nobody reads; the resident memory of the demo process, each
/// worker and the console sampled every `interval` seconds. The summary the demo prints at
/// the end is kept.
struct SoakRun {
    var seconds = 1_800.0
    var interval = 10.0
    var rate = 50.0
    /// The console's task bound: low enough that the soak reaches it, so the figure shows that
    /// the bound holds memory flat rather than merely that the run was short.
    var consoleMaxTasks = 10_000

    struct Sample {
        var elapsed: Int
        var demo: Int?
        var workers: [Int]
        var console: Int?
    }

    struct Outcome {
        var samples: [Sample] = []
        var exitStatus: Int32?
        var summary = ""
        /// Why no console was sampled, when none was.
        var consoleMissing: String?
        /// The console's last screen when it ended before the demo did.
        var consoleEnded: String?
    }

    func run() async throws -> Outcome {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-soak-\(UUID().uuidString.prefix(8)).log")
        let demo = try ChildProcess(ProjectPaths.executable("celeriac").path, [
            "demo", "--no-console", "--duration", String(Int(seconds)), "--rate", String(rate), "--seed", "5",
        ], output: log.path)
        var outcome = Outcome()
        let started = Date()
        let console = await startConsole(demoLog: log, outcome: &outcome)
        defer { console?.session.kill() }
        while demo.isRunning {
            try? await Task.sleep(for: .seconds(interval))
            guard demo.isRunning else { break }
            let workers = Self.children(of: demo.pid).compactMap(ProcessMemory.residentKilobytes)
            let consoleRSS = console.flatMap { ProcessMemory.residentKilobytes($0.pid) }
            if let console, consoleRSS == nil, outcome.consoleEnded == nil {
                outcome.consoleEnded = console.session.capture()
            }
            let sample = Sample(elapsed: Int(Date().timeIntervalSince(started)), demo: ProcessMemory.residentKilobytes(demo.pid),
                                workers: workers, console: consoleRSS)
            outcome.samples.append(sample)
            say("soak: \(sample.elapsed)s demo (broker + load) \(ProcessMemory.format(sample.demo)), workers "
                + sample.workers.map { ProcessMemory.format($0) }.joined(separator: " / ")
                + (console == nil ? "" : ", console \(ProcessMemory.format(sample.console))"))
            if Date().timeIntervalSince(started) > seconds + 120 { _ = demo.terminate(grace: 20); break }
        }
        outcome.exitStatus = demo.wait(timeout: 60)
        outcome.summary = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: log)
        return outcome
    }

    /// Starts `celeriac console` on the demo's broker in a 200×60 tmux terminal, once the demo
    /// has printed its broker URL; nil (with the reason in `outcome`) when it cannot.
    private func startConsole(demoLog: URL, outcome: inout Outcome) async -> (session: TmuxSession, pid: Int32)? {
        guard ProjectPaths.which("tmux") != nil else {
            outcome.consoleMissing = "tmux is not installed"
            return nil
        }
        var url: String?
        for _ in 0..<240 where url == nil {
            url = Self.brokerURL(inDemoLog: (try? String(contentsOf: demoLog, encoding: .utf8)) ?? "")
            if url == nil { try? await Task.sleep(for: .milliseconds(250)) }
        }
        guard let url else {
            outcome.consoleMissing = "the demo printed no broker URL within 60 s"
            return nil
        }
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-soak-console-\(UUID().uuidString.prefix(8)).pid")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let executable = ProjectPaths.executable("celeriac").path
        // `exec` keeps the shell's pid, which it wrote down first: that is the console's pid.
        let command = "echo $$ > \(TmuxSession.shellQuoted(pidFile.path)); exec \(TmuxSession.shellQuoted(executable)) console "
            + "--broker \(TmuxSession.shellQuoted(url)) --max-tasks \(consoleMaxTasks)"
        let session: TmuxSession
        do {
            session = try TmuxSession(command: command, width: 200, height: 60)
        } catch {
            outcome.consoleMissing = "tmux failed: \(error)"
            return nil
        }
        for _ in 0..<80 {
            if let text = try? String(contentsOf: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return (session, pid)
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        outcome.consoleMissing = "the console's terminal never started: \(session.capture())"
        session.kill()
        return nil
    }

    /// The URL in the demo's `demo: broker: URL` line.
    static func brokerURL(inDemoLog text: String) -> String? {
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "demo: broker: ") else { continue }
            let url = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if !url.isEmpty { return url }
        }
        return nil
    }

    /// The child processes of `pid` (every thread's children list).
    static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var result: [Int32] = []
        for task in tasks {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            result += text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return result.sorted()
    }
}
