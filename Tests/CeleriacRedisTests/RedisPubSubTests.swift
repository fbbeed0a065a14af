import CeleriacRedis
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
