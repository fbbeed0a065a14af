import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Testing

@Suite("producer")
struct ProducerTests {
    /// The envelope with what may legitimately differ (ids of the sender, tags, times of
    /// sending) removed, and the body decoded.
    func comparable(_ bytes: [UInt8]) throws -> JSONValue {
        var envelope = try KombuEnvelope.decode(bytes)
        let body = try envelope.decodeBody()
        var properties = envelope.properties.raw
        _ = properties.removeValue(forKey: "delivery_tag")
        _ = properties.removeValue(forKey: "reply_to")
        let hadExpiration = properties.removeValue(forKey: "expiration") != nil
        _ = envelope.headers.removeValue(forKey: "origin")
        return ["headers": .object(envelope.headers), "properties": .object(properties), "body": body,
                "content-type": .optionalString(envelope.contentType), "content-encoding": .optionalString(envelope.contentEncoding),
                "has-expiration": .bool(hadExpiration)]
    }

    @Test func messagesMatchWhatPythonCelerySends() async throws {
        try await withApp { app, server in
            let python = """
                import os
                from datetime import datetime, timezone
                from celery import Celery
                app = Celery('demo', broker=os.environ['CELERY_BROKER_URL'], backend=os.environ['CELERY_BROKER_URL'])
                app.send_task('demo.add', args=[2, 3], kwargs={'z': 'é'}, task_id='11111111-2222-3333-4444-555555555555',
                              queue='cmp', priority=5)
                app.send_task('demo.echo', args=[[1, 2.5, None, True]], task_id='66666666-2222-3333-4444-555555555555',
                              queue='cmp', eta=datetime(2030, 1, 2, 3, 4, 5, 500000, tzinfo=timezone.utc),
                              expires=datetime(2031, 1, 3, tzinfo=timezone.utc), soft_time_limit=10, time_limit=20,
                              shadow='echo-shadow', headers={'custom': 'x'}, ignore_result=True)
                """
            let output = try await runPython(python, environment: ["CELERY_BROKER_URL": server.url()])
            try #require(output.status == 0, "python failed: \(output.stderr)")
            let pythonFirst = try #require(try await app.transport.client.rpop("cmp\u{06}\u{16}3"))
            let pythonSecond = try #require(try await app.transport.client.rpop("cmp"))

            var first = SendOptions(queue: "cmp", priority: 5, taskID: "11111111-2222-3333-4444-555555555555")
            first.retries = 0
            try await app.producer.send("demo.add", args: [2, 3], kwargs: ["z": "é"], options: first)
            var second = SendOptions(queue: "cmp", eta: Date(timeIntervalSince1970: 1_893_553_445.5),
                                     expires: .date(Date(timeIntervalSince1970: 1_925_164_800)),
                                     taskID: "66666666-2222-3333-4444-555555555555")
            second.softTimeLimit = 10
            second.timeLimit = 20
            second.shadow = "echo-shadow"
            second.headers = ["custom": "x"]
            second.ignoreResult = true
            try await app.producer.send("demo.echo", args: [[1, 2.5, nil, true]], options: second)
            let swiftFirst = try #require(try await app.transport.client.rpop("cmp\u{06}\u{16}3"))
            let swiftSecond = try #require(try await app.transport.client.rpop("cmp"))

            #expect(try comparable(swiftFirst) == (try comparable(pythonFirst)), "\(swiftFirst.text)\n\(pythonFirst.text)")
            #expect(try comparable(swiftSecond) == (try comparable(pythonSecond)), "\(swiftSecond.text)\n\(pythonSecond.text)")
            // Both declared the queue the same way.
            #expect(try await app.transport.client.smembers("_kombu.binding.cmp") == ["cmp\u{06}\u{16}\u{06}\u{16}cmp"])
        }
    }

    @Test func sendManyWritesEveryMessage() async throws {
        try await withApp { app, _ in
            let calls = (0..<250).map { index in
                (name: "demo.add", args: [JSONValue.integer(index), 1], kwargs: JSONObject(),
                 options: SendOptions(queue: index % 2 == 0 ? "even" : "odd"))
            }
            let results = try await app.producer.sendMany(calls)
            #expect(Set(results.map(\.id)).count == 250)
            #expect(try await app.transport.size(of: "even") == 125)
            #expect(try await app.transport.size(of: "odd") == 125)
        }
    }

    @Test func sendManyKeepsTheOrderOfOneLPUSHPerMessage() async throws {
        try await withApp { app, _ in
            // Runs of the same queue and priority step share one LPUSH; the list must end up
            // as with one LPUSH per message: the first message sent is the first popped.
            let queues = ["a", "a", "a", "b", "a", "a", "b", "b"]
            let calls = queues.enumerated().map { index, queue in
                (name: "demo.add", args: [JSONValue.integer(index), 1], kwargs: JSONObject(),
                 options: SendOptions(queue: queue, priority: index == 5 ? 9 : nil))
            }
            for pinned in [false, true] {
                let sent: [String]
                if pinned {
                    sent = try await app.producer.withPinnedConnection { sender in try await sender.sendMany(calls) }
                } else {
                    sent = try await app.producer.sendMany(calls).map(\.id)
                }
                var popped: [String: [String]] = [:]
                for key in ["a", "b", "a\u{06}\u{16}9"] {
                    while let bytes = try await app.transport.client.rpop(key) {
                        popped[key, default: []].append(try TaskMessage.decode(bytes).id)
                    }
                }
                #expect(popped["a"] == [0, 1, 2, 4].map { sent[$0] })
                #expect(popped["b"] == [3, 6, 7].map { sent[$0] })
                #expect(popped["a\u{06}\u{16}9"] == [sent[5]])
            }
        }
    }

