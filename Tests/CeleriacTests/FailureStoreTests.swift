import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Testing

/// The failure store on a real server: what a worker keeps, what an operator retries.
@Suite("failure store")
struct FailureStoreTests {
    func record(_ message: TaskMessage, queue: String = "celery", at time: Double = Date().timeIntervalSince1970) -> FailureRecord {
        FailureRecord(taskID: message.id, name: message.task, queue: queue, reason: .failed,
                      exception: "DemoError('boom')", traceback: "Traceback...", worker: "w1@host",
                      timestamp: time, envelope: message.encoded())
    }

    @Test func recordsComeBackNewestFirstWithTheirExactBytes() async throws {
        try await withApp { app, _ in
            let store = FailureStore(client: app.transport.client)
            let first = try app.producer.message("demo.add", args: [1, 2])
            let second = try app.producer.message("demo.fail", args: ["é ✓"])
            let now = Date().timeIntervalSince1970
            try await store.record(record(first, at: now - 5))
            try await store.record(record(second, at: now))
            // A message that is not UTF-8 keeps every byte.
            let garbage: [UInt8] = [0xFF, 0xFE, 0x00, 0x7B]
            try await store.record(FailureRecord(taskID: "bad-1", name: "", queue: "celery", reason: .malformed,
                                                 exception: "ProtocolError('not JSON')", worker: "w1@host",
                                                 timestamp: now + 1, envelope: garbage))
            #expect(try await store.count() == 3)
            let listed = try await store.list()
            #expect(listed.map(\.taskID) == ["bad-1", second.id, first.id])
            #expect(listed[1].envelope == second.encoded())
            #expect(listed[1].exceptionType == "DemoError")
            #expect(listed[0].envelope == garbage)
            #expect(listed[0].reason == .malformed)
            #expect(try await store.list(offset: 1, count: 1).map(\.taskID) == [second.id])
            #expect(try await store.get(first.id)?.name == "demo.add")
            #expect(try await store.get("nope") == nil)
            // Both keys carry the results' expiry.
            #expect(try await app.transport.client.pttl(FailureStore.recordsKey) > 80_000_000)
            #expect(try await app.transport.client.pttl(FailureStore.indexKey) > 80_000_000)
            #expect(try await store.delete(ids: [first.id, "nope"]) == 1)
            #expect(try await store.count() == 2)
        }
    }

    @Test func theCapAndTheExpiryDropTheOldest() async throws {
        try await withApp { app, _ in
            let store = FailureStore(client: app.transport.client, cap: 3, expires: 60)
            let now = Date().timeIntervalSince1970
            var ids: [String] = []
            // One entry older than the expiry, then five fresh ones.
            let stale = try app.producer.message("demo.add", args: [0, 0])
            try await store.record(record(stale, at: now - 120))
            for index in 0..<5 {
                let message = try app.producer.message("demo.add", args: [.int(Int64(index)), 1])
                ids.append(message.id)
                try await store.record(record(message, at: now + Double(index)))
            }
            #expect(try await store.list().map(\.taskID) == ids.suffix(3).reversed())
            let fields = try await app.transport.client.hgetall(FailureStore.recordsKey)
            #expect(Set(fields.keys) == Set(ids.suffix(3)))
        }
    }

    @Test func retryRepublishesTheSameTaskAsOneMoreRetry() async throws {
        try await withApp { app, _ in
            let store = FailureStore(client: app.transport.client)
            let message = try app.producer.message("demo.add", args: [2, 3], options: SendOptions(queue: "slow", priority: 6))
            try await store.record(record(message, queue: "slow"))
            let outcomes = await store.retry(ids: [message.id, "missing"])
            #expect(outcomes[message.id] == .republished(queue: "slow"))
            guard case .failed(let why)? = outcomes["missing"] else {
                Issue.record("missing id was not reported")
                return
            }
            #expect(why.contains("no failure with id missing"))
            #expect(try await store.count() == 0)
            // Priority 6 lands on the queue's priority-6 key.
            let key = Priority.queueKey("slow", priority: 6)
            let queued = try #require(try await app.transport.client.rpop(key))
            let republished = try TaskMessage.decode(queued)
            #expect(republished.id == message.id)
            #expect(republished.headers.retries == 1)
            #expect(republished.body.args == [2, 3])
            #expect(republished.properties.deliveryTag != message.properties.deliveryTag)
            #expect(republished.properties.priority == 6)
        }
    }

    @Test func editAndRetryReplacesTheArguments() async throws {
        try await withApp { app, _ in
            let store = FailureStore(client: app.transport.client)
            let message = try app.producer.message("demo.add", args: [2, "x"])
            try await store.record(record(message))
            #expect(try await store.retry(id: message.id, args: [2, 40], kwargs: ["note": "fixed"]) == "celery")
            let queued = try #require(try await app.transport.client.rpop("celery"))
            let republished = try TaskMessage.decode(queued)
            #expect(republished.body.args == [2, 40])
            #expect(republished.body.kwargs == ["note": "fixed"])
            #expect(republished.headers.argsrepr == "(2, 40)")
            #expect(republished.headers.kwargsrepr == "{'note': 'fixed'}")
        }
    }

    @Test func aMalformedEntryIsNotRetriedAndStays() async throws {
        try await withApp { app, _ in
            let store = FailureStore(client: app.transport.client)
            try await store.record(FailureRecord(taskID: "bad-2", name: "", queue: "celery", reason: .malformed,
                                                 exception: "ProtocolError", worker: "w1@host",
                                                 timestamp: Date().timeIntervalSince1970, envelope: Array("{not json".utf8)))
            await #expect(throws: FailureStoreError.self) { try await store.retry(id: "bad-2") }
            #expect(try await store.count() == 1)
            #expect(try await app.transport.client.llen("celery") == 0)
        }
    }

    @Test func aPythonWorkerRunsTheRetriedMessage() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url(), queues: ["celery"])
        defer { worker.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        do {
            let store = FailureStore(client: app.transport.client)
            // demo.flaky(1) retries until its retry count reaches 1: the store's retry is that one.
            let message = try app.producer.message("demo.flaky", args: [1])
            try await store.record(record(message))
            try await store.retry(id: message.id)
            #expect(try await app.result(message.id).get(timeout: 30) == 1)
        } catch {
            await app.close()
            throw error
        }
        await app.close()
    }
}
