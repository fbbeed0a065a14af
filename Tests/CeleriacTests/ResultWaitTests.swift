@testable import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Foundation
import Testing

/// `AsyncResult.get` on the waiter registry: results reach the waiting task straight from the
/// subscriber, and a wait that ends for any reason leaves no waiter and no subscription behind.
@Suite("result waits")
struct ResultWaitTests {
    func store(_ meta: ResultMeta, id: String, on client: RedisClient) async throws {
        let key = ResultMeta.key(forTaskID: id)
        _ = try await client.transaction([
            RedisCommand("SETEX", arguments: [.string(key), .integer(86_400), .bytes(meta.encoded())]),
            RedisCommand("PUBLISH", arguments: [.string(key), .bytes(meta.encoded())]),
        ])
    }

    func done(_ id: String, _ value: JSONValue) -> ResultMeta {
        ResultMeta(taskID: id, status: .success, result: value, dateDone: CeleryDateTime(date: Date()))
    }

    func subscribers(_ id: String, app: App) async throws -> Int {
        let reply = try await app.transport.client.send(["PUBSUB", "NUMSUB", ResultMeta.key(forTaskID: id)])
        return Int(reply.array?.last?.int ?? -1)
    }

    @Test func aWaiterIsResumedByThePublishedResultAndLeavesNothingBehind() async throws {
        try await withApp { app, _ in
            let waiter = Task { try await app.result("w1").get(timeout: 20) }
            try await eventually("the get subscribed") { try await subscribers("w1", app: app) == 1 }
            #expect(app.results.waiterCount == 1)
            try await store(done("w1", 42), id: "w1", on: app.transport.client)
            #expect(try await waiter.value == 42)
            #expect(app.results.waiterCount == 0)
            try await eventually("the channel was unsubscribed") { try await subscribers("w1", app: app) == 0 }
        }
    }

    @Test func aResultStoredBeforeTheGetStartedIsReturned() async throws {
        try await withApp { app, _ in
            // The subscriber connection is up (an earlier get made it), so the stored value
            // comes back with the SUBSCRIBE in one round trip.
            try await store(done("s0", 0), id: "s0", on: app.transport.client)
            #expect(try await app.result("s0").get(timeout: 10) == 0)
            try await store(done("s1", "early"), id: "s1", on: app.transport.client)
            #expect(try await app.result("s1").get(timeout: 10) == "early")
            #expect(app.results.waiterCount == 0)
        }
    }

    @Test func aStartedStateIsSkippedUntilTheReadyOne() async throws {
        try await withApp { app, _ in
            let waiter = Task { try await app.result("st").get(timeout: 20) }
            try await eventually("the get subscribed") { try await subscribers("st", app: app) == 1 }
            let started = ResultMeta(taskID: "st", status: .started, result: ["pid": 1], dateDone: nil)
            try await store(started, id: "st", on: app.transport.client)
            try await store(done("st", "finished"), id: "st", on: app.transport.client)
            #expect(try await waiter.value == "finished")
        }
    }

    @Test func twoWaitsOnOneTaskBothGetTheResult() async throws {
        try await withApp { app, _ in
            let first = Task { try await app.result("twice").get(timeout: 20) }
            let second = Task { try await app.result("twice").get(timeout: 20) }
            try await eventually("both waits registered") { app.results.waiterCount == 2 }
            try await eventually("the channel is subscribed") { try await subscribers("twice", app: app) == 1 }
            try await store(done("twice", 7), id: "twice", on: app.transport.client)
            #expect(try await first.value == 7)
            #expect(try await second.value == 7)
            #expect(app.results.waiterCount == 0)
        }
    }

    @Test func aTimedOutGetLeavesNoWaiterAndNoSubscription() async throws {
        try await withApp { app, _ in
            await #expect(throws: ResultError.self) { try await app.result("late").get(timeout: 0.2) }
            #expect(app.results.waiterCount == 0)
            try await eventually("the channel was unsubscribed") { try await subscribers("late", app: app) == 0 }
            // The backend still serves later waits.
            try await store(done("after", 1), id: "after", on: app.transport.client)
            #expect(try await app.result("after").get(timeout: 10) == 1)
        }
    }

    @Test func aCancelledGetThrowsCancellationAndLeavesNoWaiter() async throws {
        try await withApp { app, _ in
            let waiter = Task { try await app.result("cancelled").get() }
            try await eventually("the get subscribed") { try await subscribers("cancelled", app: app) == 1 }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            #expect(app.results.waiterCount == 0)
            try await eventually("the channel was unsubscribed") { try await subscribers("cancelled", app: app) == 0 }
        }
    }

    @Test func closingTheBackendEndsWaitsInProgress() async throws {
        try await withApp { app, _ in
            let waiter = Task { try await app.result("orphan").get() }
            try await eventually("the get subscribed") { try await subscribers("orphan", app: app) == 1 }
            await app.results.close()
            await #expect(throws: RedisError.self) { try await waiter.value }
            #expect(app.results.waiterCount == 0)
        }
    }
}
