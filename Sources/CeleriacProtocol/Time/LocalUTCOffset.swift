#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local time zone's offset from UTC, read from the C library (`localtime_r`'s
/// `tm_gmtoff`). `TimeZone.current` gives the same figure, but on Linux it loads ICU's zone
/// data: about 4.5 MB of resident memory in a process that needs one number (Celery's
/// `utcoffset` field of every event).
public enum LocalUTCOffset {
    /// Seconds east of UTC at `time` (now by default).
    public static func secondsEast(at time: Int? = nil) -> Int {
        var seconds = time.map { time_t($0) } ?? Glibc.time(nil)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff)
    }

    /// Celery's `utcoffset` field: hours west of UTC, the sign Python's `time.timezone` has.
    public static func celeryHours(at time: Int? = nil) -> Double {
        Double(-secondsEast(at: time)) / 3600
    }
}
