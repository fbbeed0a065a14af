import Foundation

/// The issue's seven scenarios: every figure belongs to one, whichever run measured it (the
/// worker run measures drain, round trip and worker memory in one lifetime of each worker).
enum Section: Int, Codable, CaseIterable, Sendable {
    case broker = 1, enqueue, drain, roundTrip, memory, console, growth

    var title: String {
        switch self {
        case .broker: return "Broker"
        case .enqueue: return "Enqueue"
        case .drain: return "Drain"
        case .roundTrip: return "Round trip"
        case .memory: return "Memory"
        case .console: return "Console"
        case .growth: return "Growth"
        }
    }
}

/// What a figure counts, and how it is printed.
enum FigureUnit: String, Codable, Sendable {
    case operationsPerSecond = "ops/s"
    case messagesPerSecond = "msg/s"
    case tasksPerSecond = "tasks/s"
    case eventsPerSecond = "events/s"
    case milliseconds = "ms"
    case microseconds = "µs"
    case mebibytes = "MiB"
    case ratio = "×"

    /// The value with the precision that matters for its unit.
    func format(_ value: Double) -> String {
        switch self {
        case .operationsPerSecond, .messagesPerSecond, .tasksPerSecond, .eventsPerSecond:
            return "\(BenchSupport.format(value)) \(rawValue)"
        case .milliseconds: return String(format: value < 1 ? "%.3f ms" : "%.2f ms", value)
        case .microseconds: return String(format: "%.2f µs", value)
        case .mebibytes: return String(format: "%.1f MiB", value)
        case .ratio: return String(format: "%.2f×", value)
        }
    }
}

/// A goal a figure is held against: the issue's targets.
struct Target: Codable, Sendable {
    enum Direction: String, Codable, Sendable { case atLeast = "≥", atMost = "≤" }
    var direction: Direction
    var value: Double

    static func atLeast(_ value: Double) -> Target { Target(direction: .atLeast, value: value) }
    static func atMost(_ value: Double) -> Target { Target(direction: .atMost, value: value) }

    func isMet(by figure: Double) -> Bool {
        direction == .atLeast ? figure >= value : figure <= value
    }

    /// How far a figure is from the goal, as the factor it must still improve by (1.0 = met).
    func shortfall(of figure: Double) -> Double {
        guard figure > 0, value > 0 else { return 0 }
        return direction == .atLeast ? value / figure : figure / value
    }

    func text(_ unit: FigureUnit) -> String { "\(direction.rawValue) \(unit.format(value))" }
}

/// Whether a figure met its target.
enum Verdict: String, Codable, Sendable {
    case pass, short
}

/// One measured quantity of one system: every repetition's value, and the median and spread
/// printed from them. A figure that could not be measured keeps the reason instead.
struct Figure: Codable, Sendable {
    var section: Section
    /// What was measured, such as "SET, -P 1, AOF everysec" or "drain 20,000 noop, redis-server".
    var name: String
    /// Whose figure it is: "celeriac broker", "redis-server", "celery -P solo", ...
    var system: String
    var unit: FigureUnit
    var samples: [Double]
    var median: Double?
    var low: Double?
    var high: Double?
    var target: Target?
    var verdict: Verdict?
    var notMeasured: String?

    init(_ section: Section, _ name: String, system: String, unit: FigureUnit, samples: [Double], target: Target? = nil) {
        self.section = section
        self.name = name
        self.system = system
        self.unit = unit
        self.samples = samples
        self.target = target
        median = Statistics.median(samples)
        low = samples.min()
        high = samples.max()
        if let target, let median { verdict = target.isMet(by: median) ? .pass : .short }
    }

    /// A row that says why it has no number (a missing peer, a failed run).
    init(_ section: Section, _ name: String, system: String, unit: FigureUnit, notMeasured reason: String, target: Target? = nil) {
        self.init(section, name, system: system, unit: unit, samples: [], target: target)
        notMeasured = reason
    }

    /// Spread of the repetitions: (highest − lowest) ÷ median, in percent.
    var spreadPercent: Double? {
        guard let median, let low, let high, median > 0, samples.count > 1 else { return nil }
        return (high - low) / median * 100
    }

    /// "41,234 tasks/s (±4.1%, n=3)", or "not measured: reason".
    var valueText: String {
        guard let median else { return "not measured: \(notMeasured ?? "no sample")" }
        var text = unit.format(median)
        if let spreadPercent { text += String(format: " (spread %.1f%%, n=%d)", spreadPercent, samples.count) }
        return text
    }

    /// "target ≥ 50,000 tasks/s: short (needs 1.21×)", or "" without a target.
    var targetText: String {
        guard let target else { return "" }
        guard let verdict, let median else { return "target \(target.text(unit))" }
        if verdict == .pass { return "target \(target.text(unit)): pass" }
        return "target \(target.text(unit)): SHORT" + String(format: " (%.2f× off)", target.shortfall(of: median))
    }
}
