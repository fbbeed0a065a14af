import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// Celery's own tools against the control server: `celery inspect … --json` and
/// `celery control …` must decode every reply, and show the values the target holds.
@Suite("celery inspect and celery control steer the control server", .serialized)
struct ControlPythonToolTests {
    static let node = "w1@control.test"

    /// Runs `celery -b URL <arguments>`; returns the exit status, the JSON it printed (nil
    /// when none) and stderr.
    static func celery(_ cluster: ControlCluster, _ arguments: [String]) async throws -> (status: Int32, json: JSONValue?, stderr: String) {
        guard let celery = ProjectPaths.venvProgram("celery") else { throw MissingProgram(name: "celery") }
        let output = try await runProgram(celery, ["-b", cluster.server.url()] + arguments, timeout: 60)
        let line = output.stdout.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let json = try line.map { try JSONParser.parse(String($0)) }
        return (output.status, json, output.stderr)
    }

    /// `celery inspect METHOD --json -d node`: `{node: reply}`.
    static func inspect(_ cluster: ControlCluster, _ method: String, _ extra: [String] = []) async throws -> JSONValue? {
        let result = try await celery(cluster, ["inspect", method] + extra + ["--json", "-t", "10", "-d", node])
        #expect(result.status == 0, "celery inspect \(method) failed: \(result.stderr)")
        return result.json?[node]
    }

    /// `celery control METHOD ARGS --json -d node`: `[{node: reply}]`.
    static func control(_ cluster: ControlCluster, _ method: String, _ extra: [String] = []) async throws -> JSONValue? {
        let result = try await celery(cluster, ["control", method] + extra + ["--json", "-t", "10", "-d", node])
        #expect(result.status == 0, "celery control \(method) failed: \(result.stderr)")
        return result.json?.arrayValue?.first?[node]
    }

    @Test func celeryInspectDecodesEveryReply() async throws {
        try await withControlCluster([Self.node]) { (cluster: ControlCluster) async throws in
            let target = cluster.target
            await target.hold(active: ["a1"], reserved: ["r1"], scheduled: ["s1"], ready: ["d1"])
            await target.setRevoked(["x1"])
            await target.setClock(210)

            #expect(try await Self.inspect(cluster, "ping") == ["ok": "pong"])
            #expect(try await Self.inspect(cluster, "clock") == ["clock": 210])
            let stats = try #require(try await Self.inspect(cluster, "stats"))
            #expect(stats["pid"]?.intValue == Int64(ProcessInfo.processInfo.processIdentifier))
            #expect(stats["clock"] == "210")
            #expect(stats["total"] == ["demo.add": 3])
            #expect(try await Self.inspect(cluster, "registered") == ["demo.add", "demo.limited [rate_limit=10/m]", "demo.sleep"])
            #expect(try await Self.inspect(cluster, "active")?.arrayValue?.map { $0["id"] } == ["a1"])
            #expect(try await Self.inspect(cluster, "active")?.arrayValue?.first?["args"] == [12])
            #expect(try await Self.inspect(cluster, "reserved")?.arrayValue?.map { $0["id"] } == ["r1"])
            let scheduled = try #require(try await Self.inspect(cluster, "scheduled")?.arrayValue)
            #expect(scheduled.first?["eta"] == "2026-11-25T05:42:05.439413+00:00")
            #expect(scheduled.first?["request"]?["id"] == "s1")
            #expect(try await Self.inspect(cluster, "revoked") == ["x1"])
            let queues = try #require(try await Self.inspect(cluster, "active_queues")?.arrayValue)
            #expect(queues.map { $0["name"] } == ["celery"])
            let query = try #require(try await Self.inspect(cluster, "query_task", ["a1", "d1", "unknown"])?.objectValue)
            #expect(query.keys == ["a1", "d1"])
            #expect(query["a1"]?.arrayValue?.first == "active")
            #expect(query["d1"]?.arrayValue?.first == "ready")
            #expect(try await Self.inspect(cluster, "conf") == ["broker_url": "redis://127.0.0.1:6379/0", "worker_concurrency": 4])
            #expect(try await Self.inspect(cluster, "report")?["ok"]?.stringValue?.contains("software -> celeriac") == true)
        }
    }

