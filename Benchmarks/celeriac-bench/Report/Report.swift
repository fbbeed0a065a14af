import Foundation

/// Everything one run measured, as written to `Benchmarks/results/<date>.json`.
struct Report: Codable, Sendable {
    var date: String
    var started: String
    var durationSeconds: Double
    var quick: Bool
    /// False while the run is still going (the file is rewritten after every part), so that an
    /// interrupted run leaves what it measured.
    var complete: Bool
    var repeats: Int
    var note: String?
    var machine: MachineFacts
    var figures: [Figure]
    var headlines: [Headline]

    /// The table the README shows: one row per headline figure.
    var readmeTable: String {
        var lines = [
            "| Scenario | Figure | Celeriac | Peer | Target | Result |",
            "|---|---|---|---|---|---|",
        ]
        for row in headlines.sorted(by: { $0.section.rawValue < $1.section.rawValue }) {
            let cells = ["\(row.section.rawValue). \(row.section.title)", row.figure, row.celeriac, row.peer, row.target,
                         row.verdict?.rawValue ?? ""]
            lines.append("| " + cells.map(Self.escape).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// Every figure that has a target and missed it.
    var shortFigures: [Figure] { figures.filter { $0.verdict == .short } }

    /// The results file a reader opens: machine facts, the README table, then every figure.
    var markdown: String {
        var out = ["# Celeriac benchmarks, \(date)", ""]
        if quick { out += ["**Quick smoke run: tiny sizes, one repetition; the figures mean nothing.**", ""] }
        if !complete { out += ["**Partial: the run had not finished when this was written; later scenarios are missing.**", ""] }
        if let note { out += ["> \(note)", ""] }
        out += ["Started \(started), took \(String(format: "%.0f", durationSeconds)) s; every figure is the median of \(repeats) repetitions unless its row says otherwise (n), with the spread (highest − lowest, over the median).", ""]
        out += ["## Machine", ""] + machine.lines.map { "- \($0)" } + [""]
        out += ["## Summary", "", readmeTable, ""]
        let short = shortFigures
        out += ["## Targets missed", ""]
        if short.isEmpty {
            out += ["None.", ""]
        } else {
            for figure in short { out.append("- \(figure.system) · \(figure.name): \(figure.valueText), \(figure.targetText)") }
            out.append("")
        }
        for section in Section.allCases {
            let rows = figures.filter { $0.section == section }
            guard !rows.isEmpty else { continue }
            out += ["## \(section.rawValue). \(section.title)", "", "| System | Figure | Median | Spread | Samples | Target |", "|---|---|---|---|---|---|"]
            for figure in rows {
                let median = figure.median.map { figure.unit.format($0) } ?? "not measured: \(figure.notMeasured ?? "no sample")"
                let spread = figure.spreadPercent.map { String(format: "%.1f%%", $0) } ?? ""
                let samples = figure.samples.map { figure.unit.format($0) }.joined(separator: ", ")
                let target = figure.target.map { "\($0.text(figure.unit)): \(figure.verdict?.rawValue ?? "-")" } ?? ""
                out.append("| " + [figure.system, figure.name, median, spread, samples, target].map(Self.escape).joined(separator: " | ") + " |")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    static func escape(_ cell: String) -> String {
        cell.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Writes `<folder>/<date>.md` and `.json`; returns the two paths.
    func write(to folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let base = folder.appendingPathComponent(quick ? "\(date)-quick" : date)
        let markdownURL = base.appendingPathExtension("md")
        let jsonURL = base.appendingPathExtension("json")
        try Data(markdown.utf8).write(to: markdownURL)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: jsonURL)
        return [markdownURL, jsonURL]
    }
}
