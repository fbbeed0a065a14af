@testable import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Foundation
import Testing

/// `AsyncResult.get` once the result subscriber's connection is up: the wait runs on that
/// connection's event loop (a task executor preference) and must behave exactly as before —
/// published results, timeouts, cancellation, cleanup — and hand the caller back in working
/// order.
@Suite("result waits on the subscriber's loop")
struct ResultWaitOnLoopTests {
    let helpers = ResultWaitTests()

    /// Makes the backend's subscriber connect (a first get of a stored result) and checks
    /// that later waits take the loop path.
    func warmUp(_ app: App) async throws {
        try await helpers.store(helpers.done("warm", 0), id: "warm", on: app.transport.client)
        #expect(try await app.result("warm").get(timeout: 10) == 0)
        try await eventually("the subscriber's connection is up") { app.results.waitExecutor != nil }
    }

    @Test func aPublishedResultResumesAWaitOnTheLoopAndTheCallerGoesOn() async throws {
        try await withApp { app, _ in
            try await warmUp(app)
            let waiter = Task { () async throws -> (JSONValue, String) in
                let value = try await app.result("loop1").get(timeout: 20)
                // The caller carries on after the wait: another command and a send work.
                let sent = try await app.producer.send("demo.add", args: [1, 2])
                return (value, sent.id)
            }
            try await eventually("the get subscribed") { try await helpers.subscribers("loop1", app: app) == 1 }
            try await helpers.store(helpers.done("loop1", "on the loop"), id: "loop1", on: app.transport.client)
            let (value, id) = try await waiter.value
            #expect(value == "on the loop")
            #expect(!id.isEmpty)
            #expect(try await app.transport.client.send(["LLEN", "celery"]).int == 1)
            #expect(app.results.waiterCount == 0)
            try await eventually("the channel was unsubscribed") { try await helpers.subscribers("loop1", app: app) == 0 }
        }
    }

    @Test func aWaitOnTheLoopTimesOutAndLeavesNothingBehind() async throws {
        try await withApp { app, _ in
            try await warmUp(app)
            await #expect(throws: ResultError.self) { try await app.result("loop-late").get(timeout: 0.2) }
            #expect(app.results.waiterCount == 0)
            try await eventually("the channel was unsubscribed") { try await helpers.subscribers("loop-late", app: app) == 0 }
            // A result published after the timeout is for nobody; the next wait still works.
            try await helpers.store(helpers.done("loop-next", 5), id: "loop-next", on: app.transport.client)
            #expect(try await app.result("loop-next").get(timeout: 10) == 5)
        }
    }

    @Test func aCancelledWaitOnTheLoopThrowsCancellation() async throws {
        try await withApp { app, _ in
            try await warmUp(app)
            let waiter = Task { try await app.result("loop-cancel").get() }
            try await eventually("the get subscribed") { try await helpers.subscribers("loop-cancel", app: app) == 1 }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            #expect(app.results.waiterCount == 0)
            try await eventually("the channel was unsubscribed") { try await helpers.subscribers("loop-cancel", app: app) == 0 }
        }
    }

    @Test func manyConcurrentWaitsOnTheLoopEachGetTheirOwnResult() async throws {
        try await withApp { app, _ in
            try await warmUp(app)
            let ids = (0..<20).map { "loop-many-\($0)" }
            let values = try await withThrowingTaskGroup(of: (String, JSONValue).self) { group in
                for id in ids { group.addTask { (id, try await app.result(id).get(timeout: 30)) } }
                try await eventually("every get registered") { app.results.waiterCount == ids.count }
                for (index, id) in ids.enumerated() {
                    try await helpers.store(helpers.done(id, .integer(index)), id: id, on: app.transport.client)
                }
                var values: [String: JSONValue] = [:]
                for try await (id, value) in group { values[id] = value }
                return values
            }
            for (index, id) in ids.enumerated() { #expect(values[id] == .integer(index)) }
            #expect(app.results.waiterCount == 0)
        }
    }

    @Test func closingTheBackendEndsAWaitOnTheLoop() async throws {
        try await withApp { app, _ in
            try await warmUp(app)
            let waiter = Task { try await app.result("loop-orphan").get() }
            try await eventually("the get subscribed") { try await helpers.subscribers("loop-orphan", app: app) == 1 }
            await app.results.close()
            await #expect(throws: RedisError.self) { try await waiter.value }
            #expect(app.results.waiterCount == 0)
            #expect(app.results.waitExecutor == nil)
        }
    }
}
