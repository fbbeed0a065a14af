import CeleriacTestSupport
import Foundation

/// Soak: `celeriac demo --no-console` (its broker runs in the demo's own process, its workers
/// are children) for a while, the resident memory of the demo process and of each worker
/// sampled every `interval` seconds. The summary the demo prints at the end is kept.
struct SoakRun {
    var seconds = 1_800.0
    var interval = 10.0
    var rate = 50.0

    struct Sample {
        var elapsed: Int
        var demo: Int?
        var workers: [Int]
    }

    struct Outcome {
        var samples: [Sample] = []
        var exitStatus: Int32?
        var summary = ""
    }

    func run() async throws -> Outcome {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-soak-\(UUID().uuidString.prefix(8)).log")
        let demo = try ChildProcess(ProjectPaths.executable("celeriac").path, [
            "demo", "--no-console", "--duration", String(Int(seconds)), "--rate", String(rate), "--seed", "5",
        ], output: log.path)
        var outcome = Outcome()
        let started = Date()
        while demo.isRunning {
            try? await Task.sleep(for: .seconds(interval))
            guard demo.isRunning else { break }
            let workers = Self.children(of: demo.pid).compactMap(ProcessMemory.residentKilobytes)
            let sample = Sample(elapsed: Int(Date().timeIntervalSince(started)), demo: ProcessMemory.residentKilobytes(demo.pid),
                                workers: workers)
            outcome.samples.append(sample)
            say("soak: \(sample.elapsed)s demo (broker + load) \(ProcessMemory.format(sample.demo)), workers "
                + sample.workers.map { ProcessMemory.format($0) }.joined(separator: " / "))
            if Date().timeIntervalSince(started) > seconds + 120 { _ = demo.terminate(grace: 20); break }
        }
        outcome.exitStatus = demo.wait(timeout: 60)
        outcome.summary = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: log)
        return outcome
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
