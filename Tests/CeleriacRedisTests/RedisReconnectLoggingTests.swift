import CeleriacRedis
import CeleriacTestSupport
import Logging
import NIOConcurrencyHelpers
import Testing

/// Keeps every log record, for tests that check what a client logs.
final class CapturedLogs: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = NIOLockedValueBox<[Record]>([])

    var all: [Record] { records.withLockedValue { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "captured") { _ in Handler(logs: self) }
        logger.logLevel = .debug
        return logger
    }

    fileprivate func append(_ record: Record) { records.withLockedValue { $0.append(record) } }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var flat: [String: String] = [:]
            for (key, value) in event.metadata ?? [:] { flat[key] = "\(value)" }
            logs.append(Record(level: event.level, message: "\(event.message)", metadata: flat))
        }
    }
}

@Suite("Reconnect logging")
struct RedisReconnectLoggingTests {
    @Test func oneWarningPerFailedConnectAttempt() async throws {
        let logs = CapturedLogs()
        // Long enough for several attempts even when other suites keep the CPUs busy.
        var options = testOptions(commandTimeout: .seconds(4))
        options.logger = logs.logger()
        // Refused connects fail at once, so a 5 ms backoff leaves room for many attempts.
        options.backoff = RedisBackoff(base: .milliseconds(5), cap: .milliseconds(5), jitter: 0)
        // Held bound but not listening: refused for the whole test, and no parallel test can
        // start a server on it.
        let refusing = FreePort.Refusing()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let client = try RedisClient(url: "redis://127.0.0.1:\(port)/0", options: options)
        await #expect(throws: RedisError.self) { try await client.ping() }
        await client.close()
        let warnings = logs.all.filter { $0.level == .warning }
        #expect(warnings.count >= 2)
        for warning in warnings {
            #expect(warning.message == "redis connect attempt failed")
            #expect(warning.metadata["error"] == "cannot reach redis://127.0.0.1:\(port)/0: connection refused")
            #expect(warning.metadata["retryIn"] != nil)
        }
    }
}
