import CeleriacProtocol
import Testing

@Suite("priorities, bindings and rate limits")
struct TransportTests {
    @Test("priorities clamp to 0–9 and map to steps [0, 3, 6, 9]")
    func priorities() {
        let expected = [-5: 0, 0: 0, 1: 0, 2: 0, 3: 3, 4: 3, 5: 3, 6: 6, 7: 6, 8: 6, 9: 9, 10: 9, 255: 9]
        for (priority, step) in expected {
            #expect(Priority.step(for: priority) == step, "\(priority)")
        }
        #expect(Priority.queueKey("celery", priority: 5) == "celery\u{06}\u{16}3")
        #expect(Array(Priority.queueKey("celery", priority: 9).utf8) == Array("celery".utf8) + [0x06, 0x16, UInt8(ascii: "9")])
        #expect(Priority.queueKey("celery", priority: 2) == "celery")
        #expect(Priority.allKeys("q") == ["q", "q\u{06}\u{16}3", "q\u{06}\u{16}6", "q\u{06}\u{16}9"])
        #expect(Priority.brpopKeys(["a", "b"]) == ["a", "b", "a\u{06}\u{16}3", "b\u{06}\u{16}3", "a\u{06}\u{16}6", "b\u{06}\u{16}6",
                                                  "a\u{06}\u{16}9", "b\u{06}\u{16}9"])
        #expect(Priority.queueName(fromKey: "celery\u{06}\u{16}6") == "celery")
        #expect(Priority.queueName(fromKey: "celery") == "celery")
        // The last separator counts; names of any script and keys shorter than it survive.
        #expect(Priority.queueName(fromKey: "a\u{06}\u{16}b\u{06}\u{16}9") == "a\u{06}\u{16}b")
        #expect(Priority.queueName(fromKey: "çéleri 队列\u{06}\u{16}3") == "çéleri 队列")
        #expect(Priority.queueName(fromKey: "\u{06}") == "\u{06}")
        #expect(Priority.queueName(fromKey: "") == "")
        #expect(Priority.clamp(nil) == 0)
    }

    @Test("captured priority messages went to the key the mapping gives")
    func capturedPriorityKeys() throws {
        for file in ["task-priority-0.json", "task-priority-5.json", "task-priority-9.json", "task-queue-nobody-priority-6.json"] {
            let command = try #require(try Fixtures.load(file)["command"]?.arrayValue)
            let key = try #require(command[1].stringValue)
            let message = try TaskMessage.decode(Array(try #require(command[2].stringValue).utf8))
            let queue = try #require(message.properties.deliveryInfo.routingKey)
            #expect(Priority.queueKey(queue, priority: Priority.of(message.properties)) == key, "\(file)")
        }
    }

    @Test("binding members are routing_key SEP pattern SEP queue")
    func bindings() throws {
        let binding = Binding(routingKey: "celery", queue: "celery")
        #expect(binding.member == "celery\u{06}\u{16}\u{06}\u{16}celery")
        #expect(Binding(member: binding.member) == binding)
        #expect(Binding(member: "\u{06}\u{16}\u{06}\u{16}w1@host1.celery.pidbox") == Binding(routingKey: "", queue: "w1@host1.celery.pidbox"))
        #expect(Binding(member: "no separators") == nil)
        #expect(Binding.setKey(exchange: "reply.celery.pidbox") == "_kombu.binding.reply.celery.pidbox")
        // The inspect flow adds exactly this member for the caller's reply queue.
        let flow = try #require(try Fixtures.load("pidbox-inspect-flow.json")["sequence"]?.arrayValue)
        let evalsha = try #require(flow.compactMap { $0["send"]?.arrayValue }.first { $0.first == "EVALSHA" })
        let member = try #require(evalsha[5].stringValue)
        let parsed = try #require(Binding(member: member))
        #expect(parsed.queue == ControlMessage.replyQueue(oid: parsed.routingKey))
    }

    @Test("rate limits parse like celery.utils.time.rate")
    func rateLimits() throws {
        #expect(try RateLimit.tasksPerSecond("10/s") == 10)
        #expect(try RateLimit.tasksPerSecond("100/m") == 100.0 / 60)
        #expect(try RateLimit.tasksPerSecond("5/h") == 5.0 / 3600)
        #expect(try RateLimit.tasksPerSecond("7") == 7)
        #expect(try RateLimit.tasksPerSecond("0.5/s") == 0.5)
        #expect(try RateLimit.tasksPerSecond(" 1_000 /m") == 1000.0 / 60)
        #expect(try RateLimit.tasksPerSecond("") == 0)
        #expect(try RateLimit.tasksPerSecond("10/") == 10)
        #expect(try RateLimit.tasksPerSecond(.int(3)) == 3)
        #expect(try RateLimit.tasksPerSecond(.null) == 0)
        #expect(throws: RateLimitError.unknownUnit("x")) { try RateLimit.tasksPerSecond("10/x") }
        #expect(throws: RateLimitError.unknownUnit("x")) { try RateLimit.tasksPerSecond("abc/x") }
        #expect(throws: RateLimitError.unknownUnit("m/s")) { try RateLimit.tasksPerSecond("1/m/s") }
        #expect(throws: RateLimitError.invalidNumber("abc")) { try RateLimit.tasksPerSecond("abc/s") }
        #expect(throws: RateLimitError.invalidNumber("1__0")) { try RateLimit.tasksPerSecond("1__0") }
        #expect(throws: RateLimitError.invalidNumber("0x10")) { try RateLimit.tasksPerSecond("0x10") }
        #expect(RateLimitError.unknownUnit("x").pythonRepr == "KeyError('x')")
        #expect(RateLimitError.invalidNumber("abc").pythonRepr == #"ValueError("could not convert string to float: 'abc'")"#)
        #expect(ControlReplies.invalidRateLimit(.invalidNumber("abc"))
            == ["error": #"Invalid rate limit string: ValueError("could not convert string to float: 'abc'")"#])
    }
}
