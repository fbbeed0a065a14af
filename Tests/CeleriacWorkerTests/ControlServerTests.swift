import Celeriac
import CeleriacProtocol
import CeleriacWorker
import Foundation
import Testing

/// The control server behind Celeriac's own control client, on a real broker.
@Suite("the control server answers every command")
struct ControlServerTests {
    /// The key order of a request dict, as a Celery worker's `Request.info()` writes it.
    static let infoKeys = ["id", "name", "args", "kwargs", "type", "hostname", "time_start", "acknowledged",
                           "delivery_info", "worker_pid"]

    @Test func inspectCommandsReplyInCelerysShapes() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            let target = cluster.target
            await target.hold(active: ["a1"], reserved: ["r1"], scheduled: ["s1"], ready: ["d1"])
            await target.setRevoked(["x1", "x2"])
            await target.setClock(210)

            #expect(try await cluster.ask(.ping) == ["ok": "pong"])
            #expect(try await cluster.ask(.clock) == ["clock": 210])
            #expect(try await cluster.ask(.revoked) == ["x1", "x2"])

            let active = try #require(try await cluster.ask(.active(safe: nil))?.arrayValue)
            #expect(active.count == 1)
            #expect(active.first?.objectValue?.keys == Self.infoKeys)
            #expect(active.first?["id"] == "a1")
            #expect(active.first?["args"] == [12])
            #expect(active.first?["kwargs"] == ["unit": "s"])
            #expect(active.first?["type"] == "demo.sleep")
            #expect(active.first?["worker_pid"] == 4242)
            #expect(active.first?["delivery_info"] == ["exchange": "", "routing_key": "celery", "priority": 0, "redelivered": false])

            let safe = try #require(try await cluster.ask(.active(safe: true))?.arrayValue)
            #expect(safe.first?["args"] == "(12,)")
            #expect(safe.first?["kwargs"] == "{'unit': 's'}")

            let reserved = try #require(try await cluster.ask(.reserved)?.arrayValue)
            #expect(reserved.map { $0["id"] } == ["r1"])
            #expect(reserved.first?["time_start"] == .null)
            #expect(reserved.first?["acknowledged"] == false)

            let scheduled = try #require(try await cluster.ask(.scheduled)?.arrayValue)
            #expect(scheduled.count == 1)
            #expect(scheduled.first?.objectValue?.keys == ["eta", "priority", "request"])
            #expect(scheduled.first?["eta"] == "2026-11-25T05:42:05.439413+00:00")
            #expect(scheduled.first?["priority"] == 6)
            #expect(scheduled.first?["request"]?["id"] == "s1")

            let query = try #require(try await cluster.ask(.queryTask(ids: ["d1", "a1", "nope", "s1", "r1"]))?.objectValue)
            #expect(query.keys == ["d1", "a1", "s1", "r1"])
            #expect(query["a1"]?.arrayValue?.first == "active")
            #expect(query["r1"]?.arrayValue?.first == "reserved")
            #expect(query["s1"]?.arrayValue?.first == "scheduled")
            #expect(query["d1"]?.arrayValue?.first == "ready")
            #expect(query["d1"]?.arrayValue?.last?["args"] == [1, 2])

            let queues = try #require(try await cluster.ask(.activeQueues)?.arrayValue)
            #expect(queues.map { $0["name"] } == ["celery"])
            #expect(queues.first?["exchange"]?["type"] == "direct")
            #expect(queues.first?["durable"] == true)

            #expect(try await cluster.ask(.conf(withDefaults: false)) == ["broker_url": "redis://127.0.0.1:6379/0", "worker_concurrency": 4])
            #expect(try await cluster.ask(.conf(withDefaults: true))?["worker_prefetch_multiplier"] == 4)
            #expect(try await cluster.ask(method: "dump_conf") == ["broker_url": "redis://127.0.0.1:6379/0", "worker_concurrency": 4])

            let report = try #require(try await cluster.ask(.report)?["ok"]?.stringValue)
            #expect(report.contains("software -> celeriac"))
            #expect(report.contains("broker_url: 'redis://127.0.0.1:6379/0'"))
            #expect(report.contains("worker_concurrency: 4"))

