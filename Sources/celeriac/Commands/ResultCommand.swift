import ArgumentParser
import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `celeriac result ID`: wait for a task's result and print it (Celery's `celery result`).
struct ResultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "result", abstract: "Print the result of a task.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The task id.")
    var id: String

    @Option(help: "Seconds to wait for the result (default: wait until it is ready).")
    var timeout: String?

    @Flag(help: "Print the traceback of a failed task.")
    var traceback = false

    @Flag(help: "Print the stored meta as JSON.")
    var json = false

    func validate() throws {
        if let timeout { _ = try JSONArguments.seconds(timeout, option: "--timeout") }
        _ = try connection.configuration()
    }

    func run() async throws {
        let seconds = try timeout.map { try JSONArguments.seconds($0, option: "--timeout") }
        try await runReportingFailures {
            let app = try await connection.makeApp()
            defer { Task { await app.close() } }
            let meta = try await app.result(id).wait(timeout: seconds)
            try Self.report(meta, id: id, json: json, traceback: traceback)
        }
    }

    /// Prints a ready result: the value on stdout; for a failure the exception (and with
    /// `traceback` the traceback) on stderr and exit status 1.
    static func report(_ meta: ResultMeta, id: String, json: Bool, traceback: Bool) throws {
        if json {
            FileHandleOutput.standardOutput(JSONWriter.string(.object(meta.raw)))
        } else if meta.status == .success {
            FileHandleOutput.standardOutput(JSONWriter.string(meta.result))
        }
        guard meta.status != .success else { return }
        if !json {
            let exception = meta.exception.map { PythonRepr.exceptionRepr(type: $0.type, arguments: $0.arguments) }
                ?? JSONWriter.string(meta.result)
            FileHandleOutput.standardError("Task \(id) \(meta.status.rawValue): \(exception)")
            if traceback, let text = meta.traceback { FileHandleOutput.standardError(text) }
        }
        throw ExitCode.failure
    }
}
