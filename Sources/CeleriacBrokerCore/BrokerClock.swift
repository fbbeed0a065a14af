#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the engine reads wall-clock time: expiries, `TIME`, blocking timeouts and the
/// deadlines Lua scripts compute all use it, so tests can inject a clock they move by hand.
public protocol BrokerClock: AnyObject {
    /// Microseconds since the Unix epoch.
    func nowMicroseconds() -> Int64
}

/// The real clock (`CLOCK_REALTIME`).
public final class SystemBrokerClock: BrokerClock {
    public init() {}

    public func nowMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}

/// A clock that moves only when told to, for deterministic tests of expiry and timeouts.
/// Like the engine it is confined to one thread.
public final class ManualBrokerClock: BrokerClock {
    /// Microseconds since the Unix epoch.
    public var microseconds: Int64

    /// Starts at `milliseconds` since the epoch (default: 2026-01-01T00:00:00Z).
    public init(milliseconds: Int64 = 1_767_225_600_000) {
        microseconds = milliseconds * 1000
    }

    public func nowMicroseconds() -> Int64 { microseconds }

    /// Moves the clock forward.
    public func advance(milliseconds: Int64) {
        microseconds += milliseconds * 1000
    }
}
