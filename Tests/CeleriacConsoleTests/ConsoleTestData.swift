import CeleriacConsole
import CeleriacProtocol
import CeleriacTestSupport
import Foundation

/// Shared data for the console model tests: the captured Celery fixtures and the recorded
/// session in `Fixtures/`.
enum ConsoleTestData {
    static var fixturesDirectory: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures") }

    /// The events of one captured fixture (`event-task-failed.json`), decoded from its PUBLISH.
    static func capturedEvents(_ name: String) throws -> [CeleryEvent] {
        let data = try Data(contentsOf: ProjectPaths.celeryFixtures.appendingPathComponent(name))
        let value = try JSONParser.parse([UInt8](data))
        guard let command = value["command"]?.arrayValue, let payload = command.last?.stringValue else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return try EventMessage.decode(Array(payload.utf8))
    }

    static func recording(_ name: String = "demo-session.jsonl") throws -> Recording {
        Recording(text: try String(contentsOf: fixturesDirectory.appendingPathComponent(name), encoding: .utf8))
    }

    /// The model after the whole recorded session, at the time of its last input.
    static func sessionModel(readOnly: Bool = false) throws -> ConsoleModel {
        let recording = try recording()
        var model = ConsoleModel(readOnly: readOnly, now: recording.inputs.first?.time ?? 0)
        for input in recording.inputs { model.reduce(.ingest([input.input], now: input.time)) }
        model.reduce(.tick(now: recording.inputs.last?.time ?? 0))
        return model
    }

    /// A task event with the given fields (timestamp and clock), for hand-made sequences.
    static func taskEvent(_ type: EventType, id: String, at time: Double, clock: Int, host: String = "w1@host1",
                          fields: JSONObject = [:]) -> CeleryEvent {
        var all: JSONObject = ["uuid": .string(id)]
        for member in fields.members { all[member.key] = member.value }
        return CeleryEvent(type: type, source: .init(hostname: host, pid: 1), clock: clock, fields: all, timestamp: time)
    }

    static func workerEvent(_ type: EventType, host: String, at time: Double, freq: Double = 2) -> CeleryEvent {
        CeleryEvent(type: type, source: .init(hostname: host, pid: 1), clock: 1,
                    fields: EventFields.worker(freq: freq, active: 0, processed: 0, loadavg: [0, 0, 0], swVer: "5.7.0", swSys: "Linux"),
                    timestamp: time)
    }
}
