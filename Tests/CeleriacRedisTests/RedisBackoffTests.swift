import Testing

@testable import CeleriacRedis

@Suite("Reconnect backoff")
struct RedisBackoffTests {
    let backoff = RedisBackoff(base: .milliseconds(100), cap: .seconds(2), jitter: 0.5)

    @Test func growsExponentiallyWithoutJitter() {
        #expect(backoff.delay(afterFailures: 1, random: 0) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2, random: 0) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 4, random: 0) == .milliseconds(800))
    }

    @Test func isCapped() {
        #expect(backoff.delay(afterFailures: 6, random: 0) == .seconds(2))
        #expect(backoff.delay(afterFailures: 10_000, random: 0) == .seconds(2))
    }

    @Test func jitterOnlyShortens() {
        // random 1 takes the full jitter fraction off; the delay stays within [d*(1-j), d].
        #expect(backoff.delay(afterFailures: 2, random: 0.999_999) > .milliseconds(99))
        #expect(backoff.delay(afterFailures: 2, random: 0.999_999) < .milliseconds(101))
        #expect(backoff.delay(afterFailures: 2, random: 0.5) == .milliseconds(150))
    }

    @Test func noDelayBeforeAnyFailure() {
        #expect(backoff.delay(afterFailures: 0, random: 0.3) == .zero)
    }
}
