import ArgumentParser
import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `celeriac control METHOD ARGS…`: change workers (Celery's `celery control`).
struct ControlVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control", abstract: "Send a remote-control command to the workers.",
        discussion: """
            revoke ID... [--terminate] [--signal SIG] | rate_limit TASK RATE | time_limit TASK SOFT [HARD] | \
            add_consumer QUEUE | cancel_consumer QUEUE | pool_grow N | pool_shrink N | shutdown | \
            enable_events | disable_events | heartbeat
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The method.")
    var method: String

    @Argument(help: "The method's arguments.")
    var arguments: [String] = []

    @Option(name: [.customShort("d"), .long], help: "Comma-separated node names.")
    var destination: String?

    @Option(name: [.short, .long], help: "Seconds to wait for each reply.")
    var timeout: String = "1.0"

    @Flag(help: "revoke: terminate a running task.")
    var terminate = false

    @Option(name: [.customShort("s"), .long], help: "revoke --terminate: the signal (default SIGTERM).")
    var signal: String?

    @Flag(name: [.customShort("j"), .long], help: "Print one JSON object {node: reply}.")
    var json = false

    func validate() throws {
        _ = try command()
        _ = try JSONArguments.seconds(timeout, option: "--timeout")
        _ = try connection.configuration()
    }

    func command() throws -> ControlCommand {
        func count(_ range: ClosedRange<Int>, _ usage: String) throws {
            guard range.contains(arguments.count) else { throw usageError("usage: celeriac control \(method) \(usage)") }
        }
        func limit(_ text: String) throws -> JSONValue {
            guard let value = Double(text), value.isFinite, value >= 0 else { throw usageError("\(method): not a number of seconds: \(text)") }
            return value.rounded() == value ? .integer(Int(value)) : .double(value)
        }
        switch method {
        case "revoke":
            guard !arguments.isEmpty else { throw usageError("usage: celeriac control revoke ID... [--terminate] [--signal SIG]") }
            return .revoke(taskIDs: arguments, terminate: terminate, signal: signal ?? "SIGTERM")
        case "rate_limit":
            try count(2...2, "TASK RATE (such as 10/m)")
            do {
                _ = try RateLimit.tasksPerSecond(arguments[1])
            } catch {
                throw usageError("rate_limit: \(error)")
            }
            return .rateLimit(taskName: arguments[0], rateLimit: .string(arguments[1]))
        case "time_limit":
            try count(2...3, "TASK SOFT [HARD]")
            let soft = try limit(arguments[1])
            let hard = try arguments.count == 3 ? limit(arguments[2]) : .null
            return .timeLimit(taskName: arguments[0], hard: hard, soft: soft)
        case "add_consumer":
            try count(1...1, "QUEUE")
            return .addConsumer(queue: arguments[0], exchange: nil, exchangeType: nil, routingKey: nil)
        case "cancel_consumer":
            try count(1...1, "QUEUE")
            return .cancelConsumer(queue: arguments[0])
        case "pool_grow", "pool_shrink":
            try count(0...1, "[N]")
            let n = arguments.first.map { Int($0) } ?? 1
            guard let n, n > 0 else { throw usageError("\(method): N must be a positive integer") }
            return method == "pool_grow" ? .poolGrow(n: n) : .poolShrink(n: n)
        case "shutdown", "enable_events", "disable_events", "heartbeat":
            try count(0...0, "")
            return method == "shutdown" ? .shutdown : method == "heartbeat" ? .heartbeat
                : method == "enable_events" ? .enableEvents : .disableEvents
        default:
            throw usageError("unknown control method '\(method)'; choose one of: revoke, rate_limit, time_limit, add_consumer, cancel_consumer, pool_grow, pool_shrink, shutdown, enable_events, disable_events, heartbeat")
        }
    }

    func run() async throws {
        let command = try command()
        let seconds = try JSONArguments.seconds(timeout, option: "--timeout")
        let nodes = destination.map { $0.split(separator: ",").map { $0.trimmingWhitespace() } }
        guard command.expectsReply else {
            try await runReportingFailures {
                let app = try await connection.makeApp()
                defer { Task { await app.close() } }
                try await app.control().cast(command, destination: nodes)
                FileHandleOutput.standardError("\(method) sent (workers do not reply to it).")
            }
            return
        }
        try await broadcastAndPrint(connection: connection, command: command, destination: nodes, timeout: seconds, json: json)
    }
}
