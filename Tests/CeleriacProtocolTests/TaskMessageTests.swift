import CeleriacProtocol
import Foundation
import Testing

@Suite("task messages")
struct TaskMessageTests {
    /// Envelopes in the fixtures that carry task headers.
    private func taskEnvelopes() throws -> [(file: String, text: String)] {
        try Fixtures.envelopes().filter { entry in
            guard let envelope = try? KombuEnvelope.decode(Array(entry.text.utf8)) else { return false }
            return envelope.headers["task"] != nil
        }
    }

    @Test("every task message in the fixtures decodes and re-encodes byte for byte")
    func fixtureTasksRoundTrip() throws {
        let tasks = try taskEnvelopes()
        #expect(tasks.count > 40)
        for (file, text) in tasks {
            let message = try TaskMessage.decode(Array(text.utf8))
            #expect(String(decoding: message.encoded(), as: UTF8.self) == text, "\(file)")
            #expect(message.properties.correlationID == message.id, "\(file)")
            #expect(message.headers.argsrepr == PythonSafeRepr.argsrepr(message.body.args), "\(file)")
            #expect(message.headers.kwargsrepr == PythonSafeRepr.kwargsrepr(message.body.kwargs), "\(file)")
        }
    }

    /// Rebuilds a captured message from its decoded values with the builder, and compares.
    private func rebuild(_ file: String, configure: (inout TaskMessageBuilder, TaskMessage) throws -> Void) throws {
        let text = try Fixtures.commandValue(file)
        let captured = try TaskMessage.decode(Array(text.utf8))
        var builder = TaskMessageBuilder(
            id: captured.id, name: captured.task, origin: try #require(captured.headers.origin),
            replyTo: try #require(captured.properties.replyTo), deliveryTag: try #require(captured.properties.deliveryTag))
        builder.args = captured.body.args
        builder.kwargs = captured.body.kwargs
        builder.queue = try #require(captured.properties.deliveryInfo.routingKey)
        try configure(&builder, captured)
        #expect(String(decoding: try builder.build().encoded(), as: UTF8.self) == text, "\(file)")
        #expect(String(decoding: try builder.encodedEnvelope(), as: UTF8.self) == text, "direct encoding of \(file)")
    }

    @Test("the send path's direct encoder writes the bytes of build().encoded() for every kind of builder")
    func directEncodingMatchesBuild() throws {
        var variants: [TaskMessageBuilder] = []
        let plain = TaskMessageBuilder(id: "0d5c3b8e-1b2f-4f6a-9e3c-1a2b3c4d5e6f", name: "demo.add", origin: "gen42@host",
                                       replyTo: "2a0b7c2d-0000-4000-8000-000000000001", deliveryTag: "7f1e-tag")
        variants.append(plain)
        var rich = plain
        rich.args = [1, 2.5, nil, true, "é\n\"q\"", [1, [2, ["deep"]]], ["k": "v"]]
        rich.kwargs = ["z": "ü", "n": 3, "list": [1, 2]]
        rich.eta = CeleryDateTime(timeIntervalSince1970: 1_893_553_445.5)
        rich.expires = CeleryDateTime(timeIntervalSince1970: 1_925_164_800)
        rich.expirationSeconds = 60.5
        rich.shadow = "shadow-ñ"
        rich.groupID = "group-1"
        rich.groupIndex = 3
        rich.retries = 2
        rich.timeLimit = TimeLimit(hard: 20, soft: 10.5)
        rich.rootID = "root"
        rich.parentID = "parent"
        rich.ignoreResult = true
        rich.replacedTaskNesting = 1
        rich.stampedHeaders = ["s1"]
        rich.stamps = ["s1": "v"]
        rich.queue = "other\u{1F600}"
        rich.priority = 7
        rich.originInProperties = true
        rich.embed = TaskEmbed(callbacks: [Signature(task: "demo.cb")], chord: Signature(task: "demo.body"))
        variants.append(rich)
        for custom: JSONObject in [["ignore_result": nil], ["ignore_result": true], ["ignore_result": false],
                                   ["custom": "x", "ignore_result": nil, "other": [1, ["a": nil]]], ["redelivered": true]] {
            var builder = rich
            builder.customHeaders = custom
            variants.append(builder)
            builder = plain
            builder.customHeaders = custom
            variants.append(builder)
        }
        var overriding = plain
        overriding.customHeaders = ["retries": 5, "lang": "py"]
        variants.append(overriding)
        var explicitRepr = plain
        explicitRepr.argsrepr = "(1, 2)"
        explicitRepr.kwargsrepr = "{'a': 1}"
        variants.append(explicitRepr)
        for (index, builder) in variants.enumerated() {
            let expected = String(decoding: try builder.build().encoded(), as: UTF8.self)
            #expect(String(decoding: try builder.encodedEnvelope(), as: UTF8.self) == expected, "variant \(index)")
        }
        // A custom header of the wrong kind for a standard one fails on both paths.
        var wrong = plain
        wrong.customHeaders = ["retries": "many"]
        #expect(throws: ProtocolError.self) { try wrong.encodedEnvelope() }
        #expect(throws: ProtocolError.self) { try wrong.build() }
    }

    @Test("the builder writes what apply_async writes")
    func builderMatchesCelery() throws {
        try rebuild("task-args-kwargs.json") { _, _ in }
        try rebuild("task-delay.json") { _, _ in }
        try rebuild("task-queue-other.json") { _, _ in }
        try rebuild("task-priority-5.json") { builder, _ in builder.priority = 5 }
        try rebuild("task-expires.json") { builder, captured in
            builder.expires = captured.headers.expires
            builder.expirationSeconds = 60
        }
        try rebuild("task-countdown.json") { builder, captured in builder.eta = captured.headers.eta }
        try rebuild("task-chain-first.json") { builder, captured in builder.embed = captured.body.embed }
        try rebuild("task-chord-header-0.json") { builder, captured in
            builder.embed = captured.body.embed
            builder.groupID = captured.headers.group
            builder.groupIndex = captured.headers.groupIndex
        }
        try rebuild("task-retry-republish-1.json") { builder, captured in
            builder.eta = captured.headers.eta
            builder.retries = 1
            builder.parentID = captured.headers.parentID
            builder.originInProperties = true
        }
    }

    @Test("expiration is kombu's str(int(seconds * 1000)), never a trap")
    func expiration() throws {
        var builder = TaskMessageBuilder(id: "i", name: "t", origin: "o", replyTo: "r", deliveryTag: "d")
        for (seconds, expected) in [(60.0, "60000"), (1.5, "1500"), (0.0019, "1"), (-5, "0"), (.nan, "0"),
                                    (.infinity, "9223372036854775807")] as [(Double, String)] {
            builder.expirationSeconds = seconds
            #expect(try builder.build().properties.expiration == expected, "\(seconds)")
        }
    }

    @Test("chain steps and chord bodies are published as the worker publishes them")
    func canvasSteps() throws {
        func captured(_ file: String) throws -> (String, TaskMessage) {
            let text = try Fixtures.commandValue(file)
            return (text, try TaskMessage.decode(Array(text.utf8)))
        }
        let (_, first) = try captured("task-chain-first.json")
        let (secondText, second) = try captured("task-chain-second.json")
        let secondBuilder = try #require(TaskMessageBuilder.nextChainStep(
            after: first, result: 3, origin: second.headers.origin ?? "", deliveryTag: second.properties.deliveryTag ?? ""))
        #expect(String(decoding: try secondBuilder.build().encoded(), as: UTF8.self) == secondText)
        let (lastText, last) = try captured("task-chain-last.json")
        let lastBuilder = try #require(TaskMessageBuilder.nextChainStep(
            after: second, result: 6, origin: last.headers.origin ?? "", deliveryTag: last.properties.deliveryTag ?? ""))
        #expect(String(decoding: try lastBuilder.build().encoded(), as: UTF8.self) == lastText)
        #expect(TaskMessageBuilder.nextChainStep(after: last, result: 60, origin: "o", deliveryTag: "t") == nil)

        let (_, header) = try captured("task-chord-header-0.json")
        let (bodyText, body) = try captured("task-chord-body.json")
        let signature = try #require(header.body.embed.chord)
        // The body was published by the worker that finished the last header part.
        var completing = header
        try completing.headers.set("id", .string(try #require(body.headers.parentID)))
        try completing.headers.set("root_id", .string(try #require(body.headers.parentID)))
        let bodyBuilder = TaskMessageBuilder.chordBody(signature, results: [2, 4, 6], completedBy: completing,
                                                       origin: try #require(body.headers.origin),
                                                       deliveryTag: try #require(body.properties.deliveryTag))
        #expect(String(decoding: try bodyBuilder.build().encoded(), as: UTF8.self) == bodyText)
    }

    @Test("a retry republishes what Task.retry() publishes")
    func retry() throws {
        var previous = try TaskMessage.decode(Array(try Fixtures.commandValue("task-flaky.json").utf8))
        for file in ["task-retry-republish-1.json", "task-retry-republish-2.json"] {
            let text = try Fixtures.commandValue(file)
            let captured = try TaskMessage.decode(Array(text.utf8))
            let builder = TaskMessageBuilder.retry(of: previous, eta: captured.headers.eta,
                                                   deliveryTag: try #require(captured.properties.deliveryTag))
            let rebuilt = try builder.build()
            #expect(String(decoding: rebuilt.encoded(), as: UTF8.self) == text, "\(file)")
            previous = rebuilt
        }
    }

    @Test("custom headers merge like dict.update")
    func customHeaders() throws {
        var builder = TaskMessageBuilder(id: "id-1", name: "demo.add", origin: "gen1@host", replyTo: "r", deliveryTag: "t")
        builder.args = [2, 3]
        builder.customHeaders = ["retries": 4, "x-tenant": "acme"]
        let message = try builder.build()
        #expect(message.headers.retries == 4)
        #expect(message.headers.raw.keys.last == "x-tenant")
        #expect(message.headers.raw.index(of: "retries") == 8)
        #expect(message.headers.customHeaders == ["x-tenant": "acme"])
        #expect(message.headers.argsrepr == "(2, 3)")
    }

    @Test("chain steps: the next is the last element, the parent's result goes first")
    func chain() throws {
        let message = try TaskMessage.decode(Array(try Fixtures.commandValue("task-chain-first.json").utf8))
        let chain = try #require(message.body.embed.chain)
        #expect(chain.map(\.task) == ["demo.mul", "demo.add"])
        let next = try #require(chain.last)
        #expect(next.arguments(afterParentResult: 3) == [3, 3])
        #expect(next.taskID == "59674e63-1c6a-4b52-8f4c-20ba1269a1e8")
        let chord = try TaskMessage.decode(Array(try Fixtures.commandValue("task-chord-header-0.json").utf8))
        #expect(chord.body.embed.chord?.options["group_id"] == "5cb83ec8-9db8-46a9-9bec-ea2b1198f66e")
    }

    @Test("eta and expires parse as ISO-8601 UTC")
    func times() throws {
        let message = try TaskMessage.decode(Array(try Fixtures.commandValue("task-retry-republish-1.json").utf8))
        let eta = try #require(message.headers.eta)
        #expect(eta.isoformat == "2026-11-25T05:40:54.616390+00:00")
        #expect(eta.microsecond == 616_390)
        #expect(CeleryDateTime(epochMicroseconds: eta.epochMicroseconds) == eta)
    }

    @Test("a worker tolerates missing headers except id and task")
    func missingHeaders() throws {
        func envelope(_ headers: JSONObject) -> [UInt8] {
            KombuEnvelope(payload: [[1], [:], nil], headers: headers,
                          properties: MessageProperties(deliveryMode: 2, deliveryInfo: DeliveryInfo(exchange: "", routingKey: "celery"), deliveryTag: "t"))
                .encoded()
        }
        let minimal = try TaskMessage.decode(envelope(["id": "abc", "task": "demo.add"]))
        #expect(minimal.headers.retries == 0)
        #expect(minimal.headers.rootID == "abc")
        #expect(minimal.headers.eta == nil)
        #expect(minimal.body.embed == TaskEmbed())
        for (headers, field) in [(["task": "demo.add"], "headers.id"), (["id": "abc"], "headers.task")] as [(JSONObject, String)] {
            do {
                _ = try TaskMessage.decode(envelope(headers))
                Issue.record("missing \(field) accepted")
            } catch {
                #expect(error.code == .missingField)
                #expect(error.field == field)
                #expect(error.message.contains(field))
            }
        }
        #expect(throws: ProtocolError.self) { try TaskMessage.decode(envelope(["id": 5, "task": "demo.add"])) }
        #expect(throws: ProtocolError.self) { try TaskMessage.decode(envelope(["id": "a", "task": "t", "eta": "tomorrow"])) }
        #expect(throws: ProtocolError.self) { try TaskMessage.decode(envelope(["id": "a", "task": "t", "retries": "1"])) }
    }

    @Test("bad bodies give typed errors")
    func badBodies() {
        let bodies: [JSONValue] = [[1, 2], [[1]], ["x", [:], nil], [[], [], nil], [[], [:], 5], [[], [:], ["chain": 1]]]
        for body in bodies {
            #expect(throws: ProtocolError.self) { try TaskBody(jsonValue: body) }
        }
    }

    @Test("datetimes format like Python's isoformat")
    func isoformat() throws {
        #expect(CeleryDateTime(epochMicroseconds: 1_795_585_254_008_447).isoformat == "2026-11-25T05:40:54.008447+00:00")
        #expect(CeleryDateTime(epochMicroseconds: 1_795_585_254_000_000).isoformat == "2026-11-25T05:40:54+00:00")
        #expect(CeleryDateTime(epochMicroseconds: 0).isoformat == "1970-01-01T00:00:00+00:00")
        #expect(CeleryDateTime(epochMicroseconds: -1).isoformat == "1969-12-31T23:59:59.999999+00:00")
        let parsed = try CeleryDateTime.parse("2024-02-29T12:30:00.5-05:30")
        #expect(parsed.microsecond == 500_000)
        #expect(parsed.utcOffsetSeconds == -19_800)
        #expect(parsed.isoformat == "2024-02-29T12:30:00.500000-05:30")
        #expect(try CeleryDateTime.parse("2024-01-01T00:00:00Z").isoformat == "2024-01-01T00:00:00+00:00")
        // Python: datetime(1, 1, 1).isoformat(), and offsets with seconds or none at all.
        #expect(CeleryDateTime(year: 1, month: 1, day: 1, utcOffsetSeconds: nil).isoformat == "0001-01-01T00:00:00")
        #expect(CeleryDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 7,
                               utcOffsetSeconds: 3_661).isoformat == "9999-12-31T23:59:59.000007+01:01:01")
        #expect(CeleryDateTime(year: 2026, month: 3, day: 9, hour: 7, microsecond: 120_000,
                               utcOffsetSeconds: -34_200).isoformat == "2026-03-09T07:00:00.120000-09:30")
        #expect(try CeleryDateTime.parse("2024-01-01").utcOffsetSeconds == nil)
        for bad in ["2023-02-29T00:00:00", "2024-13-01", "x", "2024-01-01T25:00", "2024-01-01T00:00+0100"] {
            #expect(throws: ProtocolError.self) { try CeleryDateTime.parse(bad) }
        }
        #expect(CeleryDateTime(timeIntervalSince1970: .nan).isoformat == "1970-01-01T00:00:00+00:00")
        #expect(CeleryDateTime(timeIntervalSince1970: .infinity).year == 9999)
        let eta = TaskMessageBuilder.eta(countdown: 10, from: Date(timeIntervalSince1970: 1_795_585_244.5))
        #expect(eta.isoformat == "2026-11-25T05:40:54.500000+00:00")
    }
}
