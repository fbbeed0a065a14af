import ArgumentParser
import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `celeriac call NAME`: send a task (Celery's `celery call`), print its id, or with `--wait`
/// its result.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "call", abstract: "Call a task by name.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The task name, such as demo.add.")
    var name: String

    @Option(name: [.short, .long], help: "Positional arguments as a JSON array.")
    var args: String?

    @Option(name: [.customShort("k"), .long], help: "Keyword arguments as a JSON object.")
    var kwargs: String?

    @Option(name: [.customShort("Q"), .long], help: "The queue.")
    var queue: String?

    @Option(help: "Seconds before the task may run.")
    var countdown: String?

    @Option(help: "When the task may run (ISO-8601).")
    var eta: String?

    @Option(help: "Seconds, or an ISO-8601 date, after which the task is discarded.")
    var expires: String?

    @Option(help: "Priority 0-9 (lower runs first on Redis).")
    var priority: Int?

    @Flag(help: "Wait for the result and print it.")
    var wait = false

    @Option(help: "With --wait: seconds to wait for the result.")
    var timeout: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        _ = try sendOptions()
        _ = try JSONArguments.array(args, option: "--args")
        _ = try JSONArguments.object(kwargs, option: "--kwargs")
        if let timeout { _ = try JSONArguments.seconds(timeout, option: "--timeout") }
        if countdown != nil, eta != nil { throw usageError("--countdown and --eta cannot be used together") }
        if let priority, !(0...255).contains(priority) { throw usageError("--priority must be 0-9: \(priority)") }
        _ = try connection.configuration()
    }

    func sendOptions() throws -> SendOptions {
        var options = SendOptions(queue: queue, priority: priority)
        if let countdown { options.countdown = try JSONArguments.seconds(countdown, option: "--countdown") }
        if let eta { options.eta = try JSONArguments.date(eta, option: "--eta") }
        if let expires {
            if let seconds = Double(expires) {
                guard seconds.isFinite else { throw usageError("--expires must be seconds or an ISO-8601 date: \(expires)") }
                options.expires = .seconds(seconds)
            } else {
                options.expires = .date(try JSONArguments.date(expires, option: "--expires"))
            }
        }
        return options
    }

    func run() async throws {
        let options = try sendOptions()
        let arguments = try JSONArguments.array(args, option: "--args")
        let keywords = try JSONArguments.object(kwargs, option: "--kwargs")
        let waitSeconds = try timeout.map { try JSONArguments.seconds($0, option: "--timeout") }
        try await runReportingFailures {
            let app = try await connection.makeApp()
            defer { Task { await app.close() } }
            let result = try await app.producer.send(name, args: arguments, kwargs: keywords, options: options)
            guard wait else {
                FileHandleOutput.standardOutput(json ? JSONWriter.string(["task_id": .string(result.id)]) : result.id)
                return
            }
            let meta = try await result.wait(timeout: waitSeconds)
            try ResultCommand.report(meta, id: result.id, json: json, traceback: true)
        }
    }
}
