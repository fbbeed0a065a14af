import CeleriacProtocol
import CeleriacWorker
import Foundation
import Testing

@Suite("running a task with Celery's limits")
struct TaskRunnerTests {
    func task(_ body: @escaping TaskHandler) -> RegisteredTask {
        RegisteredTask(name: "t.test", options: TaskOptions(), handler: body)
    }

    let context = TaskContext(id: "id-1", name: "t.test", args: [])

    @Test func successCarriesTheValue() async {
        let outcome = await TaskRunner.run(task { _ in .int(5) }, context: context)
        guard case .succeeded(let value, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(value == .int(5))
    }

    @Test func failureCarriesTypeMessageAndAPythonShapedTraceback() async {
        let outcome = await TaskRunner.run(task { _ in throw DemoError(message: "boom") }, context: context)
        guard case .failed(let info, let traceback, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(info == ExceptionInfo(type: "DemoError", arguments: ["boom"], module: "celeriac.demo"))
        #expect(traceback.hasPrefix("Traceback (most recent call last):"))
        #expect(traceback.hasSuffix("DemoError: boom\n"))
    }

    @Test func retryIsItsOwnOutcome() async {
        let outcome = await TaskRunner.run(task { context in throw context.retry(countdown: 2) }, context: context)
        guard case .retry(let retry, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(retry.countdown == 2)
    }

    @Test func softLimitCancelsTheTaskWhichSeesSoftTimeLimitExceeded() async {
        let outcome = await TaskRunner.run(
            task { _ in
                try await Task.sleep(nanoseconds: 30_000_000_000)
                return .null
            }, context: context, softLimit: 0.05, hardLimit: 20)
        guard case .failed(let info, _, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(info == .softTimeLimitExceeded)
    }

    @Test func hardLimitFreesTheSlotEvenWhenTheCodeIgnoresCancellation() async {
        let outcome = await TaskRunner.run(
            task { _ in
                // Blocks its thread and never looks at cancellation, like a stuck C call. Long
                // enough that the limit's timer finds a free thread first even on a busy machine.
                usleep(3_000_000)
                return .null
            }, context: context, hardLimit: 0.1)
        guard case .timeLimitExceeded(let limit, let abandoned, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(limit == 0.1)
        #expect(abandoned)
    }

    @Test func hardLimitOnCooperativeCodeIsNotAbandoned() async {
        let outcome = await TaskRunner.run(
            task { _ in
                try await Task.sleep(nanoseconds: 30_000_000_000)
                return .null
            }, context: context, hardLimit: 0.05)
        guard case .timeLimitExceeded(_, let abandoned, _) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(!abandoned)
    }

    @Test func terminateStopsARunningTask() async {
        let handle = RunningTask()
        async let outcome = TaskRunner.run(
            task { _ in
                try await Task.sleep(nanoseconds: 30_000_000_000)
                return .null
            }, context: context, handle: handle)
        try? await Task.sleep(nanoseconds: 20_000_000)
        handle.terminate(signal: 9)
        let result = await outcome
        guard case .terminated(let signal, _) = result else { Issue.record("got \(result)"); return }
        #expect(signal == 9)
    }
}

