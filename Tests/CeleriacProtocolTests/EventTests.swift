import CeleriacProtocol
import Testing

@Suite("events")
struct EventTests {
    /// Published event messages in the fixtures: (file, channel, envelope text).
    private func eventMessages() throws -> [(file: String, channel: String, text: String)] {
        var out: [(String, String, String)] = []
        for name in try Fixtures.names() {
            let fixture = try Fixtures.load(name)
            var commands: [[JSONValue]] = []
            if let command = fixture["command"]?.arrayValue { commands.append(command) }
            for step in fixture["sequence"]?.arrayValue ?? [] {
                if let send = step["send"]?.arrayValue { commands.append(send) }
            }
            for command in commands where command.count == 3 && command[0] == "PUBLISH" {
                guard let channel = command[1].stringValue, channel.contains(".celeryev/"),
                      let text = command[2].stringValue
                else { continue }
                out.append((name, channel, text))
            }
        }
        return out
    }

    /// Rebuilds an event from its typed accessors with the Swift-side builders.
    private func rebuild(_ event: CeleryEvent) throws -> CeleryEvent {
        let source = CeleryEvent.Source(hostname: try #require(event.hostname), utcoffset: try #require(event.utcoffset),
                                        pid: try #require(event.pid))
        let uuid = event.uuid ?? ""
        let fields: JSONObject
        switch event.type {
        case .taskSent:
            fields = EventFields.taskSent(uuid: uuid, rootID: try #require(event.rootID), parentID: event.parentID,
                                          name: try #require(event.name), args: try #require(event.args),
                                          kwargs: try #require(event.kwargs), retries: try #require(event.retries),
                                          eta: event.eta, expires: event.expires, queue: try #require(event.queue),
                                          exchange: try #require(event.exchange), routingKey: try #require(event.routingKey))
        case .taskReceived:
            fields = EventFields.taskReceived(uuid: uuid, name: try #require(event.name), args: try #require(event.args),
                                              kwargs: try #require(event.kwargs), rootID: try #require(event.rootID),
                                              parentID: event.parentID, retries: try #require(event.retries),
                                              eta: event.eta, expires: event.expires)
        case .taskStarted:
            fields = EventFields.taskStarted(uuid: uuid)
        case .taskSucceeded:
            fields = EventFields.taskSucceeded(uuid: uuid, result: try #require(event.result), runtime: try #require(event.runtime))
        case .taskFailed:
            fields = EventFields.taskFailed(uuid: uuid, exception: try #require(event.exception), traceback: event.traceback)
        case .taskRetried:
            fields = EventFields.taskRetried(uuid: uuid, exception: try #require(event.exception), traceback: try #require(event.traceback))
        case .taskRevoked:
            fields = EventFields.taskRevoked(uuid: uuid, terminated: try #require(event.terminated as Bool?), signum: event.signum,
                                             expired: try #require(event.expired as Bool?))
        case .taskRejected:
            fields = EventFields.taskRejected(uuid: uuid, requeue: try #require(event.requeue as Bool?))
        case .workerOnline, .workerHeartbeat, .workerOffline:
            if event.active == nil {
                fields = EventFields.requestedHeartbeat(freq: Int(try #require(event.freq)), swVer: try #require(event.swVer),
                                                        swSys: try #require(event.swSys))
            } else {
                fields = EventFields.worker(freq: try #require(event.freq), active: try #require(event.active),
                                            processed: try #require(event.processed), loadavg: try #require(event.loadavg),
                                            swIdent: try #require(event.swIdent), swVer: try #require(event.swVer),
                                            swSys: try #require(event.swSys))
            }
        default:
            Issue.record("unexpected event type \(event.type)")
            return event
        }
        return CeleryEvent(type: event.type, source: source, clock: try #require(event.clock), fields: fields,
                           timestamp: try #require(event.timestamp))
    }

    @Test("every published event decodes, rebuilds from typed fields and re-encodes byte for byte")
    func fixtureEventsRoundTrip() throws {
        let messages = try eventMessages()
        #expect(messages.count > 40)
        var typesSeen = Set<EventType>()
        for (file, channel, text) in messages {
            let envelope = try KombuEnvelope.decode(Array(text.utf8))
            let body = try envelope.decodeBody()
            let events = try EventMessage.events(in: body)
            let rebuilt = try events.map(rebuild)
            #expect(rebuilt == events, "\(file)")
            typesSeen.formUnion(events.map(\.type))
            let routingKey = try #require(envelope.properties.deliveryInfo.routingKey)
            let db = channel.hasPrefix("/7.") ? 7 : 0
            #expect(EventMessage.channel(db: db, routingKey: routingKey) == channel, "\(file)")
            let tag = try #require(envelope.properties.deliveryTag)
            let hostname = try #require(envelope.headers["hostname"]?.stringValue)
            let reencoded: KombuEnvelope
            if case .array = body {
                #expect(routingKey == EventMessage.batchRoutingKey)
                reencoded = EventMessage.batchEnvelope(events: rebuilt, hostname: hostname, deliveryTag: tag)
            } else {
                let event = try #require(rebuilt.first)
                #expect(event.type.routingKey == routingKey)
                reencoded = EventMessage.envelope(event: event, deliveryTag: tag)
            }
            #expect(String(decoding: reencoded.encoded(), as: UTF8.self) == text, "\(file)")
            #expect(try EventMessage.decode(Array(text.utf8)) == events)
        }
        let expected: Set<EventType> = [.taskSent, .taskReceived, .taskStarted, .taskSucceeded, .taskFailed, .taskRetried,
                                        .taskRevoked, .taskRejected, .workerOnline, .workerHeartbeat, .workerOffline]
        #expect(expected.isSubset(of: typesSeen))
    }

    @Test("typed accessors read the captured values")
    func accessors() throws {
        let events = try EventMessage.decode(Array(try Fixtures.commandValue("event-worker-heartbeat.json").utf8))
        let heartbeat = try #require(events.first)
        #expect(heartbeat.type == .workerHeartbeat)
        #expect(heartbeat.hostname == "w1@host1")
        #expect(heartbeat.freq == 2.0)
        #expect(heartbeat.loadavg == [0.09, 0.03, 0.01])
        #expect(heartbeat.clock == 2)
        #expect(heartbeat.type.group == "worker")
        #expect(heartbeat.adjustedTimestamp(localUTCOffset: -1) == (try #require(heartbeat.timestamp)) - 3600)
        let batch = try EventMessage.decode(Array(try Fixtures.commandValue("event-task-multi-batch.json").utf8))
        #expect(batch.count == 2)
        #expect(batch.map(\.clock) == [64, 65])
        let succeeded = try #require(try EventMessage.decode(Array(try Fixtures.commandValue("event-task-succeeded.json").utf8)).first)
        #expect(succeeded.result == "5")
        #expect(succeeded.runtime == 0.004426014999808103)
    }

    @Test("unknown fields and types survive")
    func unknownFieldsSurvive() throws {
        let text = #"{"hostname": "x@y", "custom": [1, 2.0], "timestamp": 1.5, "type": "task-progress"}"#
        let events = try EventMessage.events(in: try JSONParser.parse(text))
        let event = try #require(events.first)
        #expect(event.type.rawValue == "task-progress")
        #expect(event["custom"] == [1, 2.0])
        #expect(JSONWriter.string(event.jsonValue) == text)
        let built = CeleryEvent(type: .taskCancelled, source: .init(hostname: "w@h", pid: 7), clock: 3,
                                fields: EventFields.taskCancelled(uuid: "u"), timestamp: 10)
        #expect(JSONWriter.string(built.jsonValue)
            == #"{"hostname": "w@h", "utcoffset": 0.0, "pid": 7, "clock": 3, "uuid": "u", "timestamp": 10.0, "type": "task-cancelled"}"#)
        #expect(EventType.taskCancelled.routingKey == "task.cancelled")
        #expect(EventMessage.allEventsPattern(db: 0) == "/0.celeryev/*")
    }

    @Test("bad event bodies give typed errors")
    func badEvents() throws {
        for text in [#"5"#, #"[1]"#, #"{"hostname": "x"}"#, #"{"type": 5}"#, #"{"type": "t", "clock": "1"}"#] {
            #expect(throws: ProtocolError.self) { try EventMessage.events(in: try JSONParser.parse(text)) }
        }
    }

    @Test("task-sent and task-received fields come from the message")
    func fieldsFromMessage() throws {
        let message = try TaskMessage.decode(Array(try Fixtures.commandValue("task-args-kwargs.json").utf8))
        let sent = EventFields.taskSent(for: message)
        #expect(sent.keys == ["uuid", "root_id", "parent_id", "name", "args", "kwargs", "retries", "eta", "expires",
                              "queue", "exchange", "routing_key"])
        #expect(sent["args"] == "(1, 'two')")
        let received = EventFields.taskReceived(for: message)
        #expect(received.keys == ["uuid", "name", "args", "kwargs", "root_id", "parent_id", "retries", "eta", "expires"])
    }
}
