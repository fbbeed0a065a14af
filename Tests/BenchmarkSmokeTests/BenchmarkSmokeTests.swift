import CeleriacTestSupport
import Foundation
import Testing

/// `celeriac-bench all --quick`, the smoke run of `make bench QUICK=1`, so that the benchmarks
/// cannot rot: every scenario must still produce a number. No figure is judged (speed belongs
/// to the benchmark itself).
@Suite("celeriac-bench quick run", .serialized)
struct BenchmarkSmokeTests {
    /// The parts of `<date>.json` these tests read.
    struct Results: Decodable {
        struct Figure: Decodable {
            var section: Int
            var name: String
            var system: String
            var median: Double?
            var notMeasured: String?
        }

        struct Headline: Decodable {
            var section: Int
        }

        var quick: Bool
        var complete: Bool
        var figures: [Figure]
        var headlines: [Headline]
    }

    /// Runs `celeriac-bench` with `arguments` plus `--quick --output <fresh folder>`, and returns
    /// its exit status, what it printed, the decoded JSON and the Markdown file.
    static func runQuick(_ arguments: [String], environment: [String: String] = [:]) async throws
        -> (output: ProcessOutput, results: Results, markdown: String)
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac-bench"),
                                                 arguments + ["--quick", "--output", folder.path], environment: environment, timeout: 900)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let json = try #require(files.first { $0.hasSuffix("-quick.json") }, "no results file; the run printed:\n\(output.stdout)\n\(output.stderr)")
        let markdown = try #require(files.first { $0.hasSuffix("-quick.md") })
        let results = try JSONDecoder().decode(Results.self, from: Data(contentsOf: folder.appendingPathComponent(json)))
        let text = try String(contentsOf: folder.appendingPathComponent(markdown), encoding: .utf8)
        return (output, results, text)
    }

    @Test("every one of the seven scenarios produces a number, the README table is printed, and the run exits 0")
    func everyScenarioProducesANumber() async throws {
        let run = try await Self.runQuick(["all"])
        #expect(run.output.status == 0, "\(run.output.stderr)")
        #expect(run.results.quick)
        #expect(run.results.complete)
        for section in 1...7 {
            let measured = run.results.figures.filter { $0.section == section && $0.median != nil }
            #expect(!measured.isEmpty, "scenario \(section) produced no number: \(run.results.figures.filter { $0.section == section }.map { "\($0.system) · \($0.name): \($0.notMeasured ?? "-")" })")
            #expect(run.results.headlines.contains { $0.section == section }, "scenario \(section) has no row in the README table")
        }
        #expect(run.output.stdout.contains("| Scenario | Figure | Celeriac | Peer | Target | Result |"))
        #expect(run.markdown.contains("## Machine"))
        #expect(run.markdown.contains("## 7. Growth"))
    }

    @Test("without redis-benchmark and without the virtualenv, those rows say why, the rest is measured, and the run exits 0")
    func missingPeersAreNotMeasured() async throws {
        // A PATH holding only the two Redis programs the Celeriac side needs.
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("bench-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        for program in ["redis-server", "redis-cli"] {
            let target = try #require(ProjectPaths.which(program), "\(program) is not installed")
            try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent(program), withDestinationURL: target)
        }
        let run = try await Self.runQuick(["all", "--skip", "worker,console,growth"],
                                    environment: ["PATH": bin.path, "CELERIAC_VENV": bin.appendingPathComponent("no-venv").path])
        #expect(run.output.status == 0, "\(run.output.stderr)")
        let figures = run.results.figures
        let throughput = figures.filter { $0.section == 1 && $0.name.hasPrefix("all tests") }
        #expect(!throughput.isEmpty)
        #expect(throughput.allSatisfy { $0.median == nil && ($0.notMeasured ?? "").contains("redis-benchmark is not installed") })
        let python = try #require(figures.first { $0.system == "celery" && $0.section == 2 })
        #expect(python.median == nil)
        #expect((python.notMeasured ?? "").contains("no Celery virtualenv"))
        // What needs no peer is still measured.
        #expect(figures.contains { $0.section == 1 && $0.system == "celeriac broker" && $0.name.hasPrefix("RSS with") && $0.median != nil })
        #expect(figures.contains { $0.section == 2 && $0.system == "celeriac" && $0.median != nil })
        #expect(run.markdown.contains("not measured: redis-benchmark is not installed"))
    }
}
