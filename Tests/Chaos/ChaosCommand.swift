import ArgumentParser
import Foundation

/// `celeriac-chaos`: the fault-injection runs of RELIABILITY.md (`make chaos`, and a short
/// mode in `make test`). Loopback only; every run is bounded by its deadline.
@main
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "celeriac-chaos",
        abstract: "Fault-injection runs against the bundled broker and redis-server.",
        subcommands: [Faults.self, Malformed.self, Flood.self, Soak.self])
}

extension ChaosCommand {
    /// Kills and freezes workers and the server while tasks run; checks nothing is lost.
    struct Faults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "kill -9 workers and the server, SIGSTOP workers, while acks-late tasks run.")

        @Option(help: "celeriac or redis (repeatable order: each runs in turn).")
        var server: [String] = ["celeriac"]

        @Option(help: "always or everysec (each runs in turn).")
        var appendfsync: [String] = ["always"]

        @Option(help: "Tasks per run.")
        var tasks = 100_000

        @Option(help: "Celeriac workers.")
        var workers = 3

        @Option(help: "Seconds before an unacked message is redelivered.")
        var visibilityTimeout = 10.0

        @Option(help: "Shortest and longest seconds between faults, as MIN-MAX.")
        var faultGap = "3-8"

        @Option(help: "Seconds a run may take at most.")
        var deadline = 1_800.0

        @Option(help: "Seed of the fault schedule.")
        var seed: UInt64 = 1

        @Flag(help: "The short mode of make test: 6,000 tasks, faults every 2-4 s, about two minutes per server.")
        var short = false

        mutating func run() async throws {
            var failures: [String] = []
            var rows: [String] = []
            for serverName in server {
                guard let kind = ChaosServer.Kind(rawValue: serverName) else {
                    throw ValidationError("--server must be celeriac or redis, not \(serverName)")
                }
                for policy in appendfsync {
                    var options = FaultRun.Options()
                    options.server = kind
                    options.appendfsync = policy
                    options.tasks = short ? 6_000 : tasks
                    options.workers = workers
                    options.visibilityTimeout = short ? 6 : visibilityTimeout
                    options.faultGap = short ? 2...4 : try Self.range(faultGap)
                    options.deadline = short ? 480 : deadline
                    options.seed = seed
                    if short { options.lead = 600; options.batch = 100 }
                    let outcome = try await FaultRun(options: options).run()
                    let report = FaultReport(options: options, outcome: outcome)
                    say(report.text)
                    rows.append(report.row)
                    failures += report.failures
                }
            }
            say("\n| scenario | load | faults injected | tasks lost | duplicates | crashes | memory |")
            say("| --- | --- | --- | --- | --- | --- | --- |")
            for row in rows { say(row) }
            if !failures.isEmpty {
                say("\nchaos: FAILED\n" + failures.map { "  - \($0)" }.joined(separator: "\n"))
                throw ExitCode(1)
            }
            say("\nchaos: passed")
        }

        static func range(_ text: String) throws -> ClosedRange<Double> {
            let parts = text.split(separator: "-").compactMap { Double($0) }
            guard parts.count == 2, parts[0] > 0, parts[0] <= parts[1] else {
                throw ValidationError("--fault-gap must be MIN-MAX seconds, such as 3-8")
            }
            return parts[0]...parts[1]
        }
    }
}

extension ChaosCommand {
    /// Good tasks mixed with broken messages of every kind.
    struct Malformed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Good tasks mixed with broken messages: good ones run, bad ones are reported and kept.")

        @Option(help: "Messages in all.")
        var messages = 100_000

        @Option(help: "Messages per batch.")
        var batch = 5_000

