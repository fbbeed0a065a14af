#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with a condition variable, as Foundation's `NSCondition` (which FoundationEssentials
/// lacks; see ``OSThread``): `wait()` must be called with the lock held and may wake spuriously,
/// so callers wait in a loop on their own predicate.
final class ThreadCondition: @unchecked Sendable {
    // @unchecked Sendable: pthread objects are made to be shared between threads; they live at
    // fixed addresses (allocated here) because pthreads forbids moving them.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }

    func unlock() { pthread_mutex_unlock(mutex) }

    /// Releases the lock until signalled (or a spurious wake-up), then holds it again.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Wakes one waiter.
    func signal() { pthread_cond_signal(condition) }
}
