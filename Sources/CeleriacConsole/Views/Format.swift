import CeleriacProtocol

/// Number and time formatting shared by the views (fixed, locale-free, so frames are stable).
public enum Format {
    /// The epoch time as a date, rounded to the microsecond as Python's `datetime` rounds it
    /// (binary floats such as 0.51 are a hair below their decimal).
    static func date(_ time: Double) -> CeleryDateTime {
        guard time.isFinite, abs(time) < 1e15 else { return CeleryDateTime(epochMicroseconds: 0) }
        return CeleryDateTime(epochMicroseconds: Int64((time * 1_000_000).rounded()))
    }

    /// `12:34:56` (UTC) for an epoch time.
    public static func clock(_ time: Double) -> String {
        let d = date(time)
        return two(d.hour) + ":" + two(d.minute) + ":" + two(d.second)
    }

    /// `2026-11-26 12:34:56.123` (UTC).
    public static func dateTime(_ time: Double) -> String {
        let d = date(time)
        let millis = d.microsecond / 1000
        return "\(d.year)-\(two(d.month))-\(two(d.day)) \(two(d.hour)):\(two(d.minute)):\(two(d.second))."
            + String(repeating: "0", count: millis < 10 ? 2 : millis < 100 ? 1 : 0) + "\(millis)"
    }

    /// `the datetime` as Python prints `datetime.fromtimestamp(t, timezone.utc)`.
    public static func pythonDateTime(_ time: Double) -> String {
        let d = date(time)
        let micro = String(d.microsecond)
        let fraction = d.microsecond == 0 ? "" : "." + String(repeating: "0", count: 6 - micro.count) + micro
        return "\(d.year)-\(two(d.month))-\(two(d.day)) \(two(d.hour)):\(two(d.minute)):\(two(d.second))\(fraction)+00:00"
    }

    /// A duration: `850ms`, `1.25s`, `42s`, `3m12s`, `2h05m`, `3d04h`.
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "-" }
        let s = max(0, seconds)
        if s < 1 { return "\(Int((s * 1000).rounded()))ms" }
        if s < 10 { return fixed(s, 2) + "s" }
        if s < 60 { return "\(Int(s.rounded(.down)))s" }
        let total = Int(s.rounded(.down))
        if total < 3600 { return "\(total / 60)m\(two(total % 60))s" }
        if total < 86400 { return "\(total / 3600)h\(two(total % 3600 / 60))m" }
        return "\(total / 86400)d\(two(total % 86400 / 3600))h"
    }

    /// A queue's time to drain: `empty` when nothing waits, `-` when nothing drains it.
    public static func drain(_ queue: QueueRecord, now: Double) -> String {
        queue.depth == 0 ? "empty" : duration(queue.timeToDrain(now: now))
    }

    /// How long a queue's oldest message waited: `42s`, `≥42s` for a lower bound, `-` unknown.
    public static func latency(_ latency: QueueLatency?) -> String {
        guard let latency else { return "-" }
        return (latency.isExact ? "" : "≥") + duration(latency.age)
    }

    /// What the queues' In/s figures count, for a box title.
    public static func inflowNote(_ queues: [QueueRecord]) -> String {
        let sent = queues.filter(\.countsSent).count
        if sent == 0 { return "in/s = task-received + depth growth (no task-sent events)" }
        if sent == queues.count { return "in/s from task-sent events" }
        return "in/s from task-sent events where seen, else task-received + depth growth"
    }

    /// `d` with `places` decimals, rounded half away from zero.
    public static func fixed(_ d: Double, _ places: Int) -> String {
        guard d.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(d) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled) - whole * Int(scale)
        let sign = d < 0 && scaled > 0 ? "-" : ""
        guard places > 0 else { return sign + "\(whole)" }
        let digits = String(fraction)
        return sign + "\(whole)." + String(repeating: "0", count: places - digits.count) + digits
    }

    /// A rate per second: `0`, `0.35`, `12.5`, `1.2k`.
    public static func rate(_ value: Double) -> String {
        if value <= 0 { return "0" }
        if value < 10 { return fixed(value, 2) }
        if value < 1000 { return fixed(value, 1) }
        return fixed(value / 1000, 1) + "k"
    }

    /// A percentage: `4%`, `0.5%`, `-` for nil.
    public static func percent(_ ratio: Double?) -> String {
        guard let ratio else { return "-" }
        let p = ratio * 100
        return (p > 0 && p < 1 ? fixed(p, 1) : "\(Int(p.rounded()))") + "%"
    }

    /// A task id shortened to its first `length` characters.
    public static func shortID(_ id: String, _ length: Int = 8) -> String { String(id.prefix(length)) }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
