@testable import CeleriacRedis
import CeleriacTestSupport
import Testing

@Suite("Pub/sub")
struct RedisPubSubTests {
    @Test(arguments: [RESPVersion.v2, .v3])
    func channelsAndPatterns(version: RESPVersion) async throws {
        try await withClient(version) { client, server async throws in
            let subscriber = RedisSubscriber(url: try RedisURL(parsing: server.url()), options: testOptions(version))
            let collector = EventCollector(subscriber)
            try await subscriber.subscribe(["celery-task-meta-1", "news"])
            try await subscriber.psubscribe(["/0.celery.*", "celeryev*"])
            #expect(subscriber.subscriptions.channels == ["celery-task-meta-1", "news"])

            #expect(try await client.publish("news", "hello") == 1)
            // `*` matches `.` and `/` in Redis globs.
            #expect(try await client.publish("/0.celery.pidbox", [0x00, 0xFF]) == 1)
            #expect(try await client.publish("celeryev/worker.heartbeat", "beat") == 1)
            #expect(try await client.publish("unrelated", "x") == 0)
            #expect(try await client.publish("celery-task-meta-1", "done") == 1)

            let messages = try await collector.waitForMessages(4)
            #expect(messages == [
                RedisPubSubMessage(channel: "news", payload: Array("hello".utf8)),
                RedisPubSubMessage(pattern: "/0.celery.*", channel: "/0.celery.pidbox", payload: [0x00, 0xFF]),
                RedisPubSubMessage(pattern: "celeryev*", channel: "celeryev/worker.heartbeat", payload: Array("beat".utf8)),
                RedisPubSubMessage(channel: "celery-task-meta-1", payload: Array("done".utf8)),
            ])

            try await subscriber.unsubscribe(["news"])
            try await subscriber.punsubscribe(["celeryev*"])
            #expect(try await client.publish("news", "gone") == 0)
            #expect(try await client.publish("celeryev/x", "gone") == 0)
            #expect(try await client.publish("/0.celery.pidbox", "still") == 1)
            let after = try await collector.waitForMessages(5)
            #expect(after.last == RedisPubSubMessage(pattern: "/0.celery.*", channel: "/0.celery.pidbox", payload: Array("still".utf8)))
            await subscriber.close()
        }
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func resubscribesAfterTheServerRestarts(version: RESPVersion) async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let url = try RedisURL(parsing: server.url())
        let subscriber = RedisSubscriber(url: url, options: testOptions(version))
        let collector = EventCollector(subscriber)
        try await subscriber.subscribe(["results"])
        try await subscriber.psubscribe(["events.*"])

        server.kill9()
        try await collector.waitForDisconnect()
        let restarted = try RedisServer(port: server.port)
        defer { restarted.stop() }
        try await collector.waitFor(.reconnected)

        let publisher = RedisClient(url: url, options: testOptions(version))
        #expect(try await publisher.publish("results", "r1") == 1)
        #expect(try await publisher.publish("events.task", "e1") == 1)
        let messages = try await collector.waitForMessages(2)
        #expect(messages == [
            RedisPubSubMessage(channel: "results", payload: Array("r1".utf8)),
            RedisPubSubMessage(pattern: "events.*", channel: "events.task", payload: Array("e1".utf8)),
        ])
        await publisher.close()
        await subscriber.close()
    }

    @Test(arguments: [RESPVersion.v2, .v3])
    func healthChecksPingTheSubscribedConnection(version: RESPVersion) async throws {
        try await withClient(version) { client, server async throws in
            var options = testOptions(version)
            options.healthCheckInterval = .milliseconds(50)
            options.clientName = "pinged-subscriber"
            let subscriber = RedisSubscriber(url: try RedisURL(parsing: server.url()), options: options)
            let collector = EventCollector(subscriber)
            try await subscriber.subscribe(["beat"])
            try await eventually("a health-check PING from the subscriber") {
                let clients = try await client.send(["CLIENT", "LIST"]).string ?? ""
                return clients.split(whereSeparator: \.isNewline).contains { $0.contains("name=pinged-subscriber") && $0.contains("cmd=ping") }
            }
            // The PING replies (RESP2 ["pong", ""] arrays, RESP3 +PONG) are not messages.
            #expect(try await client.publish("beat", "after-pings") == 1)
            #expect(try await collector.waitForMessages(1) == [RedisPubSubMessage(channel: "beat", payload: Array("after-pings".utf8))])
            #expect(await collector.events.count == 1)
            await subscriber.close()
        }
    }

    @Test func droppedSubscribersAndConnectionsCloseTheirSockets() async throws {
        try await withClient { client, server async throws in
            let url = try RedisURL(parsing: server.url())
            var options = testOptions()
            options.clientName = "dropped"
            do {
                let subscriber = RedisSubscriber(url: url, options: options)
                try await subscriber.subscribe(["x"])
                let connection = try await RedisConnection.connect(to: url, options: options)
                #expect(try await connection.ping() == "PONG")
            }
            // Neither was closed explicitly; their deinit must let go of the sockets.
            try await eventually("the dropped clients to disconnect") {
                let clients = try await client.send(["CLIENT", "LIST"]).string ?? ""
                return !clients.contains("name=dropped")
            }
        }
    }

    @Test func framesParseInBothProtocols() {
        let resp3: RESPValue = .push([.bulk("pmessage"), .bulk("ev.*"), .bulk("ev.x"), .bulkString([0, 1])])
        let resp2: [RESPValue] = [.bulk("message"), .bulk("ch"), .bulk("hi")]
        #expect(resp3.array.map(RedisPubSubFrame.init) == .message(RedisPubSubMessage(pattern: "ev.*", channel: "ev.x", payload: [0, 1])))
        #expect(RedisPubSubFrame(resp2) == .message(RedisPubSubMessage(channel: "ch", payload: Array("hi".utf8))))
        #expect(RedisPubSubFrame([.bulk("psubscribe"), .bulk("ev.*"), .integer(1)]) == .confirmation(.psubscribe, "ev.*"))
        #expect(RedisPubSubFrame([.bulk("unsubscribe"), .null, .integer(0)]) == .confirmation(.unsubscribe, nil))
        #expect(RedisPubSubFrame([.bulk("pong"), .bulk("")]) == .other)
        #expect(RedisPubSubFrame([.bulk("message"), .bulk("only-two")]) == .other)
    }

    @Test func subscribingBeforeTheConnectionIsUpWorks() async throws {
        try await withClient { client, server async throws in
            let subscriber = client.subscriber()
            let collector = EventCollector(subscriber)
            // No await between creation and subscribe: the connection may not exist yet.
            try await subscriber.subscribe(["early"])
            #expect(try await client.publish("early", "bird") == 1)
            #expect(try await collector.waitForMessages(1) == [RedisPubSubMessage(channel: "early", payload: Array("bird".utf8))])
            await subscriber.close()
        }
    }
}
