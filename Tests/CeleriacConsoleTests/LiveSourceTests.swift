import Celeriac
import CeleriacConsole
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// `LiveSource` against a real server and a real Python Celery worker: what the console shows
/// comes from snapshots, events and polls, and what it does reaches the worker.
@Suite("live data source", .serialized)
struct LiveSourceTests {
    /// Runs `body` with a server, a Python worker on `celery`, and a started harness.
    func withWorker(_ body: (LiveHarness, CeleryWorkerProcess) async throws -> Void) async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url())
        defer { worker.stop() }
        let harness = try await LiveHarness(server: server)
        harness.start()
        do {
            try await body(harness, worker)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test func theWorkerQueuesAndTasksShowUp() async throws {
        try await withWorker { live, worker in
            // The snapshot at start: pid and pool from `stats`, tasks from `registered`, queues
            // from `active_queues`.
            try await live.wait("the worker's snapshot") { model in
                guard let record = model.state.workers[worker.nodename] else { return false }
                return record.pid == Int(worker.pid) && record.registered.contains("demo.add") && record.queues == ["celery"]
            }
            #expect(live.model.state.workers[worker.nodename]?.poolKind == "thread")
            #expect(live.model.state.connection == .connected)
            // Heartbeat events from the same worker.
            try await live.wait("a heartbeat event") { $0.state.workers[worker.nodename]?.swIdent == "py-celery" }

            // A queue nobody consumes, filled by the producer (which binds it): its depth per
            // priority step.
            var waiting: [String] = []
            for (index, priority) in [9, 0, 0].enumerated() {
                let sent = try await live.app.producer.send("demo.add", args: [.integer(index), 2],
                                                            options: SendOptions(queue: "backlog", priority: priority))
                waiting.append(sent.id)
            }
            try await live.wait("the depth of backlog") { $0.state.queues["backlog"]?.depths == [2, 0, 0, 1] }

            // The browser pages through them in the order workers take them: priority 0 first,
            // oldest first; the harness reads two a page.
            live.source.perform(.browseQueue(queue: "backlog", page: 0))
            try await live.wait("the first page") { $0.queuePage?.queue == "backlog" }
            let first = try #require(live.model.queuePage)
            #expect(first.total == 3)
            #expect(first.messages.map(\.id) == [waiting[1], waiting[2]])
            #expect(first.messages.map(\.name) == ["demo.add", "demo.add"])
            #expect(first.messages.first?.argsPreview.contains("1, 2") == true)
            let second = try #require(await live.source.outcome(of: .browseQueue(queue: "backlog", page: 1)).page)
            #expect(second.messages.map(\.id) == [waiting[0]])
            #expect(second.messages.first?.priority == 9)
            #expect(try #require(await live.source.outcome(of: .browseQueue(queue: "backlog", page: 2)).page).messages.isEmpty)

            // A task the worker runs: its events in order.
            let sent = try await live.app.producer.send("demo.add", args: [20, 22])
            #expect(try await sent.get(timeout: 30) == 42)
            try await live.wait("the task's success event") { $0.state.tasks[sent.id]?.phase == .success }
            let task = try #require(live.model.state.tasks[sent.id])
            #expect(live.model.state.name(task.name) == "demo.add")
            #expect(task.transitions.map(\.phase).contains(.started))
        }
    }

    @Test func effectsReachTheWorkerAndTheAuditList() async throws {
        try await withWorker { live, worker in
            try await live.wait("the worker's snapshot") { $0.state.workers[worker.nodename]?.pid != nil }

            // Revoke a task the worker holds for its countdown: the worker's reply is the outcome.
            let held = try await live.app.producer.send("demo.add", args: [1, 1], options: SendOptions(countdown: 3))
            try await live.wait("the held task's received event") { $0.state.tasks[held.id] != nil }
            live.source.perform(.revoke(ids: [held.id], terminate: false, signal: "SIGTERM"))
            try await live.wait("the revoke outcome") { $0.resultLine?.text.contains("flagged as revoked") == true }
            #expect(live.model.resultLine?.isError == false)
            #expect(live.model.resultLine?.text.contains(worker.nodename) == true)
            // When its countdown ends the worker discards it and says so.
            try await live.wait("the task-revoked event") { $0.state.tasks[held.id]?.phase == .revoked }
            #expect(try await held.wait(timeout: 30).status == .revoked)

            // A rate limit: the worker's own words come back, and the model keeps the limit.
            let limited = await live.source.outcome(of: .rateLimit(task: "demo.noop", rate: "2/s"))
            #expect(limited.error == nil)
            #expect(limited.replies == [EffectOutcome.Reply(worker: worker.nodename, text: "new rate limit set successfully")])
            // An unknown task: the worker's error.
            let unknown = await live.source.outcome(of: .rateLimit(task: "demo.nothing", rate: "2/s"))
            #expect(unknown.replies == [EffectOutcome.Reply(worker: worker.nodename, text: "unknown task", isError: true)])

            // Purge empties the queue, and the next depth round shows it.
            for _ in 0..<3 {
                _ = try await live.app.producer.send("demo.add", args: [1, 2], options: SendOptions(queue: "backlog"))
            }
            try await live.wait("the depth of backlog") { $0.state.queues["backlog"]?.depth == 3 }
            live.source.perform(.purge(queue: "backlog"))
            try await live.wait("the purge outcome") { $0.resultLine?.text.contains("purged 3 messages") == true }
            try await live.wait("backlog empty") { $0.state.queues["backlog"]?.depth == 0 }
            #expect(try await live.app.transport.size(of: "backlog") == 0)

            // Every action is in the audit list with who did it, read back by the model and by
            // the audit log itself.
            try await live.wait("the audit entries") { model in
                Set(model.state.auditLog.map(\.action)).isSuperset(of: ["revoke", "rate_limit", "purge"])
            }
            let entries = live.model.state.auditLog
            #expect(entries.allSatisfy { $0.who == "tester@testhost" })
            let revoke = try #require(entries.first { $0.action == "revoke" })
            #expect(revoke.target == held.id)
            #expect(revoke.outcome.hasPrefix("\(worker.nodename): tasks {'\(held.id)'} flagged as revoked"))
            let stored = try await AuditLog(transport: live.app.transport).recent(count: 10).map { try $0.get() }
            #expect(stored.map(\.action) == ["purge", "rate_limit", "rate_limit", "revoke"])
            #expect(stored.first?.outcome == "broker: purged 3 messages")
            #expect(stored[1].target == "demo.nothing 2/s")
            #expect(stored[1].outcome == "\(worker.nodename): error: unknown task")
            #expect(stored[2].target == "demo.noop 2/s")
        }
    }

    @Test func aWorkerThatComesOnlineLaterIsSnapshotted() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let live = try await LiveHarness(server: server)
        live.start()
        do {
            #expect(await live.source.firstRound())
            live.source.pump(into: &live.model, now: Date().timeIntervalSince1970)
            #expect(live.model.state.workers.isEmpty)
            let worker = try await CeleryWorkerProcess(broker: server.url(), queues: ["celery", "later"])
            defer { worker.stop() }
            // Events carry no task list or queues: these come from the snapshot its
            // worker-online event started.
            do {
                try await live.wait("the late worker's snapshot") { model in
                    guard let record = model.state.workers[worker.nodename] else { return false }
                    return record.registered.contains("demo.flaky") && record.queues == ["celery", "later"]
                }
            } catch {
                let record = live.model.state.workers[worker.nodename]
                Issue.record("worker record: \(String(describing: record))\nevents: \(live.model.state.eventLog.map(\.event.type.rawValue))")
                throw error
            }
            // Its queues are polled from then on.
            try await live.wait("the depth of later") { $0.state.queues["later"]?.lastPoll != nil }
        } catch {
            await live.close()
            throw error
        }
        await live.close()
    }

    @Test func consumersTimeLimitsAndShutdownReachTheWorker() async throws {
        try await withWorker { live, worker in
            try await live.wait("the worker's queues") { $0.state.workers[worker.nodename]?.queues == ["celery"] }
            let host = worker.nodename

            // Pause and resume a queue: the replies, and the queues the worker reports after.
            let paused = await live.source.outcome(of: .cancelConsumer(queue: "celery", worker: host))
            #expect(paused.replies == [EffectOutcome.Reply(worker: host, text: "no longer consuming from celery")])
            live.source.perform(.addConsumer(queue: "extra", worker: host))
            try await live.wait("the resumed queue") { $0.state.workers[host]?.queues == ["extra"] }
            #expect(live.model.resultLine?.text.contains("add consumer extra") == true)

            let limited = await live.source.outcome(of: .timeLimit(task: "demo.sleep", soft: 5, hard: 10))
            #expect(limited.replies == [EffectOutcome.Reply(worker: host, text: "time limits set successfully")])

            // Shutdown is a cast: no reply is expected, the worker-offline event tells.
            let shutdown = await live.source.outcome(of: .shutdown(worker: host))
            #expect(shutdown.error == nil && shutdown.replies.isEmpty)
            try await live.wait("the worker going offline") { model in
                model.state.workers[host].map { !$0.isOnline(now: model.now) } == true
            }
            try await live.wait("the actions in the audit list") { model in
                Set(model.state.auditLog.map(\.action)) == ["cancel_consumer", "add_consumer", "time_limit", "shutdown"]
            }
            let shutdownEntry = try #require(live.model.state.auditLog.first { $0.action == "shutdown" })
            #expect(shutdownEntry.target == host)
            #expect(shutdownEntry.outcome == "sent (workers do not reply to shutdown)")
        }
    }
}