            let stats = try #require(try await cluster.ask(.stats))
            #expect(stats.objectValue?.keys == ["total", "pid", "clock", "uptime", "pool", "broker", "prefetch_count", "rusage"])
            #expect(stats["clock"] == "210")
            #expect(stats["total"] == ["demo.add": 3])
            #expect(stats["pid"]?.intValue == Int64(ProcessInfo.processInfo.processIdentifier))
            #expect(stats["pool"]?["max-concurrency"] == 4)
            #expect(stats["prefetch_count"] == 16)
            #expect(stats["broker"]?["transport"] == "redis")
        }
    }

    @Test func registeredListsTasksWithTheirAttributes() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            // Celery's default items (exchange, routing_key, rate_limit); builtins left out.
            #expect(try await cluster.ask(.registered(taskInfoItems: [])) == ["demo.add", "demo.limited [rate_limit=10/m]", "demo.sleep"])
            #expect(try await cluster.ask(method: "registered", arguments: ["taskinfoitems": [], "builtins": true])
                == ["celery.backend_cleanup", "demo.add", "demo.limited [rate_limit=10/m]", "demo.sleep"])
            // dump_tasks is the same handler; asked items only, private ones dropped.
            #expect(try await cluster.ask(method: "dump_tasks", arguments: ["taskinfoitems": ["name", "_secret", "max_retries"]])
                == ["demo.add [name=demo.add max_retries=3]", "demo.limited [name=demo.limited max_retries=3]",
                    "demo.sleep [name=demo.sleep max_retries=3]"])
            // A changed limit shows up.
            #expect(try await cluster.ask(.timeLimit(taskName: "demo.sleep", hard: 20, soft: 10)) == ["ok": "time limits set successfully"])
            #expect(try await cluster.ask(.registered(taskInfoItems: ["soft_time_limit", "time_limit"]))
                == ["demo.add", "demo.limited", "demo.sleep [soft_time_limit=10 time_limit=20]"])
        }
    }

    @Test func controlCommandsChangeTheTarget() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            let target = cluster.target
            // rate_limit: set, then shown by registered; disabled; unknown task; bad strings.
            #expect(try await cluster.ask(.rateLimit(taskName: "demo.add", rateLimit: "10/s")) == ["ok": "new rate limit set successfully"])
            #expect(await target.rateLimits["demo.add"] == 10)
            #expect(try await cluster.ask(.registered(taskInfoItems: []))?.arrayValue?.first == "demo.add [rate_limit=10/s]")
            #expect(try await cluster.ask(.rateLimit(taskName: "demo.add", rateLimit: "6/m")) == ["ok": "new rate limit set successfully"])
            #expect(await target.rateLimits["demo.add"] == 0.1)
            #expect(try await cluster.ask(.rateLimit(taskName: "demo.add", rateLimit: .null)) == ["ok": "rate limit disabled successfully"])
            #expect(await target.tasks["demo.add"]?.rateLimit == nil)
            #expect(try await cluster.ask(.rateLimit(taskName: "demo.nope", rateLimit: "1/s")) == ["error": "unknown task"])
            #expect(try await cluster.ask(.rateLimit(taskName: "demo.add", rateLimit: "10/x")) == ["error": "KeyError('x')"])
            #expect(try await cluster.ask(.rateLimit(taskName: "demo.add", rateLimit: "ten/s"))
                == ["error": "Invalid rate limit string: ValueError(\"could not convert string to float: 'ten'\")"])

            // time_limit.
            #expect(try await cluster.ask(.timeLimit(taskName: "demo.add", hard: 5, soft: 3)) == ["ok": "time limits set successfully"])
            #expect(await target.tasks["demo.add"]?.softTimeLimit == 3)
            #expect(await target.tasks["demo.add"]?.timeLimit == 5)
            #expect(try await cluster.ask(.timeLimit(taskName: "demo.nope", hard: 5, soft: 3)) == ["error": "unknown task"])

            // add_consumer / cancel_consumer, visible in active_queues.
            #expect(try await cluster.ask(.addConsumer(queue: "extra", exchange: nil, exchangeType: "direct", routingKey: nil))
                == ["ok": "add consumer extra"])
            #expect(try await cluster.ask(.activeQueues)?.arrayValue?.map { $0["name"] } == ["celery", "extra"])
            #expect(try await cluster.ask(.addConsumer(queue: "extra", exchange: nil, exchangeType: nil, routingKey: nil))
                == ["ok": "add consumer extra"])
            #expect(try await cluster.ask(.cancelConsumer(queue: "extra")) == ["ok": "no longer consuming from extra"])
            #expect(await target.queues.map(\.name) == ["celery"])

            // The pool, and what a fixed pool answers.
            #expect(try await cluster.ask(.poolGrow(n: 2)) == ["ok": "pool will grow"])
            #expect(try await cluster.ask(.poolShrink(n: 1)) == ["ok": "pool will shrink"])
            #expect(await target.poolSize == 5)
            await target.setPoolResizable(false)
            #expect(try await cluster.ask(.poolGrow(n: 1)) == ["error": "AttributeError(\"'TaskPool' object has no attribute 'grow'\")"])
            #expect(try await cluster.ask(method: "autoscale", arguments: ["max": 8, "min": 2]) == ["error": "ValueError('Autoscale not enabled')"])

            // Events on and off.
            #expect(try await cluster.ask(.enableEvents) == ["ok": "task events enabled"])
            #expect(try await cluster.ask(.enableEvents) == ["ok": "task events already enabled"])
            #expect(await target.taskEvents)
            #expect(try await cluster.ask(.disableEvents) == ["ok": "task events disabled"])
            #expect(try await cluster.ask(.disableEvents) == ["ok": "task events already disabled"])
            // Flower casts enable_events (no ticket, no reply_to): it acts without replying.
            try await cluster.control.cast(.enableEvents)
            try await eventually("a cast enable_events") { await target.taskEvents }

            // heartbeat as a call replies null; as a cast it still sends one.
            #expect(try await cluster.ask(.heartbeat) == .null)
            try await cluster.control.cast(.heartbeat)
            try await eventually("a cast heartbeat") { await target.heartbeats == 2 }

            // An unknown method and bad arguments get Python's error reprs.
            #expect(try await cluster.ask(method: "no_such_command") == ["error": "KeyError('no_such_command')"])
            let bad = try #require(try await cluster.ask(method: "revoke", arguments: [:])?["error"]?.stringValue)
            #expect(bad.hasPrefix("TypeError("))
        }
    }

    @Test func revokeFlagsAndTerminates() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            let target = cluster.target
            await target.hold(active: ["a1"], reserved: ["r1"])
            #expect(try await cluster.ask(.revoke(taskIDs: ["done1"], terminate: false, signal: "SIGTERM"))
                == ["ok": "tasks {'done1'} flagged as revoked"])
            #expect(try await cluster.ask(.revoke(taskIDs: ["d2", "d3", "d2"], terminate: false, signal: nil))
                == ["ok": "tasks {'d2', 'd3'} flagged as revoked"])
            #expect(try await cluster.ask(.revoke(taskIDs: ["a1"], terminate: true, signal: "SIGKILL")) == ["ok": "terminate: a1"])
            #expect(try await cluster.ask(.revoke(taskIDs: ["gone"], terminate: true, signal: "SIGTERM")) == ["ok": "terminate: tasks unknown"])
            // `terminate SIGNAL ID` and a short signal name.
            #expect(try await cluster.ask(method: "terminate", arguments: ["signal": "KILL", "task_id": "r1"]) == ["ok": "terminate: r1"])
            #expect(await target.terminated.map { $0.id } == ["a1", "r1"])
            #expect(await target.terminated.map { $0.signal } == ["SIGKILL", "SIGKILL"])
            #expect(await target.active.isEmpty)
            // Bad signals: Celery's exceptions, after the ids are flagged.
            #expect(try await cluster.ask(.revoke(taskIDs: ["b1"], terminate: true, signal: "kill"))
                == ["error": "TypeError('signal name must be uppercase string.')"])
            #expect(try await cluster.ask(.revoke(taskIDs: ["b2"], terminate: true, signal: "FOO"))
                == ["error": "AttributeError(\"module 'signal' has no attribute 'SIGFOO'\")"])
            #expect(try await cluster.ask(.revoked) == ["done1", "d2", "d3", "a1", "gone", "r1", "b1", "b2"])
        }
    }

    @Test func helloMergesTheSendersRevokedIDs() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            let target = cluster.target
            await target.setRevoked(["mine"])
            await target.setClock(312)
            let reply = try #require(try await cluster.ask(.hello(fromNode: "w9@elsewhere", revoked: ["theirs"])))
            #expect(reply.objectValue?.keys == ["revoked", "clock"])
            #expect(reply["revoked"] == ["mine", "theirs"])
            #expect(reply["clock"] == 313)
            // Celery before 5.6 sent {id: stamp}.
            let old = try #require(try await cluster.ask(method: "hello", arguments: ["from_node": "w8@old", "revoked": ["older": 12.5]]))
            #expect(old["revoked"] == ["mine", "theirs", "older"])
            // Our own hello gets null (the mingling node drops it).
            #expect(try await cluster.ask(.hello(fromNode: cluster.node, revoked: ["x"])) == .null)
            #expect(await target.revoked == ["mine", "theirs", "older"])
        }
    }

    @Test func shutdownGetsNoReplyAndStopsTheTarget() async throws {
        try await withControlCluster(["w1@control.test", "w2@control.test"]) { (cluster: ControlCluster) async throws in
            let replies = try await cluster.control.broadcast(.shutdown, destination: ["w2@control.test"], timeout: 1)
            #expect(replies.isEmpty)
            try await eventually("w2 asked to shut down") { await cluster.targets[1].shutdownRequests == 1 }
            // w1 was not addressed: once it answered a later ping it had seen the shutdown.
            let pings = try await cluster.control.broadcast(.ping, destination: ["w1@control.test"], timeout: 5)
            #expect(pings.map(\.nodename) == ["w1@control.test"])
            #expect(await cluster.targets[0].shutdownRequests == 0)
        }
    }
}
