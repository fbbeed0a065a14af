@testable import Celeriac
import Synchronization
import Testing

/// Requests that arrive while a batch is in flight go out together in the next one, and each
/// caller gets its own outcome.
@Suite("group commit")
struct GroupCommitTests {
    @Test func requestsArrivingDuringAFlushShareTheNextBatch() async throws {
        let (gate, open) = AsyncStream<Void>.makeStream()
        let batches = Mutex<[[Int]]>([])
        let commit = GroupCommit<Int, Int>(limit: 100) { items in
            let first = batches.withLock { list -> Bool in
                list.append(items)
                return list.count == 1
            }
            if first { for await _ in gate { break } }
            return items.map { .success($0 * 2) }
        }
        let lone = Task { try await commit.submit(0).get() }
        try await eventually("the first batch in flight") { batches.withLock { $0.count } == 1 }
        let others = (1...10).map { value in Task { try await commit.submit(value).get() } }
        try await eventually("ten requests waiting") { commit.waitingCount == 10 }
        open.yield()
        #expect(try await lone.value == 0)
        for (index, task) in others.enumerated() { #expect(try await task.value == (index + 1) * 2) }
        let seen = batches.withLock { $0 }
        #expect(seen.count == 2)
        #expect(seen.first == [0])
        #expect(Set(seen.last ?? []) == Set(1...10))
    }
}
