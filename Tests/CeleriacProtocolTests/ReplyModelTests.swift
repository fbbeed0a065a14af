import CeleriacProtocol
import Testing

@Suite("reply models and bridges")
struct ReplyModelTests {
    private func firstResult(_ file: String) throws -> JSONValue {
        let fixture = try Fixtures.load(file)
        let text = try #require(fixture["replies"]?.arrayValue?.first?["command"]?.arrayValue?.last?.stringValue)
        return try ControlMessage.decodeReply(Array(text.utf8)).result
    }

    @Test("active_queues entries match what a Celery worker sends")
    func queueInfo() throws {
        let queues = try #require(try firstResult("pidbox-active-queues-after-add.json").arrayValue)
        #expect(queues == ["celery", "other", "extra"].map { QueueInfo(name: $0).jsonValue })
    }

    @Test("stats has Celery's layout, with the clock as a string")
    func stats() throws {
        let captured = try firstResult("pidbox-stats.json")
        let broker = WorkerStats.broker(hostname: "127.0.0.1", port: 6392, virtualHost: "0")
        #expect(captured["broker"] == .object(broker))
        let pool = WorkerStats.pool(implementation: "celery.concurrency.prefork:TaskPool", maxConcurrency: 2, processes: [5863, 6094])
        let capturedPool = try #require(captured["pool"]?.objectValue)
        for key in pool.keys {
            #expect(pool[key] == capturedPool[key], "\(key)")
        }
        let stats = WorkerStats(total: [("demo.add", 17)], pid: 5859, clock: 203, uptime: 101, pool: pool, broker: broker,
                                prefetchCount: 9, rusage: ["utime": 0.405058])
        let value = stats.jsonValue
        #expect(value.objectValue?.keys == captured.objectValue?.keys)
        #expect(value["clock"] == captured["clock"])
        #expect(value["total"] == ["demo.add": 17])
    }

    @Test("extended results put the request fields before task_id")
    func extendedResult() {
        let meta = ResultMeta(taskID: "t1", status: .success, result: 5, dateDone: CeleryDateTime(epochMicroseconds: 0),
                              parentID: "p1",
                              extended: .init(name: "demo.add", args: [2, 3], kwargs: [:], worker: "w1@host1", retries: 0, queue: "celery"))
        #expect(String(decoding: meta.encoded(), as: UTF8.self)
            == #"{"status": "SUCCESS", "result": 5, "traceback": null, "children": [], "date_done": "1970-01-01T00:00:00+00:00", "parent_id": "p1", "name": "demo.add", "args": [2, 3], "kwargs": {}, "worker": "w1@host1", "retries": 0, "queue": "celery", "task_id": "t1"}"#)
        #expect(ResultMeta.key(forTaskID: "t1") == "celery-task-meta-t1")
    }

    private struct Kwargs: Codable, Equatable {
        var numbers: [Int]
        var label: String
    }

    @Test("Codable types bridge to and from JSON values")
    func codableBridge() throws {
        let value: JSONValue = ["numbers": [1, 2, 3], "label": "sum"]
        #expect(try value.decode(Kwargs.self) == Kwargs(numbers: [1, 2, 3], label: "sum"))
        #expect(try JSONValue(encoding: [1, 2]) == [1, 2])
        #expect(try JSONValue(encoding: "x") == "x")
        #expect(try JSONValue(encoding: [2.0, 2.5]) == [2, 2.5])
        #expect(throws: ProtocolError.self) { try JSONValue.string("x").decode(Int.self) }
    }
}
