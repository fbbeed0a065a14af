@testable import Celeriac
import CeleriacProtocol
@testable import CeleriacWorker
import CeleriacTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Jobs handed to the process pool in batches (``ProcessPool/run(batch:)``), as the worker
/// hands over early-ack requests: their outcomes come back in groups through
/// ``ProcessPool/batchOutcomes``, and every guarantee of a lone job holds for each job of a
/// batch (a terminate reaches only its own job, a lost child fails only the job it ran).
@Suite("process pool batches", .serialized)
struct ProcessPoolBatchTests {
    /// The groups a concluder was handed, by task id and outcome.
    final class Groups: Sendable {
        let groups = Mutex<[[(id: String, outcome: ExecutionOutcome)]]>([])

        func concluder() -> PoolOutcomeInbox.Concluder {
            { outcomes in self.groups.withLock { $0.append(outcomes.map { ($0.request.id, $0.outcome) }) } }
        }

        var outcomes: [String: ExecutionOutcome] {
            groups.withLock { groups in
                var all: [String: ExecutionOutcome] = [:]
                for group in groups { for (id, outcome) in group { all[id] = outcome } }
                return all
            }
        }

        var count: Int { groups.withLock { $0.reduce(0) { $0 + $1.count } } }

        /// Waits until `count` outcomes came; returns them by task id.
        func wait(for count: Int) async throws -> [String: ExecutionOutcome] {
            try await eventually("\(count) outcomes") { self.count >= count }
            #expect(self.count == count, "an outcome came more than once")
            return outcomes
        }
    }

    static func request(_ name: String, _ args: [JSONValue] = [], id: String = UUID().uuidString) throws -> TaskRequest {
        var builder = TaskMessageBuilder(id: id, name: name, origin: "test")
        builder.args = args
        let message = try builder.build()
        let delivery = Delivery(raw: message.envelope.encoded(), queue: "celery", key: "celery", envelope: message.envelope,
                                deliveryTag: builder.deliveryTag)
        return TaskRequest(delivery: delivery, message: message, task: ProcessPoolPipelineTests.task(name), receivedAt: 0)
    }

    static func job(_ request: TaskRequest, handle: RunningTask = RunningTask()) -> PoolBatchJob {
        PoolBatchJob(request: request, context: TaskContext(id: request.id, name: request.name, args: request.message.body.args),
                     softLimit: nil, hardLimit: nil, handle: handle)
    }

    static func pool(children: Int = 1, _ groups: Groups) async -> ProcessPool {
        let pool = await ProcessPoolPipelineTests.pool(children: children)
        pool.batchOutcomes.setConcluder(groups.concluder())
        return pool
    }

    @Test func outcomesThatArriveWhileAGroupIsConcludedMakeTheNextGroup() async throws {
        let inbox = PoolOutcomeInbox()
        let groups = Groups()
        let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let entered = Atomic<Bool>(false)
        inbox.setConcluder { outcomes in
            if !entered.exchange(true, ordering: .relaxed) {
                await withCheckedContinuation { continuation in release.withLock { $0 = continuation } }
            }
            await groups.concluder()(outcomes)
        }
        let requests = try (0..<4).map { try Self.request("demo.echo", [.int(Int64($0))], id: "r\($0)") }
        inbox.deliver([(requests[0], .succeeded(0, runtime: 0))])
        try await eventually("the first group is being concluded") { release.withLock { $0 != nil } }
        inbox.deliver([(requests[1], .succeeded(1, runtime: 0)), (requests[2], .succeeded(2, runtime: 0))])
        inbox.deliver([(requests[3], .succeeded(3, runtime: 0))])
        release.withLock { $0?.resume() }
        _ = try await groups.wait(for: 4)
        let ids = groups.groups.withLock { $0.map { $0.map(\.id) } }
        #expect(ids == [["r0"], ["r1", "r2", "r3"]])
    }

    @Test func outcomesDeliveredBeforeTheConcluderIsSetAreConcludedOnceItIs() async throws {
        let inbox = PoolOutcomeInbox()
        let groups = Groups()
        inbox.deliver([(try Self.request("demo.echo", [1], id: "early"), .succeeded(1, runtime: 0))])
        inbox.setConcluder(groups.concluder())
        let outcomes = try await groups.wait(for: 1)
        guard case .succeeded(let value, _)? = outcomes["early"] else {
            Issue.record("the early outcome was not concluded")
            return
        }
        #expect(value == 1)
    }

