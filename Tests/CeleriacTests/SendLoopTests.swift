import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Testing

/// ``Producer/withSendLoop(_:)``: sends from tasks running on a pooled connection's event loop.
@Suite("send loop on an event loop")
struct SendLoopTests {
    /// Pops every message of `queue`, oldest first, as (task, index) pairs from their args.
    func drain(_ queue: String, app: App) async throws -> [(Int64, Int64)] {
        var pairs: [(Int64, Int64)] = []
        while let bytes = try await app.transport.client.rpop(queue) {
            let args = try TaskMessage.decode(bytes).body.args
            guard args.count == 2, case .int(let task) = args[0], case .int(let index) = args[1] else {
                Issue.record("unexpected args \(args)")
                continue
            }
            pairs.append((task, index))
        }
        return pairs
    }

    @Test func concurrentSendsAllArriveInOrderPerTask() async throws {
        try await withApp { app, _ in
            let producer = app.producer
            try await producer.withSendLoop {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for task in 0..<8 {
                        group.addTask {
                            for index in 0..<40 {
                                try await producer.send("demo.add", args: [.integer(task), .integer(index)], options: SendOptions(queue: "loop-q"))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let pairs = try await drain("loop-q", app: app)
            #expect(pairs.count == 8 * 40)
            for task in 0..<8 {
                #expect(pairs.filter { $0.0 == Int64(task) }.map(\.1) == (0..<40).map(Int64.init))
            }
        }
    }

    @Test func sendsAfterTheConnectionWasKilledReconnectAndLoseNothing() async throws {
        try await withApp { app, server in
            let producer = app.producer
            let admin = try RedisClient(url: server.url())
            try await producer.withSendLoop {
                for index in 0..<10 { try await producer.send("demo.add", args: [0, .integer(index)], options: SendOptions(queue: "kill-q")) }
                // Every connection but the admin's goes.
                _ = try await admin.send(["CLIENT", "KILL", "SKIPME", "yes"])
                for index in 10..<20 { try await producer.send("demo.add", args: [0, .integer(index)], options: SendOptions(queue: "kill-q")) }
            }
            let pairs = try await drain("kill-q", app: app)
            #expect(pairs.map(\.1) == (0..<20).map(Int64.init))
            await admin.close()
        }
    }
}
