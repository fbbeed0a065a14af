#if canImport(Glibc)
import Glibc
#endif

/// Line-at-a-time output written straight to the file descriptor, so it is never held back
/// in a buffer even when stdout is a pipe or a file (Swift's `print` is block-buffered there).
enum FileHandleOutput {
    static func standardOutput(_ line: String) { write(line, to: 1) }

    static func standardError(_ line: String) { write(line, to: 2) }

    /// A prompt on stderr without a newline, so the answer is typed on the same line.
    static func standardErrorPrompt(_ text: String) { writeRaw(text, to: 2) }

    private static func write(_ line: String, to descriptor: Int32) {
        var text = line
        if !text.hasSuffix("\n") { text += "\n" }
        writeRaw(text, to: descriptor)
    }

    private static func writeRaw(_ line: String, to descriptor: Int32) {
        var text = line
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress?.advanced(by: offset), bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