    @Test func everyJobOfABatchEndsOnceWithItsOwnResult() async throws {
        let groups = Groups()
        let pool = await Self.pool(children: 2, groups)
        let requests = try (0..<12).map { try Self.request("demo.echo", [.int(Int64($0))], id: "echo-\($0)") }
        pool.run(batch: requests.map { Self.job($0) })
        let outcomes = try await groups.wait(for: 12)
        for (index, request) in requests.enumerated() {
            #expect(outcomes[request.id].flatMap(ProcessPoolPipelineTests.echoed) == .int(Int64(index)))
        }
        #expect(groups.groups.withLock { $0.count } <= 12)
        await pool.stop()
    }

    @Test func aChildDyingWithJobsQueuedBehindFailsOnlyTheRunningOne() async throws {
        let groups = Groups()
        let pool = await Self.pool(groups)
        try await eventually("the child is ready") { pool.state.withLock { $0.children.values.contains { $0.state == .ready } } }
        let child = try #require(pool.pids.first)
        let crash = try Self.request("celeriac.fault.abort", id: "crash")
        let behind = try (0..<3).map { try Self.request("demo.echo", [.int(Int64($0))], id: "behind-\($0)") }
        // One child and a long pipeline window: all four go to it, the crash first.
        pool.run(batch: ([crash] + behind).map { Self.job($0) })
        let outcomes = try await groups.wait(for: 4)
        guard case .workerLost(let info, _)? = outcomes["crash"] else {
            Issue.record("the crash was not a lost worker: \(String(describing: outcomes["crash"]))")
            await pool.stop()
            return
        }
        #expect(info.type == "WorkerLostError")
        for (index, request) in behind.enumerated() {
            #expect(outcomes[request.id].flatMap(ProcessPoolPipelineTests.echoed) == .int(Int64(index)), "\(request.id) ran elsewhere")
        }
        #expect(!pool.pids.contains(child))
        await pool.stop()
    }

    @Test func terminateOfTheSecondJobOfABatchSignalsItsChildOnlyForIt() async throws {
        let groups = Groups()
        let pool = await Self.pool(groups)
        let handles = (0..<3).map { _ in RunningTask() }
        let first = try Self.request("demo.echo", ["a"], id: "first")
        let second = try Self.request("demo.sleep", [30], id: "second")
        let third = try Self.request("demo.echo", ["c"], id: "third")
        pool.run(batch: [Self.job(first, handle: handles[0]), Self.job(second, handle: handles[1]), Self.job(third, handle: handles[2])])
        let child = try await ProcessPoolPipelineTests.runningPID(pool, "second")
        try await eventually("the first job ended") { groups.outcomes["first"] != nil }
        handles[1].terminate(signal: SIGTERM)
        let outcomes = try await groups.wait(for: 3)
        #expect(outcomes["first"].flatMap(ProcessPoolPipelineTests.echoed) == "a")
        guard case .terminated(let signal, _)? = outcomes["second"] else {
            Issue.record("the second job was not terminated: \(String(describing: outcomes["second"]))")
            await pool.stop()
            return
        }
        #expect(signal == SIGTERM)
        // Queued behind the terminated job in the same child: handed on, not lost.
        #expect(outcomes["third"].flatMap(ProcessPoolPipelineTests.echoed) == "c")
        #expect(!pool.pids.contains(child))
        await pool.stop()
    }

    @Test func terminateOfAJobQueuedBehindAnotherLeavesTheRunningOneAlone() async throws {
        let groups = Groups()
        let pool = await Self.pool(groups)
        let handle = RunningTask()
        let running = try Self.request("demo.sleep", [2], id: "running")
        // Were it to run, it would kill its child.
        let queued = try Self.request("celeriac.fault.kill", id: "queued")
        pool.run(batch: [Self.job(running), Self.job(queued, handle: handle)])
        let child = try await ProcessPoolPipelineTests.runningPID(pool, "running")
        handle.terminate(signal: SIGTERM)
        let outcomes = try await groups.wait(for: 2)
        guard case .terminated(let signal, let runtime)? = outcomes["queued"] else {
            Issue.record("the queued job was not stopped: \(String(describing: outcomes["queued"]))")
            await pool.stop()
            return
        }
        #expect(signal == SIGTERM)
        #expect(runtime == 0, "it never started")
        #expect(outcomes["running"].map(ProcessPoolPipelineTests.succeeded) == true)
        #expect(pool.pids == [child], "the running job's child was signalled")
        await pool.stop()
    }
}
