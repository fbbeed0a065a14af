import ArgumentParser
import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `celeriac failures`: the worker failure store — tasks that failed for good, were not
/// registered, or could not be decoded — newest first.
struct FailuresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failures", abstract: "List the messages kept in the failure store.",
        discussion: """
            Celeriac workers keep the original message of every task that failed with no retry left, \
            named an unregistered task or could not be decoded. `celeriac retry` re-publishes them.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.short, .long], help: "Show at most this many entries.")
    var limit: Int = 100

    @Option(help: "Skip this many of the newest entries.")
    var offset: Int = 0

    @Option(name: .long, help: "Only entries whose task name matches this glob (demo.*).")
    var name: String?

    @Flag(help: "Print JSON, with each original message.")
    var json = false

    @Option(name: .long, parsing: .upToNextOption, help: "Delete these ids instead of listing.")
    var delete: [String] = []

    func validate() throws {
        guard limit > 0 else { throw usageError("--limit must be positive") }
        guard offset >= 0 else { throw usageError("--offset must not be negative") }
        _ = try connection.configuration()
    }

    func run() async throws {
        try await runReportingFailures {
            let app = try await connection.makeApp()
            defer { Task { await app.close() } }
            let store = FailureStore(client: app.transport.client)
            if !delete.isEmpty {
                let deleted = try await store.delete(ids: delete)
                FileHandleOutput.standardOutput("Deleted \(deleted) of \(delete.count) failure\(delete.count == 1 ? "" : "s").")
                return
            }
            var records = try await store.list(offset: offset, count: limit)
            if let name { records = records.filter { Glob.matches(name, $0.name) } }
            if json {
                FileHandleOutput.standardOutput(JSONWriter.string(.array(records.map(\.jsonValue))))
                return
            }
            FileHandleOutput.standardOutput("ID\tTIME\tTASK\tQUEUE\tREASON\tWORKER\tEXCEPTION")
            for record in records {
                let time = CeleryDateTime(timeIntervalSince1970: record.timestamp).isoformat
                FileHandleOutput.standardOutput([record.taskID, time, record.name, record.queue, record.reason.rawValue,
                                                 record.worker, record.exception].joined(separator: "\t"))
            }
            let total = try await store.count()
            FileHandleOutput.standardError("\(records.count) shown of \(total) in the failure store")
        }
    }
}

/// `celeriac retry`: re-publish failed messages from the failure store (same task id, one more
/// retry) and remove them from it.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Re-publish failed tasks from the failure store.",
        discussion: """
            Each message goes back to the queue it was consumed from, unchanged but for one more retry \
            and a new delivery tag, and leaves the store in the same transaction.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Task ids to retry.")
    var ids: [String] = []

    @Flag(help: "Retry every entry (or every entry matching --name).")
    var all = false

    @Option(name: .long, help: "With --all: only entries whose task name matches this glob.")
    var name: String?

    func validate() throws {
        guard all != !ids.isEmpty else { throw usageError("give task ids or --all, not both and not neither") }
        guard name == nil || all else { throw usageError("--name works with --all") }
        _ = try connection.configuration()
    }

    func run() async throws {
        var failed = false
        try await runReportingFailures {
            let app = try await connection.makeApp()
            defer { Task { await app.close() } }
            let store = FailureStore(client: app.transport.client)
            var targets = ids
            if all {
                let records = try await store.list(offset: 0, count: store.cap)
                let pattern = name
                targets = records.filter { record in pattern.map { Glob.matches($0, record.name) } ?? true }.map(\.taskID)
            }
            let outcomes = await store.retry(ids: targets)
            for id in targets {
                switch outcomes[id] {
                case .republished(let queue)?:
                    FileHandleOutput.standardOutput("\(id)\tretried\t\(queue)")
                case .failed(let why)?:
                    failed = true
                    FileHandleOutput.standardError("\(id): \(why)")
                case nil:
                    break
                }
            }
            if targets.isEmpty { FileHandleOutput.standardError("Nothing to retry.") }
        }
        if failed { throw ExitCode.failure }
    }
}
