import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes Celery's worker log lines,
/// `[2026-11-26 03:40:00,123: INFO/MainProcess] Task demo.add[…] received`, one write per
/// line (so lines are never interleaved or held in a buffer), to stderr or a file.
public struct CeleryLogHandler: LogHandler {
    /// Where lines go; shared by every handler made from it.
    public final class Sink: Sendable {
        private let descriptor: Int32
        private let lock = Mutex(())

        /// Standard error.
        public static let standardError = Sink(descriptor: 2)

        init(descriptor: Int32) { self.descriptor = descriptor }

        /// Appends to `path` (created when missing).
        public init(appendingTo path: String) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard fd >= 0 else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            descriptor = fd
        }

        func write(_ line: String) {
            var bytes = Array(line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            lock.withLock { _ in
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let sink: Sink
    private let process: String

    /// A handler writing to `sink` at `level`; `process` is the `MainProcess` part of a line.
    public init(sink: Sink, level: Logger.Level, process: String = "MainProcess") {
        self.sink = sink
        logLevel = level
        self.process = process
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink.write("[\(Self.timestamp()): \(Self.levelName(event.level))/\(process)] \(event.message)")
    }

    /// Celery's level names.
    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "DEBUG"
        case .info, .notice: return "INFO"
        case .warning: return "WARNING"
        case .error: return "ERROR"
        case .critical: return "CRITICAL"
        }
    }

    /// `2026-11-26 03:40:00,123` in local time, as Python's logging formats `asctime`.
    static func timestamp() -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(now.tv_usec / 1000)
        let milliText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)),\(milliText)"
    }

    /// Celery's `--loglevel` names (any case): DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL).
    public static func level(named name: String) -> Logger.Level? {
        switch name.uppercased() {
        case "DEBUG": return .debug
        case "INFO": return .info
        case "WARNING", "WARN": return .warning
        case "ERROR": return .error
        case "CRITICAL", "FATAL": return .critical
        default: return nil
        }
    }
}