    @Test func taskSentEventOnlyWhenConfigured() async throws {
        try await withApp(configure: { $0.sendSentEvent = true }) { app, _ in
            let receiver = EventReceiver(transport: app.transport)
            let stream = try await receiver.start()
            let result = try await app.producer.send("demo.noop", options: SendOptions(queue: "q"))
            var iterator = stream.makeAsyncIterator()
            guard case .event(let event, let channel)? = await iterator.next() else {
                Issue.record("no event")
                return
            }
            #expect(event.type == .taskSent)
            #expect(event.uuid == result.id)
            #expect(event.queue == "q")
            #expect(channel == "/0.celeryev/task.sent")
            await receiver.close()
        }
    }

    @Test func routesPickTheQueue() throws {
        var configuration = try Configuration(broker: "redis://127.0.0.1:1/0")
        configuration.taskRoutes = [("demo.a*", "adds"), ("reports.*", "reports")]
        #expect(configuration.queue(forTask: "demo.add") == "adds")
        #expect(configuration.queue(forTask: "reports.daily") == "reports")
        #expect(configuration.queue(forTask: "demo.mul") == "celery")
    }

    @Test func brokerURLsParseWithFailoverAndRejectBadSchemes() throws {
        let configuration = try Configuration(broker: "redis://127.0.0.1:1/0;redis://127.0.0.1:2/3")
        #expect(configuration.brokerURLs.count == 2)
        #expect(configuration.brokerURLs[1].database == 3)
        #expect(throws: ConfigurationError.self) { try Configuration(broker: "amqp://guest@localhost//") }
        #expect(BrokerURLResolver.broker(option: nil, environment: ["CELERY_BROKER_URL": "redis://b", "CELERIAC_BROKER_URL": "redis://a"]) == "redis://a")
        #expect(BrokerURLResolver.broker(option: "redis://o", environment: ["CELERIAC_BROKER_URL": "redis://a"]) == "redis://o")
        #expect(BrokerURLResolver.broker(option: nil, environment: [:]) == "redis://127.0.0.1:6379/0")
    }

    @Test func failoverUsesTheFirstBrokerThatAnswers() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let refusing = FreePort.Refusing()
        defer { withExtendedLifetime(refusing) {} }
        let configuration = try Configuration(broker: "redis://127.0.0.1:\(refusing.port)/0;\(server.url())")
        let app = try await App(configuration: configuration)
        try await app.producer.send("demo.noop")
        #expect(try await app.transport.size(of: "celery") == 1)
        await app.close()
    }

    /// A broker lost mid-run is failed over from: the next send lands on the next URL of the
    /// list, and a consumer's blocking pops follow.
    @Test func aBrokerLostMidRunIsFailedOverToTheNext() async throws {
        let first = try RedisServer()
        defer { first.stop() }
        let second = try RedisServer()
        defer { second.stop() }
        var configuration = try Configuration(broker: "\(first.url());\(second.url())")
        configuration.brokerTimeout = 1
        configuration.publishRetryDelay = 0.1
        let app = try await App(configuration: configuration)
        try await app.producer.send("demo.noop")
        #expect(try await app.transport.size(of: "celery") == 1)
        #expect(app.transport.client.url.description == first.url())
        first.kill9()
        let moved = try await app.producer.send("demo.add", args: [1, 2])
        #expect(app.transport.client.url.description == second.url())
        let onSecond = try await App(configuration: try Configuration(broker: second.url()))
        #expect(try await onSecond.transport.size(of: "celery") == 1)
        // A consumer of the failed-over app pops the message from the second server.
        let consumer = Consumer(transport: app.transport, queues: ["celery"], prefetch: 1)
        let delivery = try #require(try await consumer.poll())
        #expect(try TaskMessage.decode(envelope: delivery.envelope).id == moved.id)
        await consumer.close()
        await onSecond.close()
        await app.close()
    }

    @Test func sendsRetryWhileTheBrokerRestartsAndFailClearlyWhenItStaysDown() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let port = server.port
        var configuration = try Configuration(broker: server.url())
        configuration.brokerTimeout = 1
        configuration.publishMaxRetries = 8
        configuration.publishRetryDelay = 0.2
        configuration.publishRetryMaxDelay = 0.5
        let app = try await App(configuration: configuration)
        try await app.producer.send("demo.noop")
        server.kill9()
        let pending = Task { try await app.producer.send("demo.add", args: [1, 2]) }
        try await Task.sleep(for: .milliseconds(600))
        let restarted = try RedisServer(port: port)
        defer { restarted.stop() }
        let result = try await pending.value
        // The restarted server is empty: the only message is the one sent through the outage.
        let stored = try #require(try await app.transport.client.rpop("celery"))
        #expect(try TaskMessage.decode(stored).id == result.id)

        restarted.kill9()
        await #expect(throws: SendError.self) { try await app.producer.send("demo.noop") }
        await app.close()
    }
}

@Suite("ids")
struct IdentifierTests {
    @Test func messageIdsAndDeliveryTagsAreDistinctVersionFourUUIDs() async throws {
        // A single broker URL is not contacted until something is sent.
        let app = try await App(configuration: try Configuration(broker: "redis://127.0.0.1:1/0"))
        var seen = Set<String>()
        for _ in 0..<1_000 {
            let message = try app.producer.message("demo.noop")
            for id in [message.id, message.properties.deliveryTag ?? ""] {
                #expect(UUID(uuidString: id) != nil)
                let characters = Array(id)
                #expect(characters.count == 36 && characters[14] == "4" && "89ab".contains(characters[19]))
                #expect(id == id.lowercased())
                seen.insert(id)
            }
        }
        #expect(seen.count == 2_000)
        await app.close()
    }
}
