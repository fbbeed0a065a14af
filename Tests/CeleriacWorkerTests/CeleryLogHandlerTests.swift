@testable import CeleriacWorker
import Foundation
import Logging
import Testing

/// The worker's log lines are Celery's: `[2026-11-26 03:40:00,123: INFO/MainProcess] text`,
/// whole lines in the order logged, INFO gathered and written by `flush`, WARNING at once.
@Suite("CeleryLogHandler")
struct CeleryLogHandlerTests {
    @Test func writesCeleryFormattedLinesInOrder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-log-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try CeleryLogHandler.Sink(appendingTo: path)
        let logger = Logger(label: "test") { _ in CeleryLogHandler(sink: sink, level: .info) }
        logger.debug("not written: below the level")
        logger.info("Task demo.noop[0f3c] received")
        logger.info("ünïcode ✓ kept")
        // Urgent: written at once, after the INFO lines gathered before it.
        logger.warning("Task demo.fail[0f3d] raised")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        let lines = written.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4, "\(written)")
        let pattern = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}: (INFO|WARNING)\/MainProcess\] (.*)$/
        let parsed = lines.prefix(3).compactMap { line in (try? pattern.wholeMatch(in: String(line))).map { ($0.1, $0.2) } }
        #expect(parsed.map { String($0.0) } == ["INFO", "INFO", "WARNING"])
        #expect(parsed.map { String($0.1) } == ["Task demo.noop[0f3c] received", "ünïcode ✓ kept", "Task demo.fail[0f3d] raised"])
        #expect(lines.last == "")
    }
}
