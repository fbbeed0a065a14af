#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A date and time as Celery writes it with Python's `datetime.isoformat()`:
/// `2026-11-25T05:40:46.453243+00:00`, with `.ffffff` left out when the microseconds are 0.
///
/// Used for `eta`, `expires`, `date_done` and kombu's tagged `datetime` values.
public struct CeleryDateTime: Sendable, Hashable, CustomStringConvertible {
    /// Calendar fields, as Python's `datetime` holds them (in local time of the offset).
    public var year: Int, month: Int, day: Int
    /// Time of day.
    public var hour: Int, minute: Int, second: Int, microsecond: Int
    /// Offset from UTC in seconds (east positive, as in ISO 8601); nil for a naive datetime.
    public var utcOffsetSeconds: Int?

    /// A datetime from its fields.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                microsecond: Int = 0, utcOffsetSeconds: Int? = 0)
    {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The UTC datetime `microseconds` after the Unix epoch.
    public init(epochMicroseconds: Int64) {
        let (days, dayMicros) = Self.floorDivide(epochMicroseconds, 86_400_000_000)
        let (y, m, d) = Self.civil(fromDays: days)
        let seconds = Int(dayMicros / 1_000_000)
        self.init(year: y, month: m, day: d, hour: seconds / 3600, minute: seconds / 60 % 60,
                  second: seconds % 60, microsecond: Int(dayMicros % 1_000_000), utcOffsetSeconds: 0)
    }

    /// The UTC datetime of a Unix time in seconds, rounded to the microsecond as Python does.
    /// Times outside years 1–9999 (Python's range) are clamped to it; NaN counts as the epoch.
    public init(timeIntervalSince1970 seconds: Double) {
        let micros = (seconds * 1_000_000).rounded(.toNearestOrEven)
        guard !micros.isNaN else {
            self.init(epochMicroseconds: 0)
            return
        }
        let clamped = Swift.max(Swift.min(micros, 253_402_300_799_000_000), -62_135_596_800_000_000)
        self.init(epochMicroseconds: Int64(clamped))
    }

    /// The UTC datetime of a `Date`.
    public init(date: Date) {
        self.init(timeIntervalSince1970: date.timeIntervalSince1970)
    }

    /// Microseconds since the Unix epoch; a naive datetime counts as UTC.
    public var epochMicroseconds: Int64 {
        let days = Int64(Self.days(fromCivil: year, month, day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(utcOffsetSeconds ?? 0)
        return seconds * 1_000_000 + Int64(microsecond)
    }

    /// Seconds since the Unix epoch.
    public var timeIntervalSince1970: Double {
        Double(epochMicroseconds) / 1_000_000
    }

    /// The instant as a `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: timeIntervalSince1970)
    }

    /// Python's `isoformat()`: `YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]`.
    public var isoformat: String {
        // Written byte by byte into one buffer: every result and event a worker stores carries
        // one, and joining a dozen small strings cost an allocation each.
        var text: [UInt8] = []
        text.reserveCapacity(32)
        Self.append(year, width: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        Self.append(month, width: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        Self.append(day, width: 2, to: &text)
        text.append(UInt8(ascii: "T"))
        Self.append(hour, width: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        Self.append(minute, width: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        Self.append(second, width: 2, to: &text)
        if microsecond != 0 {
            text.append(UInt8(ascii: "."))
            Self.append(microsecond, width: 6, to: &text)
        }
        if let offset = utcOffsetSeconds {
            text.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = abs(offset)
            Self.append(magnitude / 3600, width: 2, to: &text)
            text.append(UInt8(ascii: ":"))
            Self.append(magnitude / 60 % 60, width: 2, to: &text)
            if magnitude % 60 != 0 {
                text.append(UInt8(ascii: ":"))
                Self.append(magnitude % 60, width: 2, to: &text)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { isoformat }

    /// Appends `value` in decimal, zero-padded to `width` digits (more when it needs more), as
    /// Python's `%0Nd`; a negative value keeps its sign ahead of the digits. Also what the
    /// worker's log timestamps are written with.
    public static func append(_ value: Int, width: Int, to text: inout [UInt8]) {
        if value < 0 {
            text.append(UInt8(ascii: "-"))
            append(-value, width: max(0, width - 1), to: &text)
            return
        }
        var divisor = 1
        var digits = 1
        while value / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        if digits < width { text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits)) }
        while divisor > 0 {
            text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, as Python's datetime)

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
