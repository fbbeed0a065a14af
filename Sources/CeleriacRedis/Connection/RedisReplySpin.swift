#if canImport(Glibc)
import Glibc
#endif

/// Busy-polling a connection's socket for a reply that is expected within microseconds,
/// instead of letting the event loop sleep in `epoll_wait` and be woken for it.
///
/// Why: a caller on the connection's loop that awaits one short command after another (a
/// producer's `send` loop under the event-loop executor, a pinned connection) pays one wake-up
/// per reply. On an idle virtual machine a sleeping vCPU halts, and waking it costs tens of
/// microseconds: such a loop ran 15,000-19,000/s on an idle 2-vCPU VM and 45,000/s on the same
/// VM loaded, and 26,000-48,000/s idle with this poll (Benchmarks/EVENT-LOOP-EXECUTOR.md).
///
/// Adaptive: a poll that sees no reply within the budget (a server sharing this vCPU, a remote
/// or slow one, a loaded machine) turns polling off for the next command, then 2, 4 ... 1,024.
/// Event-loop confined, like the handler that owns it.
struct RedisReplySpin {
    /// How long one poll may last, in nanoseconds.
    let budget: UInt64
    /// The socket polled (the channel's own descriptor; only read with `poll`).
    let descriptor: Int32
    /// Commands still to send without polling after a miss.
    private var skip = 0
    /// How many commands the next miss skips.
    private var penalty = 1
    /// Whether a poll task is queued on the loop or running.
    private(set) var isScheduled = false
    /// Polls that found the reply, and polls that gave up (for tests and diagnostics).
    private(set) var hits = 0
    private(set) var misses = 0

    init(budget: UInt64, descriptor: Int32) {
        self.budget = budget
        self.descriptor = descriptor
    }

    /// Whether a command just written should be followed by a poll (and marks it scheduled).
    mutating func shouldPoll() -> Bool {
        guard !isScheduled else { return false }
        if skip > 0 {
            skip -= 1
            return false
        }
        isScheduled = true
        return true
    }

    /// Polls the socket until it is readable (or hung up) or the budget is spent; returns
    /// whether it became readable, and remembers a miss.
    mutating func poll() -> Bool {
        isScheduled = false
        let start = Self.now()
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        repeat {
            if isReadable(&entry) {
                penalty = 1
                hits &+= 1
                return true
            }
        } while Self.now() &- start < budget
        misses &+= 1
        skip = penalty
        penalty = min(penalty &* 2, 1_024)
        return false
    }

    /// Forgets a scheduled poll that will not run (the connection closed).
    mutating func cancel() { isScheduled = false }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}

/// Whether the socket has something to read (or hung up), without waiting. At file scope so
/// that `poll` is the C function, not ``RedisReplySpin/poll()``.
private func isReadable(_ entry: inout pollfd) -> Bool {
    entry.revents = 0
    return poll(&entry, 1, 0) != 0
}