    @Test func celeryControlChangesTheTarget() async throws {
        try await withControlCluster([Self.node, "w2@control.test"]) { (cluster: ControlCluster) async throws in
            let target = cluster.target
            #expect(try await Self.control(cluster, "rate_limit", ["demo.add", "10/s"]) == ["ok": "new rate limit set successfully"])
            #expect(await target.rateLimits["demo.add"] == 10)
            #expect(try await Self.inspect(cluster, "registered")?.arrayValue?.first == "demo.add [rate_limit=10/s]")
            #expect(try await Self.control(cluster, "revoke", ["c0ffee"]) == ["ok": "tasks {'c0ffee'} flagged as revoked"])
            #expect(await target.revoked == ["c0ffee"])
            #expect(try await Self.control(cluster, "time_limit", ["demo.add", "3", "5"]) == ["ok": "time limits set successfully"])
            #expect(await target.tasks["demo.add"]?.softTimeLimit == 3)
            #expect(await target.tasks["demo.add"]?.timeLimit == 5)
            #expect(try await Self.control(cluster, "add_consumer", ["q"]) == ["ok": "add consumer q"])
            #expect(await target.queues.map(\.name) == ["celery", "q"])
            #expect(try await Self.inspect(cluster, "active_queues")?.arrayValue?.map { $0["name"] } == ["celery", "q"])
            #expect(try await Self.control(cluster, "cancel_consumer", ["q"]) == ["ok": "no longer consuming from q"])
            #expect(await target.queues.map(\.name) == ["celery"])
            #expect(try await Self.control(cluster, "enable_events") == ["ok": "task events enabled"])
            #expect(try await Self.control(cluster, "pool_grow", ["2"]) == ["ok": "pool will grow"])
            #expect(await target.poolSize == 6)
            #expect(try await Self.control(cluster, "autoscale", ["4", "2"]) == ["error": "ValueError('Autoscale not enabled')"])
            #expect(try await Self.control(cluster, "terminate", ["SIGKILL", "not-running"]) == ["ok": "terminate: tasks unknown"])

            // shutdown: no reply (Celery's CLI then says nobody replied), only the destination stops.
            let shutdown = try await Self.celery(cluster, ["control", "shutdown", "--json", "-d", Self.node])
            #expect(shutdown.status == 69)
            #expect(shutdown.stderr.contains("No nodes replied"))
            try await eventually("the shutdown request") { await target.shutdownRequests == 1 }
            #expect(try await cluster.ask(.ping, node: "w2@control.test") == ["ok": "pong"])
            #expect(await cluster.targets[1].shutdownRequests == 0)
        }
    }

    @Test func mingleWithAPythonWorkerBothWays() async throws {
        try await withControlCluster([Self.node], options: ControlServer.Options(mingleTimeout: 5)) { (cluster: ControlCluster) async throws in
            await cluster.target.setRevoked(["from-swift"])
            // The Python worker mingles at start: it gets our ids from our hello reply.
            let python = try await CeleryWorkerProcess(broker: cluster.server.url(), nodename: "py-mingle@control.test")
            defer { python.stop() }
            #expect(python.log.contains("sync with") || python.log.contains("mingle: sync"))
            // A loaded Python worker may miss one 5 s reply window; the id can only come from
            // our hello reply, so waiting for it cannot pass without the mingle.
            try await eventually("the Python worker lists the id it got from our hello reply") {
                try await cluster.ask(.revoked, node: python.nodename)?.arrayValue?.contains("from-swift") == true
            }
            // It revokes one more; our mingle brings it (and its clock) back.
            _ = try await cluster.control.broadcast(.revoke(taskIDs: ["from-python"], terminate: false, signal: nil),
                                                    destination: [python.nodename], timeout: 5)
            let outcome = try await cluster.servers[0].mingle()
            #expect(outcome.nodes == [python.nodename])
            #expect(await cluster.target.revoked.contains("from-python"))
            #expect(await cluster.target.clock >= (outcome.maxClock ?? Int.max))
        }
    }
}
