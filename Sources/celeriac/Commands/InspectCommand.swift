#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import Celeriac
import CeleriacProtocol

/// `celeriac inspect METHOD`: query workers (Celery's `celery inspect`).
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Inspect the workers.",
        discussion: "Methods: \(methods.joined(separator: ", ")).")

    static let methods = ["ping", "active", "reserved", "scheduled", "revoked", "registered", "stats", "active_queues",
                          "query_task", "conf", "clock", "report"]

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The method.")
    var method: String

    @Argument(help: "Task ids, for query_task.")
    var ids: [String] = []

    @Option(name: [.customShort("d"), .long], help: "Comma-separated node names to ask.")
    var destination: String?

    @Option(name: [.short, .long], help: "Seconds to wait for each reply.")
    var timeout: String = "1.0"

    @Flag(name: [.customShort("j"), .long], help: "Print one JSON object {node: reply}.")
    var json = false

    func validate() throws {
        guard Self.methods.contains(method) else {
            throw usageError("unknown inspect method '\(method)'; choose one of: \(Self.methods.joined(separator: ", "))")
        }
        if method == "query_task", ids.isEmpty { throw usageError("query_task needs at least one task id") }
        if method != "query_task", !ids.isEmpty { throw usageError("\(method) takes no arguments") }
        _ = try JSONArguments.seconds(timeout, option: "--timeout")
        _ = try connection.configuration()
    }

    var command: ControlCommand {
        switch method {
        case "ping": return .ping
        case "active": return .active(safe: nil)
        case "reserved": return .reserved
        case "scheduled": return .scheduled
        case "revoked": return .revoked
        case "registered": return .registered(taskInfoItems: [])
        case "stats": return .stats
        case "active_queues": return .activeQueues
        case "query_task": return .queryTask(ids: ids)
        case "conf": return .conf(withDefaults: false)
        case "clock": return .clock
        default: return .report
        }
    }

    func run() async throws {
        let seconds = try JSONArguments.seconds(timeout, option: "--timeout")
        let nodes = destination.map { $0.split(separator: ",").map { $0.trimmingWhitespace() } }
        try await broadcastAndPrint(connection: connection, command: command, destination: nodes, timeout: seconds, json: json)
    }
}

/// Broadcasts and prints the replies, exiting 1 when nobody answered.
func broadcastAndPrint(connection: ConnectionOptions, command: ControlCommand, destination: [String]?, timeout: Double, json: Bool) async throws {
    try await runReportingFailures {
        let app = try await connection.makeApp()
        defer { Task { await app.close() } }
        let replies = try await app.control().broadcast(command, destination: destination, timeout: timeout)
        do {
            try ReplyPrinter.print(replies, json: json, destination: destination, timeout: timeout)
        } catch CLIExit.failure {
            throw ExitCode.failure
        }
    }
}
