import ArgumentParser
import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `celeriac audit`: the actions operators took through the console (the `celeriac.audit`
/// list in the broker), oldest of the shown ones first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the actions operators took through the console.",
        discussion: """
            Every action taken in `celeriac console` (revoke, retry, rate and time limits, purge, \
            consumers, pool size, shutdown) is appended with who took it (user@host) and what came \
            back to a capped list in the broker (key \(AuditLog.key), the newest \(AuditLog.capacity) kept). \
            Text output is one tab-separated line per action: time (UTC), who, action, target, outcome.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("n"), .long], help: "How many of the newest actions to show.")
    var count: String = "50"

    @Flag(help: "Print a JSON list of records.")
    var json = false

    func validate() throws {
        _ = try Self.parseCount(count)
        _ = try connection.configuration()
    }

    static func parseCount(_ text: String) throws -> Int {
        guard let n = Int(text), n > 0 else { throw usageError("-n needs a positive whole number, not '\(text)'") }
        return min(n, AuditLog.capacity)
    }

    func run() async throws {
        let limit = try Self.parseCount(count)
        try await runReportingFailures {
            let app = try await connection.makeApp()
            defer { Task { await app.close() } }
            // Newest first from the list; shown oldest first, as a log reads.
            let entries = try await AuditLog(transport: app.transport).recent(count: limit).reversed()
            if json {
                let items: [JSONValue] = entries.map { entry in
                    switch entry {
                    case .success(let record): return record.jsonValue
                    case .failure(let error): return ["error": .string(error.message)]
                    }
                }
                FileHandleOutput.standardOutput(JSONWriter.string(.array(items)))
                return
            }
            if entries.isEmpty {
                FileHandleOutput.standardOutput("No actions recorded.")
                return
            }
            for entry in entries {
                switch entry {
                case .success(let record):
                    let time = CeleryDateTime(timeIntervalSince1970: record.timestamp).isoformat
                    FileHandleOutput.standardOutput([time, record.who, record.action, Self.oneLine(record.target),
                                                     Self.oneLine(record.outcome)].joined(separator: "\t"))
                case .failure(let error):
                    FileHandleOutput.standardOutput("\(error)")
                }
            }
        }
    }

    /// Tabs and newlines inside a field would break the line format.
    static func oneLine(_ text: String) -> String {
        text.replacingScalar("\t", with: " ").replacingScalar("\n", with: " ")
    }
}
