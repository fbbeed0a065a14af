#if os(Linux)
import Celeriac
import Foundation
import Testing

/// `ResidentCode.releaseStartupPages()` drops the executable's read-only pages from the
/// process's page tables and nothing else: code keeps running, written data keeps its values.
@Suite("ResidentCode")
struct ResidentCodeTests {
    /// Written at run time: a release that wrongly advised the writable segment would bring back
    /// the file's initial value.
    nonisolated(unsafe) static var written = 0

    @Test func releasesTheExecutablesReadOnlyPagesAndKeepsWrittenData() throws {
        Self.written = 41
        let before = try Self.residentKiB(permissions: "r-xp")
        let advised = ResidentCode.releaseStartupPages()
        let after = try Self.residentKiB(permissions: "r-xp")
        #expect(advised > 0)
        // The test binary's code runs on: only what it touches from here on comes back.
        #expect(after < before, "code resident before \(before) KiB, after \(after) KiB")
        Self.written += 1
        #expect(Self.written == 42)
        // Again, with the pages coming back as the test runs: still safe.
        #expect(ResidentCode.releaseStartupPages() == advised)
    }

    /// Resident KiB of the executable's mappings with the given permissions, from /proc/self/smaps.
    static func residentKiB(permissions: String) throws -> Int {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var total = 0
        var counting = false
        for line in try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 2, first.first?.isHexDigit == true {
                counting = fields.count >= 6 && fields[1] == permissions && fields[5...].joined(separator: " ") == executable
            } else if counting, fields.first == "Rss:", fields.count >= 2, let value = Int(fields[1]) {
                total += value
            }
        }
        return total
    }
}
#endif
