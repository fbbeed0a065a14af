import Foundation

/// A fault run's outcome as text, a RELIABILITY.md row, and the reasons it failed.
struct FaultReport {
    let options: FaultRun.Options
    let outcome: FaultRun.Outcome

    var text: String {
        var lines = [
            "",
            "== \(options.server.rawValue), appendfsync \(options.appendfsync): \(options.tasks) tasks in \(Int(outcome.seconds)) s",
            "faults: \(outcome.workerKills) worker kill -9, \(outcome.serverKills) server kill -9 + restart, \(outcome.freezes) SIGSTOP past the visibility timeout",
            "sent \(outcome.sent) (\(outcome.resentBatches) batches sent again after a server crash), completed \(outcome.completed), lost \(outcome.lost.count), still waiting in the queue or unacked \(outcome.delayed.count), wrong results \(outcome.wrongResults.count)",
            "duplicates: \(outcome.duplicateIDs) ids ran more than once (\(outcome.extraRuns) extra runs)",
        ]
        for (cause, count) in outcome.causes.sorted(by: { $0.value > $1.value }) { lines.append("  \(count): \(cause)") }
        lines.append("crashes: \(outcome.workerCrashes) worker exits nobody caused, \(outcome.serverCrashes) server")
        lines += outcome.memory.map { "memory \($0)" }
        if !outcome.lost.isEmpty { lines.append("lost (first 10): \(outcome.lost.prefix(10).joined(separator: ", "))") }
        if !outcome.delayed.isEmpty { lines.append("waiting at the deadline (first 10): \(outcome.delayed.prefix(10).joined(separator: ", "))") }
        if !outcome.wrongResults.isEmpty { lines.append("wrong (first 10): \(outcome.wrongResults.prefix(10).joined(separator: ", "))") }
        if !outcome.errors.isEmpty { lines.append("worker errors (first \(outcome.errors.count)):") ; lines += outcome.errors.map { "  \($0)" } }
        return lines.joined(separator: "\n")
    }

    var row: String {
        let faults = "\(outcome.workerKills) worker kill -9, \(outcome.serverKills) server kill -9, \(outcome.freezes) SIGSTOP"
        let memory = outcome.memory.joined(separator: "; ")
        return "| \(options.server.rawValue), appendfsync \(options.appendfsync) | \(options.tasks) demo.add, acks late, \(options.workers) workers, \(Int(outcome.seconds)) s | \(faults) | \(outcome.lost.count)\(outcome.delayed.isEmpty ? "" : " (\(outcome.delayed.count) still unacked at the deadline)") | \(outcome.duplicateIDs) ids (\(outcome.extraRuns) extra runs) | \(outcome.workerCrashes + outcome.serverCrashes) | \(memory) |"
    }

    /// Why the run failed: anything lost that the promise covers, wrong results, crashes.
    var failures: [String] {
        var reasons: [String] = []
        let name = "\(options.server.rawValue)/\(options.appendfsync)"
        // A process kill (not a power loss) loses nothing written to the kernel, whatever the
        // fsync policy: both servers write every command before they reply.
        if !outcome.lost.isEmpty { reasons.append("\(name): \(outcome.lost.count) tasks lost") }
        if !outcome.wrongResults.isEmpty { reasons.append("\(name): \(outcome.wrongResults.count) tasks with a wrong result") }
        if outcome.workerCrashes > 0 { reasons.append("\(name): \(outcome.workerCrashes) workers exited on their own") }
        return reasons
    }
}
