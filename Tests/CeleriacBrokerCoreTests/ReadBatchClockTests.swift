import CeleriacBrokerCore
import CeleriacRESP
import Testing

/// The server reads the clock once per read from a connection (``BrokerEngine/beginReadBatch()``):
/// every fast command of the batch runs at that time, a command that may run long makes the
/// next one read the clock again, and after the batch each command reads it as before.
@Suite struct ReadBatchClockTests {
    @Test func keyWithOneMillisecondLeftLivesThroughItsBatchAndExpiresAfter() {
        let harness = EngineHarness()
        let client = harness.client()
        harness.engine.beginReadBatch()
        #expect(harness.run(client, "SET", "k", "v", "PX", "1") == .ok)
        // Time passes while the batch runs; its commands still see the batch's time.
        harness.clock.advance(milliseconds: 5)
        #expect(harness.run(client, "GET", "k") == .bulk("v"))
        #expect(harness.run(client, "PTTL", "k") == .integer(1))
        harness.engine.endReadBatch()
        // The next command, outside the batch, reads the clock: the key is gone.
        #expect(harness.run(client, "GET", "k") == .null)
        #expect(harness.engine.keyCount() == 0)
    }

    @Test func nextBatchReadsTheClockAgain() {
        let harness = EngineHarness()
        let client = harness.client()
        harness.engine.beginReadBatch()
        #expect(harness.run(client, "SET", "k", "v", "PX", "1") == .ok)
        harness.engine.endReadBatch()
        harness.clock.advance(milliseconds: 5)
        harness.engine.beginReadBatch()
        #expect(harness.run(client, "GET", "k") == .null)
        harness.engine.endReadBatch()
    }

    @Test func commandThatMayRunLongEndsTheBatchTime() {
        let harness = EngineHarness()
        let client = harness.client()
        #expect(harness.run(client, "SET", "k", "v", "PX", "10") == .ok)
        harness.engine.beginReadBatch()
        harness.clock.advance(milliseconds: 20)
        // A fast command runs at the batch's time, and so does KEYS (not a fast command) ...
        #expect(harness.run(client, "GET", "k") == .bulk("v"))
        #expect(harness.run(client, "KEYS", "*") == .array([.bulk("k")]))
        // ... but the command after KEYS reads the clock again instead of the batch's reading.
        #expect(harness.run(client, "GET", "k") == .null)
        harness.engine.endReadBatch()
    }

    @Test func scriptKeepsItsFrozenTimeInsideABatch() {
        let harness = EngineHarness()
        let client = harness.client()
        harness.engine.beginReadBatch()
        #expect(harness.run(client, "SET", "k", "v", "PX", "1") == .ok)
        harness.clock.advance(milliseconds: 5)
        // The script runs at the batch's time (its calls do not reread the clock) ...
        #expect(harness.run(client, "EVAL", "return redis.call('GET', KEYS[1])", "1", "k") == .bulk("v"))
        // ... and, since a script may run long, the command after it reads the clock.
        #expect(harness.run(client, "GET", "k") == .null)
        harness.engine.endReadBatch()
    }
}
