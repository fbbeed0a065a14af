import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
@testable import CeleriacWorker
import Foundation
import Testing

/// Chords on the Redis backend, counted with Celery's own scripts.
@Suite("worker chords", .serialized)
struct WorkerChordTests {
    @Test func chordScriptsAreCelerysByteForByte() {
        // The SHA-1s Celery 5.7's workers load (see chord-redis-flow.json for the first).
        #expect(ChordScripts.partReturn.sha1 == "b8fc152c83a7e634103ccebd49dcd3146a8f4366")
        #expect(ChordScripts.cleanup.sha1 == "59d7aab41242d82196947ba8926cab712416da4f")
        #expect(ChordScripts.claimExtend.sha1 == "dc87180d6bcb7f73c7275eb0fe7a70baf0a8b7c7")
    }

    @Test func theLastHeaderPartPublishesTheBodyWithTheResultsInOrder() async throws {
        try await WorkerHarness.with { harness in
            let header = (1...5).map { Signature(task: "demo.mul", args: [.integer($0), 10]) }
            let body = Signature(task: "demo.echo", args: ["done"])
            let result = try await harness.producer.chord(header, body: body)
            #expect(try await result.get(timeout: 30) == ["args": [[10, 20, 30, 40, 50], "done"], "kwargs": [:]])
            // The chord's keys are cleaned up and marked done.
            let meta = try #require(try await result.meta())
            let group = try #require(meta.groupID)
            let keys = ChordPart.Keys(groupID: group)
            // The last part cleans up after it publishes the body, which may finish first.
            try await eventually("the chord's keys are cleaned up") {
                try await harness.client.exists([keys.results, keys.size, keys.dedup]) == 0
            }
            #expect(try await harness.client.getString(keys.claim) == "done")
        }
    }

    @Test func aFailedPartFailsTheBodyWithChordError() async throws {
        try await WorkerHarness.with { harness in
            let header = [Signature(task: "demo.add", args: [1, 2]), Signature(task: "demo.fail", args: ["part"])]
            let result = try await harness.producer.chord(header, body: Signature(task: "demo.xsum"))
            do {
                _ = try await result.get(timeout: 30)
                Issue.record("the chord body ran despite a failed part")
            } catch let failure as TaskFailure {
                #expect(failure.excType == "ChordError")
                #expect(failure.excMessage.first?.stringValue?.hasSuffix("raised DemoError('part')") == true)
            }
        }
    }
}
