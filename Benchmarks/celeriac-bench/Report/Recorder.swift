import Foundation

/// One row of the table the README shows: a headline figure of Celeriac beside its peer's.
struct Headline: Codable, Sendable {
    var section: Section
    var figure: String
    var celeriac: String
    var peer: String
    var target: String
    var verdict: Verdict?
}

/// Collects the figures of a run and prints each as it is recorded, its target beside it.
/// Used by one scenario at a time, never concurrently.
final class Recorder {
    /// Repetitions of every measurement.
    let repeats: Int
    let quick: Bool
    private(set) var figures: [Figure] = []
    private(set) var headlines: [Headline] = []
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    /// When the current part should be done: later repetitions are skipped past it (the first
    /// always runs), and the figure shows how many it got.
    private var partDeadline: ContinuousClock.Instant?
    /// Writes the results so far (set by ``ReportRun``; called after each part of `all`).
    var checkpoint: (() -> Void)?

    init(repeats: Int, quick: Bool) {
        self.repeats = repeats
        self.quick = quick
        start = clock.now
    }

    /// Gives the next part `seconds` of wall time (nil: no limit).
    func budget(seconds: Double?) {
        partDeadline = seconds.map { clock.now + .milliseconds(Int($0 * 1_000)) }
    }

    /// Now, on the clock the budget is kept on.
    var now: ContinuousClock.Instant { clock.now }

    /// Whether repetition `index` (from 0) of a loop that began at `loopStart` should still
    /// run: only if, at the pace of the ones before it, it would end inside the part's budget.
    func shouldRun(repetition index: Int, since loopStart: ContinuousClock.Instant) -> Bool {
        guard index > 0, let partDeadline else { return true }
        let now = clock.now
        if now + (now - loopStart) / index <= partDeadline { return true }
        print("  (time budget of this part would be overrun: skipping repetition \(index + 1) and later)")
        return false
    }

    /// Records and prints a figure; returns it for ratios and headlines.
    @discardableResult
    func record(_ figure: Figure) -> Figure {
        figures.append(figure)
        var line = "  \(figure.system) · \(figure.name): \(figure.valueText)"
        let target = figure.targetText
        if !target.isEmpty { line += "  [\(target)]" }
        print(line)
        fflush(nil)
        return figure
    }

    /// Records the figure of a series of samples, or "not measured" when there are none.
    @discardableResult
    func record(_ section: Section, _ name: String, system: String, unit: FigureUnit, samples: [Double],
                target: Target? = nil, reason: String? = nil) -> Figure {
        if samples.isEmpty {
            return record(Figure(section, name, system: system, unit: unit, notMeasured: reason ?? "no sample", target: target))
        }
        return record(Figure(section, name, system: system, unit: unit, samples: samples, target: target))
    }

    /// Records `numerator ÷ denominator` repetition by repetition, as a ratio figure.
    @discardableResult
    func ratio(_ section: Section, _ name: String, _ numerator: Figure, over denominator: Figure, target: Target? = nil) -> Figure {
        let system = "\(numerator.system) ÷ \(denominator.system)"
        if let reason = numerator.notMeasured ?? denominator.notMeasured {
            return record(Figure(section, name, system: system, unit: .ratio, notMeasured: reason, target: target))
        }
        return record(section, name, system: system, unit: .ratio,
                      samples: Statistics.ratios(numerator.samples, denominator.samples), target: target)
    }

    /// Records "not measured: reason" for each named figure (a peer is missing, or a run failed).
    func notMeasured(_ section: Section, _ names: [String], system: String, unit: FigureUnit, reason: String, target: Target? = nil) {
        for name in names { record(Figure(section, name, system: system, unit: unit, notMeasured: reason, target: target)) }
    }

    /// Adds a row to the README table from a Celeriac figure and, when there is one, its peer's.
    /// The verdict is the Celeriac figure's, or `judge`'s (a ratio figure's) when given.
    func headline(_ figure: String, celeriac: Figure, peer: Figure? = nil, judge: Figure? = nil, target: String? = nil) {
        let judged = judge ?? celeriac
        let targetText = target ?? judged.target.map { $0.text(judged.unit) } ?? ""
        headlines.append(Headline(
            section: celeriac.section, figure: figure, celeriac: Self.cell(celeriac),
            peer: peer.map { "\(Self.cell($0)) (\($0.system))" } ?? "—",
            target: targetText, verdict: judged.verdict))
    }

    /// Adds a row to the README table as given.
    func headline(_ row: Headline) {
        headlines.append(row)
    }

    /// A figure's median for a table cell, or why it has none.
    static func cell(_ figure: Figure) -> String {
        guard let median = figure.median else { return "not measured: \(figure.notMeasured ?? "no sample")" }
        return figure.unit.format(median)
    }

    /// Runs `body` `repeats` times; the first error ends the series and is returned as the reason.
    func repeated(_ count: Int? = nil, _ body: (Int) async throws -> Void) async -> String? {
        let loopStart = clock.now
        for index in 0..<(count ?? repeats) {
            guard shouldRun(repetition: index, since: loopStart) else { break }
            do {
                try await body(index)
            } catch {
                return "\(error)"
            }
        }
        return nil
    }

    /// Prints a scenario's heading.
    func begin(_ title: String) {
        let elapsed = clock.now - start
        print("\n== \(title)  [+\(elapsed.components.seconds) s]")
        fflush(nil)
    }
}
