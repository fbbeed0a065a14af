import CeleriacWorker
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("parent lifeline")
struct ParentLifelineTests {
    @Test(.timeLimit(.minutes(1))) func closingTheWriteEndEndsTheWatch() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let closed = AsyncStream<Void>.makeStream()
        #expect(ParentLifeline.watch(descriptor: ends[0]) { closed.continuation.yield() })
        // Bytes on the lifeline are not an ending.
        var byte: UInt8 = 1
        #expect(write(ends[1], &byte, 1) == 1)
        close(ends[1])
        var iterator = closed.stream.makeAsyncIterator()
        let ended: Void? = await iterator.next()
        #expect(ended != nil)
    }

    /// A closed number can be reused at once by a test running in parallel, so the descriptors
    /// here are ones no process can have open: negative, and past the descriptor table.
    @Test func aDescriptorThatCannotBeOpenIsRefused() {
        #expect(!ParentLifeline.watch(descriptor: -1) {})
        #expect(!ParentLifeline.watch(descriptor: Int32(getdtablesize()) + 1) {})
    }
}
