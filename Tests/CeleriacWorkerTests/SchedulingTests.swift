import CeleriacWorker
import Testing

@Suite("worker scheduling pieces")
struct SchedulingTests {
    @Test func tokenBucketHasCapacityOneLikeCelery() {
        var bucket = TokenBucket(rate: 10.0 / 60)  // "10/m": one every 6 s, no burst
        var granted: [Bool] = []
        granted.append(bucket.take(now: 100))
        granted.append(bucket.take(now: 100))
        let wait = bucket.waitTime(now: 103)
        granted.append(bucket.take(now: 105.9))
        granted.append(bucket.take(now: 106.1))
        // A long idle period does not build up a burst.
        granted.append(bucket.take(now: 1000))
        granted.append(bucket.take(now: 1000.1))
        #expect(granted == [true, false, false, true, true, false])
        #expect(abs(wait - 3) < 1e-9)
    }

    @Test func tokenBucketWithoutRateNeverWaits() {
        var bucket = TokenBucket(rate: 0)
        var granted = (0..<100).map { _ in bucket.take(now: 1) }
        #expect(granted.allSatisfy { $0 })
        bucket.setRate(1)
        granted = [bucket.take(now: 2), bucket.take(now: 2.5)]
        #expect(granted == [true, false])
    }

    @Test func revokedSetIsBoundedBySizeAndAge() {
        var revoked = RevokedSet(maxSize: 3, ttl: 100)
        for (index, id) in ["a", "b", "c", "d"].enumerated() { revoked.insert(id, now: Double(index)) }
        #expect(revoked.ids == ["b", "c", "d"])
        let found = [revoked.contains("a", now: 5), revoked.contains("b", now: 5), revoked.contains("b", now: 102)]
        #expect(found == [false, true, false])
        #expect(revoked.ids == ["c", "d"])
        // Refreshing an id moves it to the young end.
        revoked.insert("c", now: 103)
        #expect(revoked.ids == ["d", "c"])
        #expect(revoked.count == 2)
    }

    @Test func etaSchedulerReleasesInTimeThenArrivalOrder() {
        var scheduler = ETAScheduler<String>()
        scheduler.schedule("late", at: 20)
        scheduler.schedule("first", at: 10)
        scheduler.schedule("second", at: 10)
        #expect(scheduler.nextDue == 10)
        let early = scheduler.popDue(now: 9)
        let due = scheduler.popDue(now: 10)
        #expect(early.isEmpty)
        #expect(due == ["first", "second"])
        #expect(scheduler.items.map(\.item) == ["late"])
        scheduler.schedule("keep", at: 30)
        let removed = scheduler.remove { $0 == "late" }
        #expect(removed == ["late"])
        #expect(scheduler.count == 1)
        let rest = scheduler.popDue(now: 100)
        #expect(rest == ["keep"])
        #expect(scheduler.nextDue == nil)
    }

    @Test func backoffDoublesUpToTheCap() {
        var rng = SystemRandomNumberGenerator()
        let plain = [
            RetryBackoff.delay(factor: 1, retries: 0, maximum: 600, fullJitter: false, using: &rng),
            RetryBackoff.delay(factor: 1, retries: 3, maximum: 600, fullJitter: false, using: &rng),
            RetryBackoff.delay(factor: 2, retries: 20, maximum: 600, fullJitter: false, using: &rng),
        ]
        #expect(plain == [1, 8, 600])
        for retries in 0..<10 {
            let jittered = RetryBackoff.delay(factor: 1, retries: retries, maximum: 60, fullJitter: true, using: &rng)
            #expect(jittered >= 0 && jittered <= min(60, Double(1 << retries)))
        }
    }

    @Test func nodeNamesExpandAsCeleryDoes() {
        #expect(NodeName.expand("w1@%h", hostname: "box.example.com") == "w1@box.example.com")
        #expect(NodeName.expand("w1@%n", hostname: "box.example.com") == "w1@box")
        #expect(NodeName.expand("%n-%d@x", hostname: "box.example.com") == "box-example.com@x")
        #expect(NodeName.expand("worker", hostname: "box") == "worker@box")
        #expect(NodeName.expand("100%%@h", hostname: "box") == "100%@h")
        #expect(NodeName.defaultName(hostname: "box") == "celeriac@box")
    }
}