        mutating func run() async throws {
            let outcome = try await MalformedRun(messages: messages, batch: min(batch, messages)).run()
            let bad = outcome.bad.values.reduce(0, +)
            say("\n== malformed: \(messages) messages in \(Int(outcome.seconds)) s: \(outcome.good) good (\(outcome.goodDone) ran), \(bad) bad (\(outcome.reported) reported, \(outcome.stored) kept in the failure store)")
            for (kind, count) in outcome.bad.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { say("  \(count) \(kind.rawValue)") }
            say("worker RSS: " + outcome.memory.map { "\($0.0): \(ProcessMemory.format($0.1))" }.joined(separator: ", "))
            for path in ["/tmp/celeriac-pickle-ran", "/tmp/celeriac-yaml-ran"] where FileManager.default.fileExists(atPath: path) {
                say("chaos: FAILED: \(path) exists: a pickle or yaml body was deserialized")
                throw ExitCode(1)
            }
            if !outcome.failures.isEmpty {
                say("\nchaos: FAILED\n" + outcome.failures.map { "  - \($0)" }.joined(separator: "\n"))
                throw ExitCode(1)
            }
            say("chaos: passed")
        }
    }

    /// Random and mutated frames from many connections while one client checks its replies.
    struct Flood: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A broker under random and mutated frames from many connections serves a checking client correctly.")

        @Option(help: "Frames in all.")
        var frames = 1_000_000

        @Option(help: "Attacking connections.")
        var connections = 20

        mutating func run() async throws {
            let outcome = try await FloodRun(frames: frames, connections: connections).run()
            say("\n== flood: \(outcome.framesSent) frames from \(connections) connections (\(outcome.reconnects) reconnects) in \(Int(outcome.seconds)) s; \(outcome.checks) client checks passed, \(outcome.checkFailures.count) failed; broker \(outcome.brokerAlive ? "up" : "DOWN"); memory \(outcome.memory.joined(separator: ", "))")
            if !outcome.brokerAlive || !outcome.checkFailures.isEmpty {
                say("\nchaos: FAILED\n" + outcome.checkFailures.prefix(20).map { "  - \($0)" }.joined(separator: "\n"))
                throw ExitCode(1)
            }
            say("chaos: passed")
        }
    }

    /// `celeriac demo --no-console` with memory sampled every few seconds.
    struct Soak: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the headless demo and sample memory every 10 s.")

        @Option(help: "Seconds to run.")
        var seconds = 1_800.0

        @Option(help: "Seconds between samples.")
        var interval = 10.0

        mutating func run() async throws {
            let outcome = try await SoakRun(seconds: seconds, interval: interval).run()
            say(outcome.summary.split(separator: "\n").suffix(25).joined(separator: "\n"))
            var failures: [String] = []
            if let first = outcome.samples.first, let last = outcome.samples.last {
                say("\n== soak: \(Int(seconds)) s, \(outcome.samples.count) samples; demo process \(ProcessMemory.format(first.demo)) -> \(ProcessMemory.format(last.demo)); workers "
                    + zip(first.workers, last.workers).map { "\(ProcessMemory.format($0)) -> \(ProcessMemory.format($1))" }.joined(separator: ", ")
                    + "; console \(ProcessMemory.format(first.console)) -> \(ProcessMemory.format(last.console))")
            }
            let growth = SoakGrowth(samples: outcome.samples)
            if !growth.lines.isEmpty { say("growth after warm-up:\n" + growth.lines.joined(separator: "\n")) }
            // A short run is mostly warm-up (the console fills towards its bound, results towards
            // their expiry): only a run of ten minutes or more is judged on growth.
            if seconds >= 600 { failures += growth.failures }
            if let reason = outcome.consoleMissing {
                if reason == "tmux is not installed" { say("console not sampled: \(reason)") } else { failures.append("console not started: \(reason)") }
            }
            if let screen = outcome.consoleEnded { failures.append("the console ended before the demo did; its last screen:\n\(screen)") }
            if outcome.exitStatus != 0 { failures.append("the demo exited with \(outcome.exitStatus.map(String.init) ?? "no status")") }
            if !failures.isEmpty {
                say("\nchaos: FAILED\n" + failures.map { "  - \($0)" }.joined(separator: "\n"))
                throw ExitCode(1)
            }
            say("chaos: passed")
        }
    }
}
