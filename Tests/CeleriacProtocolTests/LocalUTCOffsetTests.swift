import CeleriacProtocol
import Foundation
import Testing

/// The offset events carry as `utcoffset`, read from the C library instead of `TimeZone`.
@Suite("local UTC offset", .serialized)
struct LocalUTCOffsetTests {
    /// Runs `body` with the process's TZ set to `zone` (POSIX rules, so no tzdata is needed),
    /// then puts the old one back.
    private func inZone(_ zone: String, _ body: () -> Void) {
        let old = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", zone, 1)
        tzset()
        body()
        if let old { setenv("TZ", old, 1) } else { unsetenv("TZ") }
        tzset()
    }

    @Test func aZoneEastOfUTCGivesCelerysNegativeHours() {
        inZone("IST-5:30") {
            #expect(LocalUTCOffset.secondsEast(at: 1_764_000_000) == 19_800)
            #expect(LocalUTCOffset.celeryHours(at: 1_764_000_000) == -5.5)
        }
    }

    @Test func daylightSavingTimeIsTheOffsetAtThatInstant() {
        inZone("EST5EDT,M3.2.0,M11.1.0") {
            // 2025-01-15 (EST, UTC-5) and 2025-07-15 (EDT, UTC-4).
            #expect(LocalUTCOffset.secondsEast(at: 1_736_899_200) == -18_000)
            #expect(LocalUTCOffset.secondsEast(at: 1_752_537_600) == -14_400)
            #expect(LocalUTCOffset.celeryHours(at: 1_752_537_600) == 4)
        }
    }

    @Test func utcIsZero() {
        inZone("UTC0") { #expect(LocalUTCOffset.secondsEast(at: 1_764_000_000) == 0) }
    }
}
