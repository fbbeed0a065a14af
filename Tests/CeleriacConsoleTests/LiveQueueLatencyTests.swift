import Celeriac
import CeleriacConsole
import CeleriacTestSupport
import Foundation
import Testing

/// How long a real queue's oldest message has waited, as the depth poll reads it (LINDEX of
/// each priority key's oldest end in the same round as LLEN), and the `queue_latency` alert on it.
@Suite("live queue latency", .serialized)
struct LiveQueueLatencyTests {
    @Test func theOldestMessageAgeIsKnownExactlyOrAsALowerBound() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let live = try await LiveHarness(server: server)
        live.model.state.alertRules = try AlertRuleLoader.parse("""
            [rules.stuck]
            kind = "queue_latency"
            queue = "quiet"
            above = "1s"
            """, file: "alerts.toml")
        live.start()
        // A client that sends task-sent events (Celery's task_send_sent_event).
        var configuration = try Configuration(broker: server.url())
        configuration.sendSentEvent = true
        let client = try await App(configuration: configuration)
        do {
            try await live.wait("the first round") { $0.state.connection == .connected }

            // With a task-sent event the age is exact: the poll's time minus the sent time.
            let announced = try await client.producer.send("demo.add", args: [1, 2], options: SendOptions(queue: "announced"))
            try await live.wait("the announced message's exact age") { model in
                guard let latency = model.state.queues["announced"]?.latency else { return false }
                return latency.isExact && latency.taskID == announced.id
            }
            let announcedQueue = try #require(live.model.state.queues["announced"])
            let sent = try #require(live.model.state.tasks[announced.id]?.sent)
            let poll = try #require(announcedQueue.lastPoll)
            #expect(announcedQueue.latency?.age == max(0, poll - sent))

            // An ETA message is ready at its ETA: exact from the header alone.
            let eta = Date().addingTimeInterval(-120)
            let overdue = try await live.app.producer.send("demo.add", args: [3, 4],
                                                           options: SendOptions(queue: "overdue", eta: eta))
            try await live.wait("the ETA message's age") { $0.state.queues["overdue"]?.latency?.taskID == overdue.id }
            let overdueLatency = try #require(live.model.state.queues["overdue"]?.latency)
            #expect(overdueLatency.isExact)
            #expect(overdueLatency.age >= 120)

            // Without either, the console knows only since when its polls see it first in line:
            // a lower bound that grows while it waits, and fires the rule once above 1 s.
            let quiet = try await live.app.producer.send("demo.add", args: [5, 6], options: SendOptions(queue: "quiet"))
            try await live.wait("the quiet message at the head") { $0.state.queues["quiet"]?.latency?.taskID == quiet.id }
            #expect(live.model.state.queues["quiet"]?.latency?.isExact == false)
            try await live.wait("the queue_latency alert") { model in
                model.state.alerts.contains { $0.rule == "stuck" && $0.subject == "quiet" }
            }
            let alert = try #require(live.model.state.alerts.first { $0.rule == "stuck" })
            #expect(alert.message.contains("waited at least"))
            #expect((live.model.state.queues["quiet"]?.latency?.age ?? 0) > 1)

            // Emptied, the queue has no oldest message and the alert clears.
            _ = try await live.app.transport.purge("quiet")
            try await live.wait("the emptied queue") { model in
                model.state.queues["quiet"]?.depth == 0 && model.state.queues["quiet"]?.latency == nil
                    && !model.state.alerts.contains { $0.rule == "stuck" }
            }
        } catch {
            await client.close()
            await live.close()
            throw error
        }
        await client.close()
        await live.close()
    }
}
