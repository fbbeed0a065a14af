#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes every input a data source hands to the model as one JSON line (the `RecordedInput`
/// format), so `--replay FILE` can play the session back. Lines are written as they come, so a
/// recording cut short by a crash is still readable up to its last line.
public final class InputRecorder: Sendable {
    private struct State {
        // A plain descriptor, not Foundation's FileHandle: the binary links FoundationEssentials
        // only, which saves an idle worker 3 MiB resident (issue #6).
        var descriptor: Int32?
        var error: String?
        var lines = 0
    }

    /// The file written.
    public let path: String
    private let state: Mutex<State>

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws(RecorderError) {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RecorderError(message: "cannot create the recording \(path): \(String(cString: strerror(errno)))")
        }
        state = Mutex(State(descriptor: descriptor))
    }

    /// Appends one input. After a write error recording stops and ``error`` says why.
    public func record(_ input: RecordedInput) {
        let line = Array((input.line() + "\n").utf8)
        state.withLock { state in
            guard let descriptor = state.descriptor else { return }
            if let failure = Self.writeAll(line, to: descriptor) {
                state.error = "writing \(path) failed after \(state.lines) lines: \(failure)"
                _ = Glibc.close(descriptor)
                state.descriptor = nil
            } else {
                state.lines += 1
            }
        }
    }

    /// Why recording stopped early, if it did.
    public var error: String? { state.withLock { $0.error } }

    /// Lines written so far.
    public var lineCount: Int { state.withLock { $0.lines } }

    /// Flushes and closes the file; later inputs are not recorded.
    public func close() {
        state.withLock { state in
            guard let descriptor = state.descriptor else { return }
            let synced = fsync(descriptor) == 0 ? nil : String(cString: strerror(errno))
            let closed = Glibc.close(descriptor) == 0 ? nil : String(cString: strerror(errno))
            if let failure = synced ?? closed {
                state.error = state.error ?? "closing \(path) failed: \(failure)"
            }
            state.descriptor = nil
        }
    }

    /// Writes every byte (a short write continues, EINTR retries); the error text when it fails.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return written < 0 ? String(cString: strerror(errno)) : "the file took no bytes"
            }
        }
        return nil
    }
}

/// The recording file cannot be written.
public struct RecorderError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
