#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Child processes inherit the spawning thread's signal mask. Swift concurrency's worker
/// threads block most signals, so a `redis-server` started from an async test would ignore
/// SIGTERM forever. Spawning with the mask cleared on the calling thread avoids that.
enum SignalMask {
    static func withDefaultMask<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }
}
