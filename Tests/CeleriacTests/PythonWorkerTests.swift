import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Testing

/// The client against a real Python Celery 5.7 worker running the demo tasks.
@Suite("with a Python Celery worker")
struct PythonWorkerTests {
    func withWorker(queues: [String] = ["celery"], _ body: (App, CeleryWorkerProcess) async throws -> Void) async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url(), queues: queues)
        defer { worker.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        do {
            try await body(app, worker)
        } catch {
            await app.close()
            throw error
        }
        await app.close()
    }

    @Test func tasksRunAndResultsComeBack() async throws {
        try await withWorker(queues: ["celery", "custom"]) { app, _ in
            #expect(try await app.producer.send("demo.add", args: [2, 3]).get(timeout: 30) == 5)
            #expect(try await app.producer.send("demo.mul", args: [4, 5], options: SendOptions(queue: "custom")).get(timeout: 30) == 20)
            let echoed = try await app.producer.send("demo.echo", args: [1, "two"], kwargs: ["k": 2.5]).get(timeout: 30)
            #expect(echoed == ["args": [1, "two"], "kwargs": ["k": 2.5]])
            // A countdown still runs, after its ETA.
            let delayed = try await app.producer.send("demo.add", args: [1, 1], options: SendOptions(countdown: 1))
            #expect(try await delayed.get(timeout: 30) == 2)
            // An absolute ETA.
            let eta = try await app.producer.send("demo.add", args: [3, 3], options: SendOptions(eta: Date().addingTimeInterval(0.5)))
            #expect(try await eta.get(timeout: 30) == 6)
        }
    }

    @Test func failuresCarryTheExceptionAndTraceback() async throws {
        try await withWorker { app, _ in
            do {
                _ = try await app.producer.send("demo.fail", args: ["boom"]).get(timeout: 30)
                Issue.record("no failure")
            } catch let failure as TaskFailure {
                #expect(failure.state == .failure)
                #expect(failure.excType == "DemoError")
                #expect(failure.excMessage == ["boom"])
                #expect(failure.traceback?.contains("DemoError: boom") == true)
            }
        }
    }

    @Test func expiredTasksAreRevoked() async throws {
        try await withWorker { app, _ in
            var options = SendOptions(expires: .date(Date().addingTimeInterval(-10)))
            options.queue = "celery"
            let meta = try await app.producer.send("demo.add", args: [1, 2], options: options).wait(timeout: 30)
            #expect(meta.status == .revoked)
            #expect(meta.exception?.type == "TaskRevokedError")
        }
    }

    @Test func inspectAndControlReachTheWorker() async throws {
        try await withWorker { app, worker in
            let control = app.control()
            let pings = try await control.broadcast(.ping, timeout: 2)
            #expect(pings == [ControlClient.Reply(nodename: worker.nodename, result: ["ok": "pong"])])
            let registered = try await control.broadcast(.registered(taskInfoItems: []), destination: [worker.nodename], timeout: 2)
            let names = registered.first?.result.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(names.contains("demo.add"))
            let stats = try await control.broadcast(.stats, timeout: 2)
            #expect(stats.first?.result["pid"]?.intValue == Int64(worker.pid))
            let limited = try await control.broadcast(.rateLimit(taskName: "demo.noop", rateLimit: "2/s"), timeout: 2)
            #expect(limited.first?.result == ["ok": "new rate limit set successfully"])
            // The reply queue and its binding are gone afterwards.
            let bindings = try await app.transport.client.smembers("_kombu.binding.reply.celery.pidbox")
            #expect(bindings.isEmpty)
            // A destination nobody has: no reply, and the call ends after the timeout.
            #expect(try await control.broadcast(.ping, destination: ["nobody@nowhere"], timeout: 0.5).isEmpty)
        }
    }

    @Test func workerEventsArrive() async throws {
        try await withWorker { app, _ in
            let receiver = EventReceiver(transport: app.transport)
            let stream = try await receiver.start()
            let result = try await app.producer.send("demo.add", args: [2, 3])
            var seen: Set<String> = []
            var heartbeat = false
            for await item in stream {
                if case .event(let event, _) = item {
                    if event.type == .workerHeartbeat { heartbeat = true }
                    if event.uuid == result.id { seen.insert(event.type.rawValue) }
                }
                if heartbeat, seen.contains("task-succeeded") { break }
            }
            #expect(seen.isSuperset(of: ["task-received", "task-started", "task-succeeded"]))
            await receiver.close()
        }
    }

    @Test func revokeBeforeRunningStoresRevoked() async throws {
        try await withWorker { app, worker in
            // Far enough ahead that a loaded machine cannot reach the ETA before the revoke.
            let result = try await app.producer.send("demo.add", args: [1, 2], options: SendOptions(countdown: 120))
            try await result.revoke()
            let meta = try await result.wait(timeout: 60)
            #expect(meta.status == .revoked, "\(worker.log)")
        }
    }

    @Test func chainGroupAndChordCompleteOnPythonWorkers() async throws {
        try await withWorker { app, worker in
            let chain = try await app.producer.chain([Signature(task: "demo.add", args: [1, 2]), Signature(task: "demo.mul", args: [10]),
                                                      Signature(task: "demo.add", args: [3])])
            #expect(try await chain.get(timeout: 60) == 33)

            let group = try await app.producer.group((0..<3).map { Signature(task: "demo.add", args: [.integer($0), .integer($0)]) })
            #expect(try await group.get(timeout: 60) == [0, 2, 4])
            let record = try #require(try await app.results.client.get("celery-taskset-meta-" + group.id))
            #expect(try ResultReference(jsonValue: JSONParser.parse(record)["result"] ?? .null).id == group.id)

            let chord = try await app.producer.chord((1...3).map { Signature(task: "demo.add", args: [.integer($0), .integer($0)]) },
                                                     body: Signature(task: "demo.xsum"))
            #expect(try await chord.get(timeout: 60) == 12)
            // The body ran exactly once.
            try await Task.sleep(for: .milliseconds(500))
            let runs = worker.log.components(separatedBy: "Task demo.xsum[\(chord.id)] succeeded").count - 1
            #expect(runs == 1)
        }
    }
}
