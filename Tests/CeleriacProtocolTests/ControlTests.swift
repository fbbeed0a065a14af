import CeleriacProtocol
import Testing

@Suite("remote control")
struct ControlTests {
    /// (file, request text, reply texts) of every pidbox fixture with a request.
    private func exchanges() throws -> [(file: String, request: String, replies: [String])] {
        var out: [(String, String, [String])] = []
        for name in try Fixtures.names() {
            let fixture = try Fixtures.load(name)
            guard let request = fixture["request"]?["command"]?.arrayValue?.last?.stringValue else { continue }
            let replies = (fixture["replies"]?.arrayValue ?? []).compactMap { $0["command"]?.arrayValue?.last?.stringValue }
            out.append((name, request, replies))
        }
        return out
    }

    @Test("every control request rebuilds from its typed command byte for byte")
    func requestsRoundTrip() throws {
        let all = try exchanges()
        #expect(all.count >= 30)
        for (file, text, _) in all {
            let received = try ControlMessage.decodeRequest(Array(text.utf8))
            let request = received.request
            let command = try request.command()
            if case .other = command {
                #expect(request.method == "no_such_command", "\(file)")
            }
            let rebuilt = ControlRequest(command: command, destination: request.destination, pattern: request.pattern,
                                         matcher: request.matcher, ticket: request.ticket, replyTo: request.replyTo)
            let envelope = try KombuEnvelope.decode(Array(text.utf8))
            let reencoded = ControlMessage.requestEnvelope(rebuilt, clock: try #require(received.clock),
                                                           expires: try #require(received.expires),
                                                           deliveryTag: try #require(envelope.properties.deliveryTag))
            #expect(String(decoding: reencoded.encoded(), as: UTF8.self) == text, "\(file)")
            #expect(request.isCast == (command == .heartbeat), "\(file)")
        }
    }

    @Test("decoded requests and replies equal the fixtures' own decoding")
    func decodedMatchesFixture() throws {
        var checked = 0
        for name in try Fixtures.names() {
            let fixture = try Fixtures.load(name)
            var pairs: [JSONValue] = []
            if let request = fixture["request"] { pairs.append(request) }
            pairs += fixture["replies"]?.arrayValue ?? []
            for pair in pairs {
                guard let text = pair["command"]?.arrayValue?.last?.stringValue, let decoded = pair["decoded"] else { continue }
                let envelope = try KombuEnvelope.decode(Array(text.utf8))
                #expect(try envelope.decodeBody() == decoded["body"], "\(name)")
                #expect(.object(envelope.headers) == decoded["headers"], "\(name)")
                checked += 1
            }
        }
        #expect(checked >= 60)
    }

    @Test("Flower's broadcasts parse as typed commands and rebuild to the same body")
    func flowerBroadcasts() throws {
        let fixture = try Fixtures.load("flower-broadcasts.json")
        let requests = try #require(fixture["requests"]?.arrayValue)
        let methods = try #require(fixture["methods_in_order"]?.arrayValue)
        #expect(requests.count == methods.count)
        for (body, method) in zip(requests, methods) {
            let request = try ControlRequest(raw: try #require(body.objectValue))
            #expect(.string(request.method) == method)
            let command = try request.command()
            if case .other = command { Issue.record("\(request.method) not typed") }
            let rebuilt = ControlRequest(command: command, destination: request.destination, pattern: request.pattern,
                                         matcher: request.matcher, ticket: request.ticket, replyTo: request.replyTo)
            #expect(rebuilt.raw == request.raw, "\(request.method)")
        }
    }

    @Test("every control reply decodes and re-encodes byte for byte")
    func repliesRoundTrip() throws {
        var count = 0
        for (file, requestText, replies) in try exchanges() {
            let request = try ControlMessage.decodeRequest(Array(requestText.utf8)).request
            for text in replies {
                let reply = try ControlMessage.decodeReply(Array(text.utf8))
                #expect(reply.ticket == request.ticket, "\(file)")
                let envelope = try KombuEnvelope.decode(Array(text.utf8))
                let reencoded = ControlMessage.replyEnvelope(reply, replyTo: try #require(request.replyTo),
                                                             deliveryTag: try #require(envelope.properties.deliveryTag))
                #expect(String(decoding: reencoded.encoded(), as: UTF8.self) == text, "\(file)")
                count += 1
            }
        }
        #expect(count >= 28)
    }

    /// The reply result a fixture recorded for its first reply.
    private func firstResult(_ file: String) throws -> JSONValue {
        let fixture = try Fixtures.load(file)
        let text = try #require(fixture["replies"]?.arrayValue?.first?["command"]?.arrayValue?.last?.stringValue)
        return try ControlMessage.decodeReply(Array(text.utf8)).result
    }

    @Test("typed reply builders give the captured results")
    func replyShapes() throws {
        #expect(try firstResult("pidbox-ping.json") == ControlReplies.pong)
        #expect(try firstResult("pidbox-revoke.json") == ControlReplies.revokeFlagged(["b149424c-5305-4d2f-b4b3-7fe4767fe301"]))
        #expect(try firstResult("pidbox-revoke-multi.json")
            == ControlReplies.revokeFlagged(["19d685aa-1f2a-4e00-9f91-6112fc5aba02", "78aee6d1-1c90-4f44-820f-3e849eb7b20b"]))
        #expect(try firstResult("pidbox-revoke-terminate.json") == ControlReplies.revokeTerminated(["0840062b-1861-4eb1-9a31-5492297b16cf"]))
        #expect(try firstResult("pidbox-revoke-terminate-unknown.json") == ControlReplies.revokeTerminated([]))
        #expect(try firstResult("pidbox-rate-limit.json") == ControlReplies.rateLimitSet)
        #expect(try firstResult("pidbox-rate-limit-invalid.json") == ControlReplies.invalidRateLimit(.unknownUnit("x")))
        #expect(try firstResult("pidbox-time-limit.json") == ControlReplies.timeLimitsSet)
        #expect(try firstResult("pidbox-add-consumer.json") == ControlReplies.consumerAdded("extra"))
        #expect(try firstResult("pidbox-cancel-consumer.json") == ControlReplies.consumerCancelled("extra"))
        #expect(try firstResult("pidbox-pool-grow.json") == ControlReplies.poolWillGrow)
        #expect(try firstResult("pidbox-pool-shrink.json") == ControlReplies.poolWillShrink)
        #expect(try firstResult("pidbox-enable-events.json") == ControlReplies.eventsEnabled(changed: false))
        #expect(try firstResult("pidbox-disable-events.json") == ControlReplies.eventsDisabled(changed: false))
        #expect(try firstResult("pidbox-clock.json") == ControlReplies.clock(210))
        #expect(try firstResult("pidbox-unknown-command.json") == ControlReplies.unknownMethod("no_such_command"))
        #expect(try firstResult("pidbox-reserved-empty.json") == [])

        let names = ["demo.add", "demo.echo", "demo.fail", "demo.flaky", "demo.limited", "demo.mul", "demo.noop", "demo.sleep",
                     "demo.soft", "demo.xsum"]
        let entries = names.reversed().map { ($0, $0 == "demo.limited" ? [("rate_limit", "10/m")] : []) }
        #expect(try firstResult("pidbox-registered.json") == ControlReplies.registered(entries))
        #expect(try firstResult("pidbox-revoked.json") == ControlReplies.revokedIDs([
            "15d5c556-38cd-4b46-a01b-9c45ca3b9090", "b149424c-5305-4d2f-b4b3-7fe4767fe301",
            "d10e8505-f432-47f9-b58d-83359c9bb147", "684d1e1b-3a60-4cf9-bcfe-cbaa22b62689"]))
        let registered = try #require(try firstResult("pidbox-registered.json").arrayValue)
        #expect(registered.contains(ControlReplies.registeredEntry("demo.limited", attributes: [("rate_limit", "10/m")])))
        #expect(registered.contains(ControlReplies.registeredEntry("demo.add")))

