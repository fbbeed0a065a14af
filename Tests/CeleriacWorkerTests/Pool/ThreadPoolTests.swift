import CeleriacProtocol
@testable import CeleriacWorker
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The threads pool on its own: task bodies that block their thread (a blocking `read`, a
/// `usleep` loop) run side by side on the pool's threads, the limits reach them, and a thread
/// stuck in code that ignores cancellation is replaced, never reused.
@Suite("thread pool", .serialized)
struct ThreadPoolTests {
    @Test func fourBlockingBodiesRunAtOnceOnFourThreads() async throws {
        let gate = try BlockingGate()
        defer { gate.close() }
        let pool = ThreadPool(threads: 4)
        pool.start()
        defer { pool.stop() }
        let task = gate.task(name: "test.block")
        let outcomes = try await withThrowingTaskGroup(of: ExecutionOutcome.self) { group in
            for index in 0..<4 {
                group.addTask {
                    await pool.run(task, context: TaskContext(id: "block-\(index)", name: task.name, args: []), softLimit: nil, hardLimit: nil,
                                   handle: RunningTask())
                }
            }
            // Two cooperative threads could hold two blocked bodies at most: four entered
            // means four threads of the pool block at once, and this test still runs.
            try await eventually("four bodies blocked at once") { gate.entered == 4 }
            gate.open(4)
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 4)
        for outcome in outcomes {
            guard case .succeeded(let value, _) = outcome else {
                Issue.record("a body did not succeed: \(outcome)")
                continue
            }
            #expect(value["released"] == true)
            #expect(value["thread"]?.stringValue?.hasPrefix("pool-thread-") == true, "\(value)")
        }
        #expect(Set(outcomes.compactMap { if case .succeeded(let value, _) = $0 { value["thread"] } else { nil } }).count == 4)
    }

    @Test func aBodyIgnoringItsHardLimitKeepsItsThreadAndANewOneTakesItsPlace() async throws {
        let gate = try BlockingGate()
        defer { gate.close() }
        let pool = ThreadPool(threads: 1)
        pool.start()
        defer { pool.stop() }
        let stuck = gate.task(name: "test.stuck")
        let outcome = await pool.run(stuck, context: TaskContext(id: "stuck", name: stuck.name, args: []), softLimit: nil, hardLimit: 0.2,
                                     handle: RunningTask())
        guard case .timeLimitExceeded(let limit, let abandoned, _) = outcome else {
            Issue.record("expected the hard limit, got \(outcome)")
            return
        }
        #expect(limit == 0.2)
        #expect(abandoned)
        #expect(pool.stuckCount == 1)
        #expect(pool.threadCount == 1)
        // The one slot works on a new thread while the old one still blocks.
        let echo = RegisteredTask(name: "test.thread") { _ in .string(currentThreadName()) }
        let next = await pool.run(echo, context: TaskContext(id: "next", name: echo.name, args: []), softLimit: nil, hardLimit: nil,
                                  handle: RunningTask())
        guard case .succeeded(let name, _) = next else {
            Issue.record("the next task did not succeed: \(next)")
            return
        }
        #expect(name.stringValue?.hasPrefix("pool-thread-") == true)
        #expect(gate.threads.count == 1 && !gate.threads.contains(name.stringValue ?? ""), "\(gate.threads) vs \(name)")
        #expect(pool.stuckCount == 1)
        gate.open(1)
        try await eventually("the stuck thread returned and ended") { pool.stuckCount == 0 }
    }

    @Test func theSoftLimitAndTerminateCancelABlockingBody() async throws {
        let pool = ThreadPool(threads: 2)
        pool.start()
        defer { pool.stop() }
        let block = RegisteredTask(name: "test.nap") { _ in
            // usleep holds the thread; the cancellation check between naps is how it stops.
            for _ in 0..<3_000 {
                try Task.checkCancellation()
                usleep(10_000)
            }
            return .null
        }
        let soft = await pool.run(block, context: TaskContext(id: "soft", name: block.name, args: []), softLimit: 0.2, hardLimit: nil,
                                  handle: RunningTask())
        guard case .failed(let info, _, _) = soft else {
            Issue.record("expected SoftTimeLimitExceeded, got \(soft)")
            return
        }
        #expect(info == .softTimeLimitExceeded)
        let handle = RunningTask()
        async let terminated = pool.run(block, context: TaskContext(id: "term", name: block.name, args: []), softLimit: nil, hardLimit: nil,
                                        handle: handle)
        try await Task.sleep(for: .milliseconds(100))
        handle.terminate(signal: 15)
        let outcome = await terminated
        guard case .terminated(let signal, _) = outcome else {
            Issue.record("expected terminated, got \(outcome)")
            return
        }
        #expect(signal == 15)
        #expect(pool.stuckCount == 0)
    }

    @Test func thePoolGrowsAndShrinksItsThreads() async throws {
        let pool = ThreadPool(threads: 2)
        pool.start()
        defer { pool.stop() }
        #expect(pool.threadCount == 2)
        pool.resize(to: 5)
        #expect(pool.threadCount == 5)
        #expect(pool.statistics()["threads"] == 5)
        #expect(pool.statistics()["max-concurrency"] == 5)
        pool.resize(to: 1)
        #expect(pool.threadCount == 1)
        let echo = RegisteredTask(name: "test.thread") { _ in .string(currentThreadName()) }
        let outcome = await pool.run(echo, context: TaskContext(id: "after", name: echo.name, args: []), softLimit: nil, hardLimit: nil,
                                     handle: RunningTask())
        guard case .succeeded = outcome else {
            Issue.record("a task after shrinking did not succeed: \(outcome)")
            return
        }
    }

    @Test func statisticsHaveTheKeysOfCelerysThreadsPool() {
        let pool = ThreadPool(threads: 3)
        pool.start()
        defer { pool.stop() }
        let stats = pool.statistics()
        #expect(stats["implementation"] == "celeriac.concurrency.thread:TaskPool")
        #expect(stats["max-concurrency"] == 3)
        #expect(stats["threads"] == 3)
        #expect(stats["stuck-threads"] == 0)
    }
}

/// A pipe task bodies block on with a blocking `read` (bounded by `poll`, so a broken pool
/// fails the test instead of hanging it), and a count of the bodies that got there.
final class BlockingGate: Sendable {
    let readEnd: Int32
    let writeEnd: Int32
    private let state = Mutex<(entered: Int, threads: [String])>((0, []))

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw WaitTimeout(what: "a pipe") }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    var entered: Int { state.withLock { $0.entered } }
    var threads: [String] { state.withLock { $0.threads } }

    /// A task whose body counts itself in, then blocks until a byte comes (20 s at most):
    /// returns `{"released": true|false, "thread": name}`. It never looks at cancellation.
    func task(name: String) -> RegisteredTask {
        RegisteredTask(name: name) { [self] _ in
            let thread = currentThreadName()
            state.withLock {
                $0.entered += 1
                $0.threads.append(thread)
            }
            return ["released": .bool(waitForByte(seconds: 20)), "thread": .string(thread)]
        }
    }

    func waitForByte(seconds: Int32) -> Bool {
        var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, seconds * 1000) == 1 else { return false }
        var byte: UInt8 = 0
        return read(readEnd, &byte, 1) == 1
    }

    /// Lets `count` bodies go.
    func open(_ count: Int) {
        let bytes = [UInt8](repeating: 1, count: count)
        _ = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
    }

    func close() {
        Glibc.close(readEnd)
        Glibc.close(writeEnd)
    }
}

/// The name of the thread running the caller (Foundation's, set by the pool for its threads).
func currentThreadName() -> String {
    Thread.current.name ?? ""
}
