import ArgumentParser
import Foundation

/// `celeriac-bench all` (or `report`): the issue's seven scenarios in one run, one results
/// file. Each part runs with its default sizes; a part can be left out with `--skip`.
struct AllScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all", abstract: "Every scenario in one run; writes Benchmarks/results/<date>.md and .json.",
        aliases: ["report"])

    @OptionGroup var common: RunOptions

    @Option(help: "Parts to leave out, comma-separated: broker, enqueue, worker, console, growth.")
    var skip: String = ""

    @Option(help: "Minutes the whole run aims at (0: no limit). Each part gets a share; past it, its remaining repetitions are skipped (the first always runs) and its figures show how many they got.")
    var budgetMinutes: Double = 18

    static let parts = ["broker", "enqueue", "worker", "console", "growth"]

    /// Each part's share of the time budget, from its cost on an idle 2-core machine.
    static let shares: [String: Double] = ["broker": 0.27, "enqueue": 0.04, "worker": 0.43, "console": 0.04, "growth": 0.22]

    func validate() throws {
        for part in skip.split(separator: ",") where !Self.parts.contains(String(part)) {
            throw ValidationError("unknown part '\(part)'; the parts are \(Self.parts.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let skipped = Set(skip.split(separator: ",").map(String.init))
        // Each part parses its own defaults; only --quick is passed on (sizes follow from it).
        let arguments = common.quick ? ["--quick"] : []
        let broker = try BrokerScenario.parse(arguments)
        let enqueue = try EnqueueScenario.parse(arguments)
        let worker = try WorkerScenario.parse(arguments)
        let console = try ConsoleScenario.parse(arguments)
        let growth = try GrowthScenario.parse(arguments)
        let budget = common.quick || budgetMinutes <= 0 ? nil : budgetMinutes * 60
        await ReportRun.execute(common, title: "all", defaultOutput: ReportRun.defaultFolder(quick: common.quick)) { recorder in
            func part(_ name: String, _ body: () async -> Void) async {
                guard !skipped.contains(name) else { return }
                recorder.budget(seconds: budget.map { $0 * (Self.shares[name] ?? 0.2) })
                await body()
                recorder.checkpoint?()
            }
            await part("broker") { await broker.measure(recorder) }
            await part("enqueue") { await enqueue.measure(recorder) }
            await part("worker") { await worker.measure(recorder) }
            await part("console") { await console.measure(recorder) }
            await part("growth") { await growth.measure(recorder) }
        }
    }
}
