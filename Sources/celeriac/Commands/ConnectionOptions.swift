import ArgumentParser
import Celeriac
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `--broker` and `--result-backend`, shared by every verb that talks to the cluster.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("broker"), help: "Broker URL (default: $CELERIAC_BROKER_URL, $CELERY_BROKER_URL, redis://127.0.0.1:6379/0). A ';'-separated list is tried in turn.")
    var broker: String?

    @Option(name: .customLong("result-backend"), help: "Result backend URL (default: the broker).")
    var resultBackend: String?

    /// The configuration, or a usage error (exit 2) for a URL that cannot be used.
    func configuration() throws -> Configuration {
        let environment = ProcessInfo.processInfo.environment
        do {
            return try Configuration(broker: BrokerURLResolver.broker(option: broker, environment: environment),
                                     resultBackend: BrokerURLResolver.resultBackend(option: resultBackend, environment: environment))
        } catch {
            throw usageError(error.description)
        }
    }

    /// An app on the configured broker; a broker that cannot be reached is a runtime failure.
    func makeApp(configure: (inout Configuration) -> Void = { _ in }) async throws -> App {
        var configuration = try configuration()
        // A command-line call should fail within seconds when the broker is down.
        configuration.brokerTimeout = 2
        configuration.publishMaxRetries = 3
        configure(&configuration)
        var logger = Logger(label: "celeriac")
        logger.logLevel = .warning
        do {
            return try await App(configuration: configuration, logger: logger)
        } catch {
            throw CLIFailure("cannot connect to the broker: \(error)")
        }
    }
}

/// A failure reported as one line on stderr with exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command body, turning failures into one stderr line and the right exit status:
/// usage errors go through argument-parser (exit 2), everything else exits 1.
func runReportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandleOutput.standardError("Error: \(error)")
        throw ExitCode.failure
    }
}

/// Bad usage: prints one line, `Error: <message>`, on stderr and returns exit status 2 to
/// throw (Celery's CLI convention; argument-parser would add the usage text).
func usageError(_ message: String) -> ExitCode {
    FileHandleOutput.standardError("Error: \(message)")
    return ExitCode(2)
}