        let active = try #require(try firstResult("pidbox-active.json").arrayValue?.first)
        let info = TaskRequestInfo(id: "d10e8505-f432-47f9-b58d-83359c9bb147", name: "demo.sleep", args: [4], kwargs: [:],
                                   hostname: "w1@host1", timeStart: 1_795_585_295.4360206, acknowledged: true,
                                   routingKey: "celery", workerPID: 6094)
        #expect(JSONWriter.string(info.jsonValue) == JSONWriter.string(active))

        let scheduled = try #require(try firstResult("pidbox-scheduled.json").arrayValue?.first)
        let request = TaskRequestInfo(id: "684d1e1b-3a60-4cf9-bcfe-cbaa22b62689", name: "demo.add", args: [100, 100], kwargs: [:],
                                      hostname: "w1@host1", timeStart: nil, acknowledged: false, routingKey: "celery", workerPID: nil)
        let eta = try CeleryDateTime.parse("2026-11-25T05:42:05.439413+00:00")
        #expect(ControlReplies.scheduledEntry(eta: eta, priority: 6, request: request) == scheduled)

        let query = try firstResult("pidbox-query-task.json")
        #expect(query.objectValue?.keys == ["b149424c-5305-4d2f-b4b3-7fe4767fe301", "684d1e1b-3a60-4cf9-bcfe-cbaa22b62689"])
        #expect(query["684d1e1b-3a60-4cf9-bcfe-cbaa22b62689"] == ControlReplies.queryTask([(.scheduled, request)])["684d1e1b-3a60-4cf9-bcfe-cbaa22b62689"])

