import CeleriacProtocol
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
            write(urgent: urgent) { bytes in bytes.append(contentsOf: line.utf8) }
        }

        /// Adds a line that `body` appends to the pending bytes (without its newline), under the
        /// lock: a line built in place costs no string of its own (two per task, issue #6).
        func write(urgent: Bool, _ body: (inout [UInt8]) -> Void) {
            let schedule = state.withLock { pending -> Bool in
                body(&pending.bytes)
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
        let level = Self.levelName(event.level)
        let message = event.message.description
        sink.write(urgent: event.level >= .warning) { bytes in
            bytes.append(UInt8(ascii: "["))
            Self.appendTimestamp(to: &bytes)
            bytes.append(contentsOf: ": ".utf8)
            bytes.append(contentsOf: level.utf8)
            bytes.append(UInt8(ascii: "/"))
            bytes.append(contentsOf: process.utf8)
            bytes.append(contentsOf: "] ".utf8)
            bytes.append(contentsOf: message.utf8)
        }
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
    private static let lastSecond = Mutex<(seconds: Int, text: [UInt8])>((-1, []))

    /// Appends `2026-11-26 03:40:00,123` in local time, as Python's logging formats `asctime`.
    static func appendTimestamp(to bytes: inout [UInt8]) {
        var now = timeval()
        gettimeofday(&now, nil)
        let appended = lastSecond.withLock { last -> Bool in
            guard last.seconds == Int(now.tv_sec) else { return false }
            bytes.append(contentsOf: last.text)
            return true
        }
        if !appended {
            var seconds = now.tv_sec
            var parts = tm()
            localtime_r(&seconds, &parts)
            var text: [UInt8] = []
            text.reserveCapacity(20)
            for (value, width, separator) in [(parts.tm_year + 1900, 4, "-"), (parts.tm_mon + 1, 2, "-"), (parts.tm_mday, 2, " "),
                                              (parts.tm_hour, 2, ":"), (parts.tm_min, 2, ":"), (parts.tm_sec, 2, ",")] {
                CeleryDateTime.append(Int(value), width: width, to: &text)
                text.append(contentsOf: separator.utf8)
            }
            lastSecond.withLock { $0 = (Int(now.tv_sec), text) }
            bytes.append(contentsOf: text)
        }
        CeleryDateTime.append(Int(now.tv_usec / 1000), width: 3, to: &bytes)
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
