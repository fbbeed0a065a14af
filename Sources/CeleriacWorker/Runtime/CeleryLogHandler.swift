#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// A swift-log handler that writes Celery's worker log lines,
/// `[2026-11-26 03:40:00,123: INFO/MainProcess] Task demo.add[…] received`, to stderr or a
/// file: whole lines, never interleaved, INFO lines gathered for a few milliseconds (see
/// ``Sink``).
public struct CeleryLogHandler: LogHandler {
    /// Where lines go; shared by every handler made from it.
    ///
    /// DEBUG and INFO lines (a worker writes two per task) are gathered and written together
    /// at most ``deferral`` later, in one `write`; a WARNING or worse is written at once, after
    /// the lines gathered before it, so the order is kept and problems show without delay.
    /// ``flushAll()`` writes what waits (the worker calls it when it stops).
    public final class Sink: Sendable {
        private let descriptor: Int32
        private let state = Mutex(Pending())

        private struct Pending {
            var bytes: [UInt8] = []
            var flushScheduled = false
        }

        /// How long a DEBUG or INFO line may wait for company.
        public static let deferral: Duration = .milliseconds(20)
        /// Gathered bytes that are written at once, without waiting.
        static let flushBytes = 32 * 1024

        /// Standard error.
        public static let standardError = Sink(descriptor: 2)

        private static let everySink = Mutex<[Sink]>([])

        init(descriptor: Int32) {
            self.descriptor = descriptor
            Self.everySink.withLock { $0.append(self) }
        }

        /// Appends to `path` (created when missing).
        public convenience init(appendingTo path: String) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard fd >= 0 else {
                throw CocoaError(.fileWriteNoPermission, userInfo: ["NSFilePath": path])
            }
            self.init(descriptor: fd)
        }

        /// Writes every sink's waiting lines now.
        public static func flushAll() {
            for sink in everySink.withLock({ $0 }) { sink.flush() }
        }

        func write(_ line: String) { write(line, urgent: true) }

        /// Adds a line; `urgent` lines go out at once with everything before them. Writes
        /// happen under the lock, so batches reach the file in the order their lines came.
        func write(_ line: String, urgent: Bool) {
            let schedule = state.withLock { pending -> Bool in
                pending.bytes.append(contentsOf: line.utf8)
                pending.bytes.append(UInt8(ascii: "\n"))
                if urgent || pending.bytes.count >= Self.flushBytes {
                    writeAll(pending.bytes)
                    pending.bytes.removeAll(keepingCapacity: true)
                    return false
                }
                if pending.flushScheduled { return false }
                pending.flushScheduled = true
                return true
            }
            if schedule {
                Task.detached { [self] in
                    try? await Task.sleep(for: Self.deferral)
                    self.flush()
                }
            }
        }

        /// Writes the waiting lines now.
        public func flush() {
            state.withLock { pending in
                pending.flushScheduled = false
                if !pending.bytes.isEmpty { writeAll(pending.bytes) }
                pending.bytes.removeAll(keepingCapacity: true)
            }
        }

        /// Writes every byte (a short write continues where it stopped).
        private func writeAll(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
                if written <= 0 { return }
                offset += written
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
        sink.write("[\(Self.timestamp()): \(Self.levelName(event.level))/\(process)] \(event.message)",
                   urgent: event.level >= .warning)
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

    /// The text of the last second formatted, so most lines only add their milliseconds.
    private static let lastSecond = Mutex<(seconds: Int, text: String)>((-1, ""))

    /// `2026-11-26 03:40:00,123` in local time, as Python's logging formats `asctime`.
    static func timestamp() -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        let millis = Int(now.tv_usec / 1000)
        let milliText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        let cached = lastSecond.withLock { $0.seconds == Int(now.tv_sec) ? $0.text : nil }
        if let cached { return cached + milliText }
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)),"
        lastSecond.withLock { $0 = (Int(now.tv_sec), text) }
        return text + milliText
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

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
