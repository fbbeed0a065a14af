import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Synchronization
import Testing

/// The result writer's one-script store keeps Celery's rule (an existing SUCCESS is never
/// overwritten) and its writes (SETEX with the TTL, PUBLISH on the key), alone and when many
/// stores share one script call.
@Suite("result writer")
struct ResultWriterTests {
    func success(_ id: String, _ value: JSONValue) -> ResultMeta {
        ResultMeta(taskID: id, status: .success, result: value, dateDone: CeleryDateTime(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func storesWithTheTTLAndNeverOverwritesASuccess() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let client = try RedisClient(url: server.url())
        let writer = ResultWriter(client: client, expires: 600)
        let key = ResultMeta.key(forTaskID: "t1")
        let started = ResultMeta(taskID: "t1", status: .started, result: .null, dateDone: nil)
        #expect(try await writer.store(started, taskID: "t1"))
        #expect(try await client.get(key) == started.encoded())
        let ttl = try await client.send(RedisCommand(["TTL", key])).int ?? -1
        #expect(ttl > 590 && ttl <= 600)
        #expect(try await writer.store(success("t1", 5), taskID: "t1"))
        // A later state (a redelivered run failing) does not replace the SUCCESS.
        let failure = ResultMeta(taskID: "t1", exception: ExceptionInfo(type: "DemoError", arguments: ["x"], module: "m"),
                                 traceback: nil, dateDone: nil)
        #expect(try await writer.store(failure, taskID: "t1") == false)
        #expect(try await client.get(key) == success("t1", 5).encoded())
        await client.close()
    }

    @Test func aSuccessStoredInAnotherLayoutIsStillKept() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let client = try RedisClient(url: server.url())
        let writer = ResultWriter(client: client, expires: nil)
        // Members in another order: the script cannot tell from the first bytes and the
        // writer decodes the value itself.
        let odd = Array(#"{"task_id": "t2", "status": "SUCCESS", "result": 1}"#.utf8)
        _ = try await client.send(RedisCommand("SET", arguments: [.string(ResultMeta.key(forTaskID: "t2")), .bytes(odd)]))
        #expect(try await writer.store(success("t2", 2), taskID: "t2") == false)
        #expect(try await client.get(ResultMeta.key(forTaskID: "t2")) == odd)
        // The same layout with another state is overwritten (the word SUCCESS alone decides nothing).
        let pending = Array(#"{"task_id": "t3", "status": "STARTED", "result": "SUCCESS"}"#.utf8)
        _ = try await client.send(RedisCommand("SET", arguments: [.string(ResultMeta.key(forTaskID: "t3")), .bytes(pending)]))
        #expect(try await writer.store(success("t3", 3), taskID: "t3"))
        #expect(try await client.get(ResultMeta.key(forTaskID: "t3")) == success("t3", 3).encoded())
        #expect(try await client.send(RedisCommand(["TTL", ResultMeta.key(forTaskID: "t3")])) == .integer(-1))
        // A first state without expiry is written without one too.
        #expect(try await writer.store(success("t4", 4), taskID: "t4"))
        #expect(try await client.get(ResultMeta.key(forTaskID: "t4")) == success("t4", 4).encoded())
        #expect(try await client.send(RedisCommand(["TTL", ResultMeta.key(forTaskID: "t4")])) == .integer(-1))
        await client.close()
    }

    @Test func concurrentStoresArePublishedAndAKeyOfAnotherTypeFailsOnlyItsOwnStore() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let client = try RedisClient(url: server.url())
        let writer = ResultWriter(client: client, expires: 86_400)
        let subscriber = client.subscriber()
        let ids = (0..<200).map { "c\($0)" }
        try await subscriber.subscribe(ids.map { ResultMeta.key(forTaskID: $0) })
        _ = try await client.send(RedisCommand(["LPUSH", ResultMeta.key(forTaskID: "c7"), "x"]))
        let outcomes = await withTaskGroup(of: (String, Bool?).self) { group in
            for id in ids {
                group.addTask { (id, try? await writer.store(self.success(id, .string(id)), taskID: id)) }
            }
            var outcomes: [String: Bool?] = [:]
            for await (id, stored) in group { outcomes[id] = stored }
            return outcomes
        }
        #expect(outcomes["c7"] == .some(nil))
        for id in ids where id != "c7" {
            #expect(outcomes[id] == .some(true))
            #expect(try await client.get(ResultMeta.key(forTaskID: id)) == success(id, .string(id)).encoded())
        }
        let published = Mutex<[String: [UInt8]]>([:])
        let reader = Task {
            for await event in subscriber.events {
                if case .message(let message) = event { published.withLock { $0[message.channel] = message.payload } }
            }
        }
        try await eventually("every stored result published") { published.withLock { $0.count } == ids.count - 1 }
        for (channel, payload) in published.withLock({ $0 }) {
            let id = String(channel.dropFirst("celery-task-meta-".count))
            #expect(payload == success(id, .string(id)).encoded())
        }
        reader.cancel()
        await subscriber.close()
        await client.close()
    }
}
