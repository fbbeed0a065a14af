@testable import CeleriacWorker
import Testing

/// The autoscaler's decisions, as Celery's `Autoscaler._maybe_scale` and `update` make them.
@Suite("process pool autoscaler")
struct PoolAutoscalerTests {
    @Test func growsToTheHeldRequestsUpToMax() {
        var scaler = PoolAutoscaler(max: 4, min: 1)
        #expect(scaler.change(held: 3, processes: 1, now: 0) == 2)
        #expect(scaler.change(held: 10, processes: 3, now: 1) == 1)
        #expect(scaler.change(held: 10, processes: 4, now: 2) == 0)
    }

    @Test func shrinksToMinOnlyAfterTheKeepalive() {
        var scaler = PoolAutoscaler(max: 4, min: 2, keepalive: 30)
        #expect(scaler.change(held: 4, processes: 2, now: 0) == 2)
        #expect(scaler.change(held: 0, processes: 4, now: 10) == 0)
        #expect(scaler.change(held: 0, processes: 4, now: 31) == -2)
        // A fresh request resets the keepalive.
        #expect(scaler.change(held: 1, processes: 4, now: 40) == 0)
        #expect(scaler.change(held: 0, processes: 4, now: 60) == 0)
        #expect(scaler.change(held: 0, processes: 4, now: 71) == -2)
    }

    @Test func neverShrinksBeforeAnyWork() {
        var scaler = PoolAutoscaler(max: 4, min: 1)
        #expect(scaler.change(held: 0, processes: 3, now: 1_000) == 0)
    }

    @Test func updateBringsThePoolWithinTheNewBounds() {
        var scaler = PoolAutoscaler(max: 4, min: 1)
        #expect(scaler.update(max: 2, min: nil, processes: 3) == 2)
        #expect(scaler.max == 2)
        #expect(scaler.update(max: 6, min: 3, processes: 2) == 3)
        #expect(scaler.update(max: nil, min: nil, processes: 3) == nil)
        #expect((scaler.max, scaler.min) == (6, 3))
    }
}
