import CeleriacProtocol
import Foundation
import Testing

/// The direct event writer and the sized base64 encoder give the bytes of the paths they
/// replace on the worker's hot path.
@Suite("event encoding: direct writer equals the object path")
struct EventEncodingTests {
    static let source = CeleryEvent.Source(hostname: "celeriac@höst", utcoffset: -5.5, pid: 4242)

    /// Every task event's fields, with awkward values (non-ASCII, quotes, nulls, floats).
    static let cases: [(EventType, JSONObject)] = [
        (.taskReceived, EventFields.taskReceived(uuid: "id-1", name: "demo.add", args: "(2, 'é\"')", kwargs: "{}", rootID: "id-1",
                                                 parentID: nil, retries: 3, eta: "2026-11-26T12:00:00.123456+00:00", expires: nil)),
        (.taskStarted, EventFields.taskStarted(uuid: "id-2")),
        (.taskSucceeded, EventFields.taskSucceeded(uuid: "id-3", result: "None", runtime: 0.000123456789)),
        (.taskSucceeded, EventFields.taskSucceeded(uuid: "id-4", result: "'\\u2603 ☃'", runtime: 1e-9)),
        (.taskFailed, EventFields.taskFailed(uuid: "id-5", exception: "ValueError('x')", traceback: "Traceback\n  line\n")),
        (.taskRetried, EventFields.taskRetried(uuid: "id-6", exception: "None", traceback: "t")),
        (.taskRevoked, EventFields.taskRevoked(uuid: "id-7", terminated: true, signum: 15, expired: false)),
        (.taskRejected, EventFields.taskRejected(uuid: "id-8", requeue: true)),
        // Fields naming the event's own keys take the object's path: same bytes.
        (.taskStarted, ["uuid": "id-9", "timestamp": 5, "hostname": "other"]),
    ]

    @Test(arguments: 0..<cases.count)
    func directWriterMatchesTheObjectPath(index: Int) {
        let (type, fields) = Self.cases[index]
        for (clock, timestamp) in [(1, 1_795_585_243.9464774), (987_654, 1_700_000_000.0), (0, 0.5)] {
            let event = CeleryEvent(type: type, source: Self.source, clock: clock, fields: fields, timestamp: timestamp)
            var direct: [UInt8] = []
            CeleryEvent.encode(type: type, source: Self.source, clock: clock, fields: fields, timestamp: timestamp, into: &direct)
            #expect(String(decoding: direct, as: UTF8.self) == JSONWriter.string(event.jsonValue))
        }
    }

    @Test func batchEnvelopeFromWrittenEventsMatchesTheEventList() {
        let events = Self.cases.enumerated().map { index, item in
            CeleryEvent(type: item.0, source: Self.source, clock: index, fields: item.1, timestamp: 1_795_585_243.25)
        }
        var list: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in Self.cases.enumerated() {
            if index > 0 { list.append(contentsOf: ", ".utf8) }
            CeleryEvent.encode(type: item.0, source: Self.source, clock: index, fields: item.1, timestamp: 1_795_585_243.25, into: &list)
        }
        list.append(UInt8(ascii: "]"))
        let direct = EventMessage.batchEnvelope(encodedList: list, hostname: "celeriac@höst", deliveryTag: "tag")
        let object = EventMessage.batchEnvelope(events: events, hostname: "celeriac@höst", deliveryTag: "tag")
        #expect(direct.encoded() == object.encoded())
    }

    @Test func base64MatchesFoundationForEveryTailLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var out: [UInt8] = Array("prefix".utf8)
            Base64.encode(bytes, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == "prefix" + Data(bytes).base64EncodedString())
        }
    }
}
