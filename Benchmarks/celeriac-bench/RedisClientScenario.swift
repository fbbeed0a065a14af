import ArgumentParser
import CeleriacRedis
import CeleriacTestSupport
import Foundation

/// `celeriac-bench redis-client`: ops/s of CeleriacRedis next to `redis-benchmark` against the
/// same freshly started redis-server, for SET, GET and LPUSH at several pipeline depths on one
/// connection and with 50 concurrent connections.
struct RedisClientScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-client",
        abstract: "CeleriacRedis vs redis-benchmark: SET/GET/LPUSH, pipelined and concurrent."
    )

    @Flag(help: "Smoke run: few requests, figures not meaningful.")
    var quick = false

    @Option(help: "Requests per test at pipeline depth 1; deeper shapes run more.")
    var requests: Int = 50_000

    @Flag(help: "Skip redis-benchmark (Celeriac figures only).")
    var noReference = false

    @Option(help: "Rounds per shape, alternating Celeriac and redis-benchmark; the best of each is kept, which evens out a busy machine.")
    var rounds: Int = 3

    @Flag(help: "Speak RESP2 (no HELLO 3), as redis-benchmark does.")
    var resp2 = false

    @Option(help: "Only the shape with this name, such as '1 conn, depth 128'.")
    var only: String?

    @Flag(help: "Drive each connection from the global pool instead of its event loop's executor.")
    var noPin = false

    struct Shape {
        var name: String
        var depth: Int
        var connections: Int
        var requests: Int
    }

    static let tests = ["SET", "GET", "LPUSH"]

    func run() async throws {
        let base = quick ? 2_000 : requests
        let shapes = [
            Shape(name: "1 conn, depth 1", depth: 1, connections: 1, requests: base),
            Shape(name: "1 conn, depth 16", depth: 16, connections: 1, requests: base * 4),
            Shape(name: "1 conn, depth 128", depth: 128, connections: 1, requests: base * 10),
            Shape(name: "50 conns, depth 1", depth: 1, connections: 50, requests: base * 2),
        ]
        let selected = shapes.filter { shape in only.map { shape.name == $0 } ?? true }
        let server = try RedisServer()
        defer { server.stop() }
        let url = try RedisURL(parsing: server.url())
        let mode = noPin ? "tasks on the global pool" : "tasks on each connection's event loop"
        let roundText = quick ? "1 round" : "best of \(max(1, rounds)) rounds"
        print("redis-server on port \(server.port); \(quick ? "quick smoke run" : "full run"); \(mode); \(roundText)")

        var rows: [BenchRow] = []
        for shape in selected {
            let connections = try await Self.connect(url, count: shape.connections, version: resp2 ? .v2 : .v3)
            // Warm up connections, allocator and server before measuring.
            for test in Self.tests {
                _ = try await measure(test, shape: Shape(name: "", depth: shape.depth, connections: shape.connections, requests: min(shape.requests, 2_000)), on: connections)
            }
            var celeriac: [String: Double] = [:]
            var reference: [String: Double] = [:]
            var celeriacCPU: [String: Double] = [:]
            var referenceCPU: Double?
            for _ in 0..<(quick ? 1 : max(1, rounds)) {
                for test in Self.tests {
                    // The server is a child process too, but only waited-for children count
                    // in RUSAGE_CHILDREN, so RUSAGE_SELF is this client alone.
                    let cpuBefore = BenchSupport.cpuSeconds()
                    celeriac[test] = max(celeriac[test] ?? 0, try await measure(test, shape: shape, on: connections))
                    let cpu = (BenchSupport.cpuSeconds() - cpuBefore) * 1e6 / Double(shape.requests)
                    celeriacCPU[test] = min(celeriacCPU[test] ?? .infinity, cpu)
                }
                if noReference { continue }
                let childrenBefore = BenchSupport.cpuSeconds(children: true)
                let measured = try RedisBenchmarkTool.run(
                    port: server.port, requests: shape.requests, clients: shape.connections, pipeline: shape.depth,
                    tests: Self.tests.map { $0.lowercased() })
                for (test, value) in measured { reference[test] = max(reference[test] ?? 0, value) }
                // redis-benchmark ran the three tests in one process: its CPU per request.
                let cpu = (BenchSupport.cpuSeconds(children: true) - childrenBefore) * 1e6 / Double(shape.requests * Self.tests.count)
                referenceCPU = min(referenceCPU ?? .infinity, cpu)
                // Keep LPUSH's list from growing round after round.
                try await Self.flush(url)
            }
            for connection in connections { await connection.close() }
            for test in Self.tests {
                rows.append(BenchRow(
                    shape: "\(test) \(shape.name)", celeriac: celeriac[test] ?? 0, reference: noReference ? nil : reference[test],
                    celeriacCPU: celeriacCPU[test], referenceCPU: referenceCPU))
            }
        }
        print("")
        BenchSupport.printTable(rows, referenceName: "redis-benchmark")
        let ratios = rows.compactMap(\.ratio)
        if let worst = ratios.min() { print(String(format: "\nlowest ratio %.2f (target 0.70)", worst)) }
    }

    static func connect(_ url: RedisURL, count: Int, version: RESPVersion) async throws -> [RedisConnection] {
        let options = RedisOptions(protocolVersion: version)
        var connections: [RedisConnection] = []
        for _ in 0..<count { connections.append(try await RedisConnection.connect(to: url, options: options)) }
        return connections
    }

    static func flush(_ url: RedisURL) async throws {
        let connection = try await RedisConnection.connect(to: url)
        _ = try await connection.send(["FLUSHALL"])
        await connection.close()
    }

    /// The arguments redis-benchmark sends for each test, with its default 3-byte value.
    static func arguments(_ test: String) -> [String] {
        switch test {
        case "SET": return ["SET", "key:__rand_int__", "xxx"]
        case "GET": return ["GET", "key:__rand_int__"]
        default: return ["LPUSH", "mylist", "xxx"]
        }
    }

    func measure(_ test: String, shape: Shape, on connections: [RedisConnection]) async throws -> Double {
        let perConnection = shape.requests / connections.count
        let total = perConnection * connections.count
        return try await BenchSupport.opsPerSecond(total) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in connections {
                    if noPin {
                        group.addTask { try await Self.drive(test, connection: connection, requests: perConnection, depth: shape.depth) }
                    } else {
                        group.addTask(executorPreference: connection.taskExecutor) {
                            try await Self.drive(test, connection: connection, requests: perConnection, depth: shape.depth)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// Sends `requests` commands, `depth` at a time: the next batch goes out when the last
    /// reply of the previous one is in, as redis-benchmark's -P does. Every command is encoded
    /// anew, as an application would.
    static func drive(_ test: String, connection: RedisConnection, requests: Int, depth: Int) async throws {
        let arguments = arguments(test)
        if depth == 1 {
            for _ in 0..<requests { _ = try await connection.send(arguments) }
            return
        }
        var remaining = requests
        while remaining > 0 {
            let size = min(depth, remaining)
            var batch = RedisPipeline(capacity: size * 48)
            for _ in 0..<size { batch.append(arguments) }
            for result in await connection.pipeline(batch) { _ = try result.get() }
            remaining -= size
        }
    }
}
