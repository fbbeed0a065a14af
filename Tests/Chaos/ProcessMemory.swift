import Foundation

/// Resident set sizes read from `/proc`, for the memory columns of the reports.
enum ProcessMemory {
    /// `VmRSS` of `pid` in kilobytes, nil when the process is gone.
    static func residentKilobytes(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// Kilobytes as `12.3 MB`.
    static func format(_ kilobytes: Int?) -> String {
        guard let kilobytes else { return "-" }
        return String(format: "%.1f MB", Double(kilobytes) / 1024)
    }
}

/// A failed run or setup, with what went wrong.
struct ChaosError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a line to stdout at once (`print` is block-buffered when stdout is a file or pipe,
/// and a run's progress must show as it happens).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
