import Celeriac
import CeleriacConsole
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// `LiveSource` without workers: bad events are counted, a broker that goes away is shown with
/// its reconnect countdown while the last state stays, and a recording replays.
@Suite("live data source: connection, bad events, recording")
struct LiveConnectionTests {
    @Test func malformedEventsAreCountedAndALostBrokerKeepsTheLastState() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let live = try await LiveHarness(server: server)
        live.start()
        do {
            _ = try await live.app.producer.send("demo.add", args: [1, 2], options: SendOptions(queue: "kept"))
            try await live.wait("the depth of kept") { $0.state.queues["kept"]?.depth == 1 && $0.state.connection == .connected }

            // Not an envelope, and an envelope whose body is not an event: both counted, with why.
            _ = try await live.app.transport.client.publish("/0.celeryev/task.multi", "not an envelope")
            let notAnEvent = EventMessage.envelope(body: [1, 2], hostname: "x", routingKey: "task.multi", deliveryTag: "t")
            _ = try await live.app.transport.client.publish("/0.celeryev/task.multi", notAnEvent.encoded())
            try await live.wait("two malformed events") { $0.state.malformedCount == 2 }
            #expect(live.model.state.malformedReasons.keys.allSatisfy { $0.contains("/0.celeryev/task.multi") })

            server.stop()
            try await live.wait("the lost connection") { model in
                if case .reconnecting(let retryAt, _) = model.state.connection { return retryAt > model.now - 60 }
                return false
            }
            #expect(live.model.state.queues["kept"]?.depth == 1)
            let frame = ConsoleRenderer.renderOnce(live.model, view: .overview, width: 120, height: 40)
            #expect(frame.contains("broker lost"))
            #expect(frame.contains("retry in"))
            #expect(frame.contains("kept"))
        } catch {
            await live.close()
            throw error
        }
        await live.close()
    }

    @Test func aRecordingReplaysWhatWasSeen() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-record-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try InputRecorder(path: path)
        let live = try await LiveHarness(server: server, recorder: recorder)
        live.start()
        do {
            for priority in [0, 3, 3] {
                _ = try await live.app.producer.send("demo.add", args: [1, 2], options: SendOptions(queue: "recorded", priority: priority))
            }
            try await live.wait("the depth of recorded") { $0.state.queues["recorded"]?.depths == [1, 2, 0, 0] }
            let event = CeleryEvent(type: .workerHeartbeat, source: .init(hostname: "w9@rec", pid: 42), clock: 1,
                                    fields: ["freq": 2.0, "active": 0, "processed": 7], timestamp: Date().timeIntervalSince1970)
            _ = try await live.app.transport.client.publish("/0.celeryev/worker.heartbeat",
                                                            EventMessage.envelope(event: event, deliveryTag: "t").encoded())
            try await live.wait("the recorded worker") { $0.state.workers["w9@rec"]?.processed == 7 }
        } catch {
            await live.close()
            throw error
        }
        await live.close()
        #expect(recorder.error == nil)

        let recording = Recording(text: try String(contentsOfFile: path, encoding: .utf8))
        #expect(recording.errors.isEmpty)
        #expect(recording.inputs.count == recorder.lineCount)
        #expect(zip(recording.inputs, recording.inputs.dropFirst()).allSatisfy { $0.time <= $1.time })
        var replayed = ConsoleModel(now: recording.inputs.first?.time ?? 0)
        ReplaySource.applyAll(recording, to: &replayed)
        #expect(replayed.state.queues["recorded"]?.depths == [1, 2, 0, 0])
        #expect(replayed.state.workers["w9@rec"]?.processed == 7)
        #expect(replayed.state.connection == .connected)
    }
}
