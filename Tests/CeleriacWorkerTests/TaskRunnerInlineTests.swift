import CeleriacProtocol
@testable import CeleriacWorker
import Foundation
import Testing

/// A body without time limits runs in its caller's task (``TaskRunner/runInline(_:context:handle:)``):
/// a stop cancels that task while the body runs, and never before or after it.
@Suite("running a body in its caller's task")
struct TaskRunnerInlineTests {
    func task(_ body: @escaping TaskHandler) -> RegisteredTask {
        RegisteredTask(name: "t.inline", options: TaskOptions(), handler: body)
    }

    let context = TaskContext(id: "id-inline", name: "t.inline", args: [])

    /// Runs `body` inline in a task given to `handle`, as the worker does; returns the outcome
    /// and whether the task was cancelled once the body had ended.
    func runCarried(_ registered: RegisteredTask, handle: RunningTask,
                    afterBody: @escaping @Sendable () async -> Void = {}) async -> (ExecutionOutcome, Bool)
    {
        let context = self.context
        let box = OutcomeBox()
        let carrier = Task.detached {
            let outcome = await TaskRunner.runInline(registered, context: context, handle: handle)
            await afterBody()
            box.set(outcome, cancelled: Task.isCancelled)
        }
        handle.carry(carrier)
        await carrier.value
        return box.value
    }

    @Test func successCarriesTheValueAndLeavesTheTaskAlone() async throws {
        let (outcome, cancelled) = await runCarried(task { _ in .int(7) }, handle: RunningTask())
        guard case .succeeded(let value, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(value == .int(7))
        #expect(!cancelled)
    }

    @Test func terminateWhileTheBodyRunsCancelsIt() async throws {
        let handle = RunningTask()
        let started = Flag()
        async let run = runCarried(task { _ in
            started.set()
            try await Task.sleep(nanoseconds: 30_000_000_000)
            return .null
        }, handle: handle)
        while !started.isSet { try await Task.sleep(nanoseconds: 5_000_000) }
        handle.terminate(signal: 9)
        let (outcome, cancelled) = await run
        guard case .terminated(let signal, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(signal == 9)
        // The caller sees it, and goes on with its writes in a task of its own.
        #expect(cancelled)
    }

    @Test func terminateBeforeTheBodyStartsCancelsItAtOnce() async throws {
        let handle = RunningTask()
        handle.terminate(signal: 15)
        let (outcome, _) = await runCarried(task { _ in
            try await Task.sleep(nanoseconds: 30_000_000_000)
            return .null
        }, handle: handle)
        guard case .terminated(let signal, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(signal == 15)
    }

    @Test func terminateAfterTheBodyEndedCancelsNothing() async throws {
        let handle = RunningTask()
        let (outcome, cancelled) = await runCarried(task { _ in .int(1) }, handle: handle, afterBody: {
            handle.terminate(signal: 15)
        })
        guard case .succeeded = outcome else { Issue.record("got \(outcome)"); return }
        #expect(!cancelled)
    }
}

/// What a carried run ended with, handed from its task to the test.
private final class OutcomeBox: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var outcome: ExecutionOutcome = .succeeded(.null, runtime: 0)
    private var cancelled = false

    func set(_ outcome: ExecutionOutcome, cancelled: Bool) {
        lock.withLock {
            self.outcome = outcome
            self.cancelled = cancelled
        }
    }

    var value: (ExecutionOutcome, Bool) { lock.withLock { (outcome, cancelled) } }
}

/// A flag set from a task body and polled by the test.
private final class Flag: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var flag = false

    func set() { lock.withLock { flag = true } }
    var isSet: Bool { lock.withLock { flag } }
}
