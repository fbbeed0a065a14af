import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Testing

/// ``Producer/withPinnedConnection(_:)``: a hot send loop on one connection, run on that
/// connection's event loop.
@Suite("pinned sender")
struct PinnedSenderTests {
    /// The ids of every message in `queue`, oldest first.
    func ids(in queue: String, app: App) async throws -> [String] {
        var ids: [String] = []
        while let bytes = try await app.transport.client.rpop(queue) { ids.append(try TaskMessage.decode(bytes).id) }
        return ids
    }

    @Test func sendsRunOnTheConnectionsLoopAndArriveInOrder() async throws {
        try await withApp { app, _ in
            let (sent, onLoop) = try await app.producer.withPinnedConnection { sender in
                var sent: [String] = []
                var onLoop = true
                for index in 0..<50 {
                    sent.append(try await sender.send("demo.add", args: [.integer(index), 1], options: SendOptions(queue: "pinned-q")))
                    // Resumed on the event loop that read the reply, not on the global pool.
                    onLoop = onLoop && CeleriacRuntime.isOnEventLoopThread
                }
                return (sent, onLoop)
            }
            #expect(onLoop)
            #expect(Set(sent).count == 50)
            #expect(try await ids(in: "pinned-q", app: app) == sent)
        }
    }

    @Test func aSendOnAKilledConnectionFailsAndNothingIsStoredForIt() async throws {
        try await withApp { app, server in
            let admin = try RedisClient(url: server.url())
            var returned: [String] = []
            await #expect(throws: (any Error).self) {
                try await app.producer.withPinnedConnection { sender in
                    returned.append(try await sender.send("demo.noop", options: SendOptions(queue: "pinned-kill")))
                    // Every connection but the admin's goes, the pinned one included.
                    _ = try await admin.send(["CLIENT", "KILL", "SKIPME", "yes"])
                    // No retry on a pinned connection: this send fails (the caller owns the loop).
                    returned.append(try await sender.send("demo.noop", options: SendOptions(queue: "pinned-kill")))
                }
            }
            #expect(returned.count == 1)
            // A new pinned loop connects afresh and sends.
            returned.append(try await app.producer.withPinnedConnection { sender in
                try await sender.send("demo.noop", options: SendOptions(queue: "pinned-kill"))
            })
            // Exactly the sends that returned are in the queue, in order.
            #expect(try await ids(in: "pinned-kill", app: app) == returned)
            await admin.close()
        }
    }
}
