import Foundation
import Synchronization

/// Writes every input a data source hands to the model as one JSON line (the `RecordedInput`
/// format), so `--replay FILE` can play the session back. Lines are written as they come, so a
/// recording cut short by a crash is still readable up to its last line.
public final class InputRecorder: Sendable {
    private struct State {
        var handle: FileHandle?
        var error: String?
        var lines = 0
    }

    /// The file written.
    public let path: String
    private let state: Mutex<State>

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws(RecorderError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw RecorderError(message: "cannot create the recording \(path)")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw RecorderError(message: "cannot open the recording \(path) for writing")
        }
        state = Mutex(State(handle: handle))
    }

    /// Appends one input. After a write error recording stops and ``error`` says why.
    public func record(_ input: RecordedInput) {
        let line = Array((input.line() + "\n").utf8)
        state.withLock { state in
            guard let handle = state.handle else { return }
            do {
                try handle.write(contentsOf: line)
                state.lines += 1
            } catch {
                state.error = "writing \(path) failed after \(state.lines) lines: \(error)"
                try? handle.close()
                state.handle = nil
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
            guard let handle = state.handle else { return }
            do {
                try handle.synchronize()
                try handle.close()
            } catch {
                state.error = state.error ?? "closing \(path) failed: \(error)"
            }
            state.handle = nil
        }
    }
}

/// The recording file cannot be written.
public struct RecorderError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
