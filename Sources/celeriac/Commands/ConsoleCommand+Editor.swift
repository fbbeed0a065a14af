import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

extension ConsoleCommand {
    /// Opens `text` in the user's editor (`$VISUAL`, `$EDITOR`, else `vi`) on a temporary file
    /// and returns what was saved: nil when the editor failed or the file was left unchanged
    /// (then nothing is sent). The editor runs through the shell (`system`), which also keeps
    /// Ctrl-C inside the editor from reaching the console.
    static func edit(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-edit-\(UUID().uuidString).json")
        guard FileManager.default.createFile(atPath: file.path, contents: Data((text + "\n").utf8)) else { return nil }
        defer { try? FileManager.default.removeItem(at: file) }
        // The editor setting may carry its own arguments (`code --wait`), as git allows.
        let status = system("\(editor) '\(file.path.replacingScalar("'", with: "'\\''"))'")
        guard status == 0, let data = FileManager.default.contents(atPath: file.path),
              let edited = String(data: data, encoding: .utf8) else { return nil }
        let trimmed = edited.trimmingWhitespaceAndNewlines()
        return trimmed == text.trimmingWhitespaceAndNewlines() ? nil : trimmed
    }
}
