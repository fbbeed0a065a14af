import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Logging
import Testing

/// The events a Celeriac worker sends, seen by an `EventReceiver` (Celery's `celery events`
/// subscription), field for field against the captures of a Python Celery worker.
@Suite("worker events", .serialized)
struct WorkerEventTests {
    @Test func everyEventTypeCarriesCelerysFields() async throws {
        try await WorkerHarness.with(configure: { $0.heartbeatInterval = 0.3 }) { harness in
            let log = EventLog(transport: harness.app.transport)
            try await log.start()
            // A second worker started now is seen coming online (and, stopped, going offline).
            var configuration = try WorkerConfiguration(broker: harness.server.url())
            configuration.nodename = "second@localhost"
            configuration.withoutMingle = true
            configuration.queues = ["second-only"]
            var quiet = Logger(label: "second")
            quiet.logLevel = .critical
            let second = Worker(configuration: configuration, registry: DemoTasks.registry, logger: quiet)
            let secondRun = Task { try await second.run() }

            let added = try await harness.producer.send("demo.add", args: [2, 3])
            _ = try await added.get(timeout: 20)
            let failed = try await harness.producer.send("demo.fail", args: ["boom"])
            _ = try? await failed.get(timeout: 20)
            let flaky = try await harness.producer.send("demo.flaky", args: [1])
            _ = try await flaky.get(timeout: 20)
            let expired = try await harness.producer.send("demo.add", args: [1, 1],
                                                          options: SendOptions(expires: .date(Date().addingTimeInterval(-5))))
            _ = try await expired.wait(timeout: 20)
            let unknown = try await harness.producer.send("demo.unknown")
            _ = try? await unknown.get(timeout: 20)
            var envelope = try harness.producer.message("demo.add", args: [1, 2]).envelope
            envelope.body = Array("{\"not\": \"a body\"}".utf8)
            _ = try await harness.client.lpush("celery", [envelope.encoded()])
            _ = try await harness.producer.send("demo.noop").get(timeout: 20)

            await second.requestShutdown()
            try await secondRun.value

            try await eventually("every event arrived") {
                let rejected = await log.events(ofType: .taskRejected, uuid: envelope.headers["id"]?.stringValue)
                let offline = await log.events(ofType: .workerOffline)
                let heartbeats = await log.events(ofType: .workerHeartbeat)
                let revoked = await log.events(ofType: .taskRevoked, uuid: expired.id)
                return !rejected.isEmpty && !offline.isEmpty && !heartbeats.isEmpty && !revoked.isEmpty
            }
            func fields(_ type: EventType, _ uuid: String?) async throws -> [String] {
                try #require(await log.events(ofType: type, uuid: uuid).first).raw.members.map(\.key)
            }
            #expect(try await fields(.taskReceived, added.id) == fixtureFields("event-task-received.json", type: "task-received"))
            #expect(try await fields(.taskStarted, added.id) == fixtureFields("event-task-started.json", type: "task-started"))
            #expect(try await fields(.taskSucceeded, added.id) == fixtureFields("event-task-succeeded.json", type: "task-succeeded"))
            #expect(try await fields(.taskFailed, failed.id) == fixtureFields("event-task-failed.json", type: "task-failed"))
            #expect(try await fields(.taskRetried, flaky.id) == fixtureFields("event-task-retried.json", type: "task-retried"))
            #expect(try await fields(.taskRevoked, expired.id) == fixtureFields("event-task-revoked-expired.json", type: "task-revoked"))
            #expect(try await fields(.taskFailed, unknown.id)
                == fixtureFields("event-task-failed-unregistered.json", type: "task-failed"))
            #expect(try await fields(.taskRejected, envelope.headers["id"]?.stringValue)
                == fixtureFields("event-task-rejected.json", type: "task-rejected"))
            #expect(try await fields(.workerOnline, nil) == fixtureFields("event-worker-online.json", type: "worker-online"))
            #expect(try await fields(.workerHeartbeat, nil) == fixtureFields("event-worker-heartbeat.json", type: "worker-heartbeat"))
            #expect(try await fields(.workerOffline, nil) == fixtureFields("event-worker-offline.json", type: "worker-offline"))

            // Values, not just names.
            let succeeded = try #require(await log.events(ofType: .taskSucceeded, uuid: added.id).first)
            #expect(succeeded.result == "5")
            #expect(succeeded.hostname == harness.worker.nodename)
            let failure = try #require(await log.events(ofType: .taskFailed, uuid: failed.id).first)
            #expect(failure.exception == "DemoError('boom')")
            let retried = try #require(await log.events(ofType: .taskRetried, uuid: flaky.id).first)
            #expect(retried.exception == "None")
            #expect(retried.traceback?.hasSuffix("celery.exceptions.Retry: Retry in 0.1s\n") == true)
            let revoked = try #require(await log.events(ofType: .taskRevoked, uuid: expired.id).first)
            #expect(revoked.expired == true && revoked.terminated == false)
            let online = try #require(await log.events(ofType: .workerOnline).first)
            #expect(online.hostname == "second@localhost")
            #expect(online.freq == 2)
            let received = try #require(await log.events(ofType: .taskReceived, uuid: added.id).first)
            // The reprs are the message's own argsrepr/kwargsrepr headers.
            #expect(received.args == (try harness.producer.message("demo.add", args: [2, 3]).headers.argsrepr))
            #expect(received.kwargs == "{}")
            // Every event takes its own Lamport clock value.
            let clocks = await log.events.filter { $0.hostname == harness.worker.nodename }.compactMap(\.clock)
            #expect(Set(clocks).count == clocks.count)
            await log.stop()
        }
    }
}
