import ArgumentParser
import CeleriacTestSupport
import Foundation

/// Options every scenario takes: how big, how often, and where the results go.
struct RunOptions: ParsableArguments {
    @Flag(help: "Smoke run: tiny sizes and one repetition; the figures mean nothing, only that each scenario produces one.")
    var quick = false

    @Option(help: "Repetitions of every measurement (default: 3, or 1 with --quick).")
    var repeats: Int?

    @Option(help: "Folder for <date>.md and <date>.json (default for `all`: Benchmarks/results, or .build/bench-quick with --quick; other scenarios write none unless given).")
    var output: String?

    @Option(help: "A remark written at the top of the results file, such as what else ran on the machine.")
    var note: String?

    var repetitions: Int { max(1, repeats ?? (quick ? 1 : 3)) }
}

/// Runs scenarios into one report: machine facts first, each scenario's figures as they come,
/// then the README table, and the results files when asked for. Never fails: a scenario that
/// cannot measure something records why.
enum ReportRun {
    static func execute(_ options: RunOptions, title: String, defaultOutput: URL? = nil,
                        _ body: (Recorder) async -> Void) async {
        let clock = ContinuousClock()
        let start = clock.now
        let startDate = Date()
        var machine = MachineFacts.collect()
        print("celeriac-bench \(title)\(options.quick ? " (quick)" : ""): \(options.repetitions) repetition(s) per figure")
        for line in machine.lines.dropLast() { print("  \(line)") }
        let recorder = Recorder(repeats: options.repetitions, quick: options.quick)
        let folder = options.output.map { URL(fileURLWithPath: $0) } ?? defaultOutput
        let day = DateFormatter()
        day.dateFormat = "yyyy-MM-dd"
        day.timeZone = TimeZone(identifier: "UTC")
        func report(complete: Bool) -> Report {
            let elapsed = clock.now - start
            return Report(
                date: day.string(from: startDate), started: ISO8601DateFormatter().string(from: startDate),
                durationSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                quick: options.quick, complete: complete, repeats: options.repetitions, note: options.note, machine: machine,
                figures: recorder.figures, headlines: recorder.headlines)
        }
        // After every part, so that an interrupted run leaves what it measured.
        recorder.checkpoint = {
            guard let folder else { return }
            _ = try? report(complete: false).write(to: folder)
        }
        await body(recorder)
        machine.loadAtEnd = MachineFacts.loadAverage()
        let final = report(complete: true)
        print("\n== Summary (the README table)\n")
        print(final.readmeTable)
        let short = final.shortFigures
        print("\ntargets: \(final.figures.filter { $0.verdict == .pass }.count) pass, \(short.count) short")
        if !options.quick {
            for figure in short { print("  short: \(figure.system) · \(figure.name): \(figure.valueText), \(figure.targetText)") }
        }
        let missing = final.figures.filter { $0.notMeasured != nil }.count
        if missing > 0 { print("\(missing) figure(s) not measured (see their rows)") }
        print(String(format: "load average %.2f at start, %.2f at end; took %.0f s", machine.loadAtStart, machine.loadAtEnd ?? 0, final.durationSeconds))
        if let folder {
            do {
                for url in try final.write(to: folder) { print("wrote \(url.path)") }
            } catch {
                print("could not write the results: \(error)")
            }
        }
    }

    /// Where `all` writes when not told.
    static func defaultFolder(quick: Bool) -> URL {
        ProjectPaths.root.appendingPathComponent(quick ? ".build/bench-quick" : "Benchmarks/results")
    }
}
