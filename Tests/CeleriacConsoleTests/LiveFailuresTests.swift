import Celeriac
import CeleriacConsole
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// The Failures view's data and actions against a real Celeriac worker (`celeriac worker`, the
/// built binary), which keeps what failed for good in the failure store.
@Suite("live data source: the failure store", .serialized)
struct LiveFailuresTests {
    /// Waits until the task's stored result is a success (a retried task's result is its
    /// failure until the retry has run), then checks the value.
    func succeeded(_ result: AsyncResult, with value: JSONValue) async throws {
        let deadline = Date().addingTimeInterval(30)
        while try await result.meta()?.status != .success {
            guard Date() < deadline else { throw LiveHarness.Timeout(description: "no success stored for \(result.id)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await result.get(timeout: 1) == value)
    }

    @Test func failuresAreListedAndRetriedWithTheirOwnOrNewArguments() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let worker = try await CeleriacWorkerProcess(broker: server.url(), arguments: ["-n", "cel@localhost", "-Q", "cel", "-c", "2"])
        defer { worker.stop() }
        let live = try await LiveHarness(server: server)
        live.start()
        do {
            // demo.flaky(21) sent as its 19th retry runs out of retries (20 allowed) and fails
            // for good; a retry of the stored message is retry 21, which succeeds.
            var options = SendOptions(queue: "cel")
            options.retries = 19
            let flaky = try await live.app.producer.send("demo.flaky", args: [21], options: options)
            let edited = try await live.app.producer.send("demo.flaky", args: [21], options: options)
            try await live.wait("both failures from the store") { model in
                Set(model.state.failureStore.map(\.taskID)).isSuperset(of: [flaky.id, edited.id])
            }
            let entry = try #require(live.model.state.failureStore.first { $0.taskID == flaky.id })
            #expect(entry.name == "demo.flaky")
            #expect(entry.queue == "cel")
            #expect(entry.exception.contains("MaxRetriesExceeded"))
            #expect(FailureArguments.extract(from: entry.envelope).args == "[21]")

            live.source.perform(.retry(ids: [flaky.id]))
            try await live.wait("the retry outcome") { $0.resultLine?.text.contains("re-published to cel") == true }
            try await live.wait("the retried task's success") { model in
                model.state.tasks[flaky.id]?.phase == .success && !model.state.failureStore.contains { $0.taskID == flaky.id }
            }
            // The stored result is the retry's now (it was the failure until the retry ran).
            try await succeeded(flaky, with: 21)

            // New arguments: demo.flaky(0) succeeds at once (and returns the retry count).
            let outcome = await live.source.outcome(of: .editAndRetry(id: edited.id, args: "[0]", kwargs: "{}"))
            #expect(outcome.replies == [EffectOutcome.Reply(worker: edited.id, text: "re-published to cel with new arguments")])
            try await succeeded(edited, with: 21)

            // Gone from the store: retrying again says so, per id.
            let again = await live.source.outcome(of: .retry(ids: [flaky.id]))
            #expect(again.replies == [EffectOutcome.Reply(worker: flaky.id, text: "no failure with id \(flaky.id)", isError: true)])

            try await live.wait("the retries in the audit list") { model in
                model.state.auditLog.map(\.action).filter { $0 == "retry" }.count == 2
                    && model.state.auditLog.contains { $0.action == "edit_retry" }
            }
        } catch {
            await live.close()
            throw error
        }
        await live.close()
    }
}
