import ArgumentParser
import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `celeriac purge`: remove every waiting message from queues (Celery's `celery purge`).
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "purge", abstract: "Erase all messages from queues.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("Q"), .long], help: "Comma-separated queues (default: celery).")
    var queues: String?

    @Flag(name: [.short, .long], help: "Do not ask for confirmation.")
    var force = false

    var names: [String] {
        (queues ?? "celery").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard !names.isEmpty else { throw usageError("-Q needs at least one queue name") }
        _ = try connection.configuration()
    }

    func run() async throws {
        let names = names
        if !force {
            FileHandleOutput.standardError("""
                WARNING: This will remove all tasks from \(names.count == 1 ? "queue" : "queues"): \(names.joined(separator: ", ")).
                         There is no undo for this operation!

                (to skip this prompt use the -f option)
                """)
            FileHandleOutput.standardErrorPrompt("Are you sure you want to delete all tasks (yes/NO)? ")
            // Read on the main actor (the main thread, idle meanwhile): a blocking read in a
            // task would hold one of the event loops that run tasks and network I/O.
            let answer = await MainActor.run { readLine() }?.trimmingWhitespace().lowercased() ?? ""
            guard answer == "yes" || answer == "y" else {
                FileHandleOutput.standardError("Aborted: nothing was purged.")
                throw ExitCode.failure
            }
        }
        try await runReportingFailures {
            let app = try await connection.makeApp()
            defer { Task { await app.close() } }
            var total = 0
            for name in names { total += try await app.transport.purge(name) }
            let queueWord = names.count == 1 ? "queue" : "queues"
            let messageWord = total == 1 ? "message" : "messages"
            if total == 0 {
                FileHandleOutput.standardOutput("No messages purged from \(names.count) \(queueWord).")
            } else {
                FileHandleOutput.standardOutput("Purged \(total) \(messageWord) from \(names.count) known task \(queueWord).")
            }
        }
    }
}
