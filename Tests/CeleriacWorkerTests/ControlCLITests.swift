import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// The `celeriac inspect` / `celeriac control` commands against the control server.
@Suite("celeriac inspect and celeriac control steer the control server", .serialized)
struct ControlCLITests {
    static let node = "w1@control.test"

    /// Runs `celeriac VERB … --broker URL --json -d node` and returns `{node: reply}`'s reply.
    static func celeriac(_ cluster: ControlCluster, _ arguments: [String]) async throws -> (status: Int32, reply: JSONValue?, stderr: String) {
        let program = ProjectPaths.executable("celeriac")
        guard FileManager.default.isExecutableFile(atPath: program.path) else { throw MissingProgram(name: program.path) }
        let output = try await runProgram(program, arguments + ["--broker", cluster.server.url(), "--json", "--timeout", "10", "-d", node])
        let line = output.stdout.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let json = try line.map { try JSONParser.parse(String($0)) }
        return (output.status, json?[node], output.stderr)
    }

    @Test func inspectAndControlVerbs() async throws {
        try await withControlCluster([Self.node]) { (cluster: ControlCluster) async throws in
            await cluster.target.hold(active: ["a1"])
            #expect(try await Self.celeriac(cluster, ["inspect", "ping"]).reply == ["ok": "pong"])
            #expect(try await Self.celeriac(cluster, ["inspect", "active"]).reply?.arrayValue?.map { $0["id"] } == ["a1"])
            #expect(try await Self.celeriac(cluster, ["inspect", "query_task", "a1"]).reply?["a1"]?.arrayValue?.first == "active")
            #expect(try await Self.celeriac(cluster, ["inspect", "stats"]).reply?["clock"] == "0")
            #expect(try await Self.celeriac(cluster, ["control", "rate_limit", "demo.add", "5/m"]).reply
                == ["ok": "new rate limit set successfully"])
            #expect(await cluster.target.tasks["demo.add"]?.rateLimit == "5/m")
            #expect(try await Self.celeriac(cluster, ["control", "revoke", "a1", "--terminate", "--signal", "SIGKILL"]).reply
                == ["ok": "terminate: a1"])
            #expect(await cluster.target.terminated.map { $0.signal } == ["SIGKILL"])
            #expect(try await Self.celeriac(cluster, ["control", "add_consumer", "more"]).reply == ["ok": "add consumer more"])
            #expect(await cluster.target.queues.map(\.name) == ["celery", "more"])
            // shutdown is a cast: nothing to print, the target is asked to stop.
            let shutdown = try await Self.celeriac(cluster, ["control", "shutdown"])
            #expect(shutdown.status == 0, "celeriac control shutdown: \(shutdown.stderr)")
            try await eventually("the shutdown request") { await cluster.target.shutdownRequests == 1 }
        }
    }
}
