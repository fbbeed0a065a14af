import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Foundation
import Testing

@Suite("results and events")
struct ResultAndEventTests {
    /// Stores a meta the way a Celery worker does: `MULTI; SETEX; PUBLISH; EXEC`.
    func store(_ meta: ResultMeta, id: String, on client: RedisClient) async throws {
        let key = ResultMeta.key(forTaskID: id)
        _ = try await client.transaction([
            RedisCommand("SETEX", arguments: [.string(key), .integer(86_400), .bytes(meta.encoded())]),
            RedisCommand("PUBLISH", arguments: [.string(key), .bytes(meta.encoded())]),
        ])
    }

    @Test func getWaitsForThePublishedResult() async throws {
        try await withApp { app, _ in
            let result = app.result("t1")
            #expect(try await result.state() == .pending)
            let waiter = Task { try await result.get(timeout: 10) }
            try await Task.sleep(for: .milliseconds(300))
            let started = ResultMeta(taskID: "t1", status: .started, result: ["pid": 1], dateDone: nil)
            try await store(started, id: "t1", on: app.transport.client)
            let done = ResultMeta(taskID: "t1", status: .success, result: 5, dateDone: CeleryDateTime(date: Date()))
            try await store(done, id: "t1", on: app.transport.client)
            #expect(try await waiter.value == 5)
            #expect(try await result.state() == .success)
            try await result.forget()
            #expect(try await result.state() == .pending)
        }
    }

    @Test func manyPendingResultsShareOneSubscriber() async throws {
        try await withApp { app, _ in
            let ids = (0..<20).map { "many-\($0)" }
            let waiters = ids.map { id in Task { try await app.result(id).get(timeout: 10) } }
            // Wait (boundedly) until every waiter has subscribed, then count subscriber connections.
            var clients = ""
            for _ in 0..<200 {
                clients = try await app.transport.client.send(RedisCommand(["CLIENT", "LIST"])).string ?? ""
                if clients.contains(" sub=20 ") { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let subscribed = clients.split(separator: "\n").filter { !$0.contains(" sub=0 ") }
            #expect(subscribed.count == 1, "\(clients)")
            #expect(subscribed.first?.contains(" sub=20 ") == true)
            for (index, id) in ids.enumerated() {
                let meta = ResultMeta(taskID: id, status: .success, result: .integer(index), dateDone: CeleryDateTime(date: Date()))
                try await store(meta, id: id, on: app.transport.client)
            }
            for (index, waiter) in waiters.enumerated() { #expect(try await waiter.value == .integer(index)) }
        }
    }

    @Test func aResultAlreadyStoredIsReturnedAtOnce() async throws {
        try await withApp { app, _ in
            let done = ResultMeta(taskID: "t2", status: .success, result: "ok", dateDone: CeleryDateTime(date: Date()))
            _ = try await app.transport.client.set("celery-task-meta-t2", done.encoded())
            #expect(try await app.result("t2").get(timeout: 5) == "ok")
        }
    }

    @Test func aFailureSurfacesAsATypedError() async throws {
        try await withApp { app, _ in
            let failed = ResultMeta(taskID: "t3", exception: ExceptionInfo(type: "DemoError", arguments: ["boom"], module: "demo"),
                                    traceback: "Traceback (most recent call last):\n  ...\ndemo.DemoError: boom\n",
                                    dateDone: CeleryDateTime(date: Date()))
            _ = try await app.transport.client.set("celery-task-meta-t3", failed.encoded())
            do {
                _ = try await app.result("t3").get(timeout: 5)
                Issue.record("no error")
            } catch let failure as TaskFailure {
                #expect(failure.excType == "DemoError")
                #expect(failure.excMessage == ["boom"])
                #expect(failure.excModule == "demo")
                #expect(failure.traceback?.contains("demo.DemoError: boom") == true)
                #expect(failure.description == "DemoError('boom')")
            }
        }
    }

    @Test func waitingTimesOut() async throws {
        try await withApp { app, _ in
            await #expect(throws: ResultError.self) { try await app.result("never").get(timeout: 0.3) }
        }
    }

    @Test func receiverUnpacksBatchesAndReportsMalformedMessages() async throws {
        try await withApp { app, _ in
            let receiver = EventReceiver(transport: app.transport)
            let stream = try await receiver.start()
            let publisher = EventPublisher(transport: app.transport, source: CeleryEvent.Source(hostname: "w1@h", pid: 42), logger: app.logger)
            await publisher.send(.workerHeartbeat, fields: EventFields.worker(freq: 2, active: 0, processed: 1, loadavg: [0, 0, 0],
                                                                               swIdent: "py-celery", swVer: "5.7.0", swSys: "Linux"))
            await publisher.buffer(.taskStarted, fields: EventFields.taskStarted(uuid: "a"))
            await publisher.buffer(.taskSucceeded, fields: EventFields.taskSucceeded(uuid: "a", result: "5", runtime: 0.1))
            await publisher.flush()
            _ = try await app.transport.client.publish("/0.celeryev/task.multi", "garbage")
            var items: [EventReceiver.Item] = []
            for await item in stream {
                items.append(item)
                if items.count == 4 { break }
            }
            guard items.count == 4 else {
                Issue.record("got \(items.count) items")
                return
            }
            if case .event(let event, let channel) = items[0] {
                #expect(event.type == .workerHeartbeat && channel == "/0.celeryev/worker.heartbeat")
                #expect(event.hostname == "w1@h")
            } else { Issue.record("first item \(items[0])") }
            if case .event(let event, let channel) = items[1] {
                #expect(event.type == .taskStarted && channel == "/0.celeryev/task.multi")
            } else { Issue.record("second item \(items[1])") }
            if case .event(let event, _) = items[2] {
                #expect(event.type == .taskSucceeded && event.result == "5")
                #expect((event.clock ?? 0) > 1)
            } else { Issue.record("third item \(items[2])") }
            if case .malformed(let channel, _, let payload) = items[3] {
                #expect(channel == "/0.celeryev/task.multi" && payload == Array("garbage".utf8))
            } else { Issue.record("fourth item \(items[3])") }
            await receiver.close()
        }
    }

    @Test func groupRecordIsStoredAsCeleryDoes() async throws {
        try await withApp { app, _ in
            try await app.results.saveGroup(id: "g1", taskIDs: ["a", "b"])
            let stored = try #require(try await app.transport.client.get("celery-taskset-meta-g1"))
            #expect(stored.text == #"{"result": [["g1", null], [[["a", null], null], [["b", null], null]]]}"#)
            #expect(try await app.transport.client.pttl("celery-taskset-meta-g1") > 86_000_000)
        }
    }
}