        let hello = try firstResult("pidbox-hello.json")
        let revokedValues = try #require(hello["revoked"]?.arrayValue)
        let revoked = revokedValues.compactMap { $0.stringValue }
        let clock = try #require(hello["clock"]?.intValue)
        #expect(ControlReplies.hello(revoked: revoked, clock: Int(clock)) == hello)

        let stats = try firstResult("pidbox-stats.json")
        #expect(stats["clock"] == "203")
        #expect(stats["prefetch_count"] == 9)
    }

    @Test("commands parse their arguments with Celery's defaults")
    func commandParsing() throws {
        #expect(try ControlCommand(method: "revoke", arguments: ["task_id": "a"]) == .revoke(taskIDs: ["a"], terminate: false, signal: nil))
        #expect(try ControlCommand(method: "revoke", arguments: ["task_id": ["a", "b"], "terminate": true, "signal": "SIGKILL"])
            == .revoke(taskIDs: ["a", "b"], terminate: true, signal: "SIGKILL"))
        #expect(try ControlCommand(method: "pool_grow", arguments: [:]) == .poolGrow(n: 1))
        #expect(try ControlCommand(method: "query_task", arguments: ["ids": "x"]) == .queryTask(ids: ["x"]))
        #expect(try ControlCommand(method: "conf", arguments: [:]) == .conf(withDefaults: false))
        #expect(try ControlCommand(method: "add_consumer", arguments: ["queue": "q"])
            == .addConsumer(queue: "q", exchange: nil, exchangeType: nil, routingKey: nil))
        #expect(try ControlCommand(method: "hello", arguments: ["from_node": "w2@h", "revoked": []]) == .hello(fromNode: "w2@h", revoked: []))
        #expect(!ControlCommand.shutdown.expectsReply)
        let failures: [(String, JSONObject)] = [("revoke", [:]), ("rate_limit", ["rate_limit": "1/s"]), ("add_consumer", [:]),
                                                ("cancel_consumer", ["queue": 1]), ("hello", ["revoked": []]),
                                                ("query_task", ["ids": [1]]), ("pool_grow", ["n": "2"]),
                                                ("time_limit", ["task_name": "t", "hard": "x"])]
        for (method, arguments) in failures {
            #expect(throws: ProtocolError.self, "\(method)") { try ControlCommand(method: method, arguments: arguments) }
        }
    }

    @Test("destination, glob and pcre decide who acts")
    func addressing() throws {
        func request(destination: [String]? = nil, pattern: String? = nil, matcher: String? = nil) -> ControlRequest {
            ControlRequest(method: "ping", destination: destination, pattern: pattern, matcher: matcher)
        }
        #expect(try request().isAddressed(to: "w1@host1"))
        #expect(try request(destination: ["w1@host1"]).isAddressed(to: "w1@host1"))
        #expect(try !request(destination: ["w2@host1"]).isAddressed(to: "w1@host1"))
        #expect(try request(destination: []).isAddressed(to: "w1@host1"))
        #expect(try request(pattern: "w1@.*", matcher: "pcre").isAddressed(to: "w1@host1"))
        #expect(try !request(pattern: "w2@.*", matcher: "pcre").isAddressed(to: "w1@host1"))
        #expect(try request(pattern: "w2*", matcher: nil).isAddressed(to: "w1@host1"))
        #expect(try request(pattern: "w[12]@*", matcher: "glob").isAddressed(to: "w1@host1"))
        #expect(try !request(pattern: "w[!1]@*", matcher: "glob").isAddressed(to: "w1@host1"))
        #expect(throws: ProtocolError.self) { try request(pattern: "x", matcher: "regex").isAddressed(to: "w1@host1") }

        let globCases: [(String, String, Bool)] = [
            ("w1@host1", "*", true), ("w1@host1", "w?@host1", true), ("w1@host1", "w1@host", false),
            ("w1@host1", "*@host[0-9]", true), ("w1@host1", "*@HOST1", false), ("a[b", "a[b", true),
            ("w1@host1", "*host1*", true), ("", "*", true), ("", "?", false), ("a]", "[]]]", false), ("]", "[]]", true),
        ]
        for (name, pattern, expected) in globCases {
            #expect(DestinationMatcher.glob(name, pattern: pattern) == expected, "\(pattern) ~ \(name)")
        }
        let pcreCases: [(String, String, Bool)] = [
            ("w1@host1", "w1", true), ("w1@host1", "host1", false), ("w1@host1", "w1@host1$", true),
            ("w1@host1", "w\\d@", true), ("w1@host1", "(w1|w2)@h", true), ("w3@host1", "(?:w1|w2)@h", false),
            ("w1@host1", "[a-z]+\\d@host[0-9]{1,2}$", true), ("w1@host1", "w1@host12?$", true), ("w1@host1", "^w.*1$", true),
            ("celery@x", "cel+ery", true), ("celery@x", "c.{5}@", true), ("celery@x", "c.{6}@", false),
            ("w1.host", "w1\\.host", true), ("w1xhost", "w1\\.host", false), ("a", "a|", true), ("ab", "a*b+", true),
        ]
        for (name, pattern, expected) in pcreCases {
            #expect(try DestinationMatcher.matches(name, pattern: pattern, matcher: "pcre") == expected, "\(pattern) ~ \(name)")
        }
        for bad in ["(", "a)", "[abc", "*a", "a**", "(?=a)", "\\1", "a{3,1}", "\\"] {
            #expect(throws: ProtocolError.self, "\(bad)") { try DestinationMatcher.matches("a", pattern: bad, matcher: "pcre") }
        }
        #expect(throws: ProtocolError.self) {
            try DestinationMatcher.matches(String(repeating: "a", count: 60) + "b", pattern: "(a*)*c", matcher: "pcre")
        }
    }

    @Test("queue and channel names")
    func names() {
        #expect(ControlMessage.requestChannel(db: 0) == "/0.celery.pidbox")
        #expect(ControlMessage.workerQueue(nodename: "w1@host1") == "w1@host1.celery.pidbox")
        #expect(ControlMessage.replyQueue(oid: "a1") == "a1.reply.celery.pidbox")
    }
}
