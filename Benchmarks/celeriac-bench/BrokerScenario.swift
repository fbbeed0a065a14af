import ArgumentParser
import CeleriacRedis
import CeleriacTestSupport
import Foundation

/// `celeriac-bench broker` (scenario 1): `redis-benchmark` against redis-server and `celeriac
/// broker` started side by side (AOF everysec on both, then off on both), at pipeline depths 1
/// and 16 — ops/s, p50/p99 latency and the ratio — then each server's resident memory when
/// fresh and when holding a million queued 1 KB messages.
struct BrokerScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "celeriac broker vs redis-server under redis-benchmark, plus memory for 1M queued 1 KB messages."
    )

    @OptionGroup var common: RunOptions

    @Option(help: "Requests per test.") var requests: Int = 200_000
    @Option(help: "Concurrent clients.") var clients: Int = 50
    @Option(help: "Messages queued for the memory figure.") var items: Int = 1_000_000
    @Option(help: "Bytes per queued message.") var valueSize: Int = 1_024

    static let tests = "ping,set,get,lpush,rpop,lpop"

    func run() async throws {
        await ReportRun.execute(common, title: "broker") { recorder in await measure(recorder) }
    }

    func measure(_ recorder: Recorder) async {
        let count = recorder.quick ? 1_000 : requests
        recorder.begin("1. Broker: redis-benchmark -c \(clients) -n \(count) -t \(Self.tests), redis-server vs celeriac broker")
        if ProjectPaths.which("redis-benchmark") == nil {
            for aof in ["everysec", "off"] {
                for pipeline in [1, 16] {
                    for kind in ServerKind.allCases {
                        recorder.record(.broker, "all tests (geometric mean), -P \(pipeline), AOF \(aof)", system: kind.rawValue,
                                        unit: .operationsPerSecond, samples: [], reason: "redis-benchmark is not installed")
                    }
                }
            }
        } else {
            for aof in ["everysec", "off"] {
                for pipeline in [1, 16] {
                    await throughput(recorder, aof: aof, pipeline: pipeline, requests: count)
                }
            }
        }
        await memory(recorder, items: recorder.quick ? 5_000 : items)
    }

    /// `redis-benchmark`'s tests for ``tests``, one `-t` each, in the order it runs them (the
    /// list tests depend on it: RPOP and LPOP pop what LPUSH pushed).
    static let testRuns = ["ping_inline", "ping_mbulk", "set", "get", "lpush", "rpop", "lpop"]

    /// One AOF policy at one pipeline depth. Each test runs on one server and at once on the
    /// other (who goes first alternates), so the two figures of a row are taken seconds apart
    /// rather than a whole test list apart: at -P 1 a burst of load from elsewhere lands on
    /// both or neither. The server's CPU per request is recorded too — steadier than the rate
    /// on a shared machine.
    func throughput(_ recorder: Recorder, aof: String, pipeline: Int, requests: Int) async {
        let shape = "-P \(pipeline), AOF \(aof)"
        var rates: [ServerKind: [String: [Double]]] = [:]
        var p50: [ServerKind: [String: [Double]]] = [:]
        var p99: [ServerKind: [String: [Double]]] = [:]
        var cpu: [ServerKind: [String: [Double]]] = [:]
        var geometric: [ServerKind: [Double]] = [:]
        var order: [String] = []
        var failure: String?
        do {
            let servers = try ServerKind.allCases.map { try BenchServer($0, appendOnly: aof == "off" ? nil : aof) }
            defer { servers.forEach { $0.stop() } }
            let loopStart = recorder.now
            for repetition in 0..<recorder.repeats {
                guard recorder.shouldRun(repetition: repetition, since: loopStart) else { break }
                var repetitionRates: [ServerKind: [Double]] = [:]
                for (index, test) in Self.testRuns.enumerated() {
                    // Alternate who goes first, so neither always meets a warmer machine.
                    for server in (repetition + index) % 2 == 0 ? servers : Array(servers.reversed()) {
                        let meter = CPUMeter(serverPID: server.pid)
                        let results = try RedisBenchmarkTool.runCSV(port: server.port, requests: requests, clients: clients,
                                                                    pipeline: pipeline, tests: test, timeout: 900)
                        let perRequest = meter.perOperation(requests * results.count).server * 1e6
                        for result in results {
                            if !order.contains(result.test) { order.append(result.test) }
                            rates[server.kind, default: [:]][result.test, default: []].append(result.requestsPerSecond)
                            repetitionRates[server.kind, default: []].append(result.requestsPerSecond)
                            cpu[server.kind, default: [:]][result.test, default: []].append(perRequest)
                            if let value = result.p50Milliseconds { p50[server.kind, default: [:]][result.test, default: []].append(value) }
                            if let value = result.p99Milliseconds { p99[server.kind, default: [:]][result.test, default: []].append(value) }
                        }
                    }
                }
                for (kind, values) in repetitionRates {
                    if let mean = Statistics.geometricMean(values) { geometric[kind, default: []].append(mean) }
                }
            }
        } catch {
            failure = "\(error)"
        }
        for test in order {
            let figures = ServerKind.allCases.map { kind in
                recorder.record(.broker, "\(test), \(shape)", system: kind.rawValue, unit: .operationsPerSecond,
                                samples: rates[kind]?[test] ?? [], reason: failure)
            }
            recorder.ratio(.broker, "\(test), \(shape)", figures[1], over: figures[0], target: .atLeast(0.8))
            let cpuFigures = ServerKind.allCases.map { kind in
                recorder.record(.broker, "\(test) server CPU per request, \(shape)", system: kind.rawValue, unit: .microseconds,
                                samples: cpu[kind]?[test] ?? [], reason: failure)
            }
            recorder.ratio(.broker, "\(test) server CPU per request, \(shape)", cpuFigures[1], over: cpuFigures[0])
            for kind in ServerKind.allCases {
                recorder.record(.broker, "\(test) p50 latency, \(shape)", system: kind.rawValue, unit: .milliseconds,
                                samples: p50[kind]?[test] ?? [], reason: failure)
                recorder.record(.broker, "\(test) p99 latency, \(shape)", system: kind.rawValue, unit: .milliseconds,
                                samples: p99[kind]?[test] ?? [], reason: failure)
            }
        }
        let name = "all tests (geometric mean), \(shape)"
        let means = ServerKind.allCases.map { kind in
            recorder.record(.broker, name, system: kind.rawValue, unit: .operationsPerSecond, samples: geometric[kind] ?? [],
                            reason: failure)
        }
        let ratio = recorder.ratio(.broker, name, means[1], over: means[0], target: .atLeast(0.8))
        recorder.headline("ops/s, redis-benchmark (7 tests, geometric mean), \(shape)", celeriac: means[1], peer: means[0],
                          judge: ratio, target: "≥ 0.8× redis-server (\(Recorder.cell(ratio)))")
    }

    /// Resident memory of each server fresh, then holding `items` queued messages of
    /// `valueSize` bytes in one list; a fresh server per repetition.
    func memory(_ recorder: Recorder, items: Int) async {
        var idle: [ServerKind: [Double]] = [:]
        var full: [ServerKind: [Double]] = [:]
        var failure: String?
        let reason = await recorder.repeated { _ in
            for kind in ServerKind.allCases {
                let server = try BenchServer(kind)
                defer { server.stop() }
                try await Task.sleep(for: .milliseconds(300))
                idle[kind, default: []].append(server.residentMiB)
                try await Self.fill(url: server.url(), key: "bench:messages", items: items, valueSize: valueSize)
                full[kind, default: []].append(server.residentMiB)
            }
        }
        failure = reason
        let label = "\(BenchSupport.format(Double(items))) queued \(valueSize)-byte messages"
        for kind in ServerKind.allCases {
            recorder.record(.memory, "broker RSS, fresh and idle", system: kind.rawValue, unit: .mebibytes, samples: idle[kind] ?? [], reason: failure)
        }
        let figures = ServerKind.allCases.map { kind in
            recorder.record(.broker, "RSS with \(label)", system: kind.rawValue, unit: .mebibytes, samples: full[kind] ?? [], reason: failure)
        }
        recorder.ratio(.broker, "RSS with \(label)", figures[1], over: figures[0])
        recorder.headline("broker RSS with \(label)", celeriac: figures[1], peer: figures[0])
    }

    /// LPUSHes `items` values of `valueSize` bytes into `key`, a thousand per command, and
    /// checks the list's length.
    static func fill(url: String, key: String, items: Int, valueSize: Int) async throws {
        let connection = try await RedisConnection.connect(to: try RedisURL(parsing: url))
        let value = String(repeating: "x", count: valueSize)
        var remaining = items
        while remaining > 0 {
            var commands: [[String]] = []
            while remaining > 0, commands.count < 8 {
                let count = min(1_000, remaining)
                commands.append(["LPUSH", key] + Array(repeating: value, count: count))
                remaining -= count
            }
            for result in await connection.pipeline(commands) { _ = try result.get() }
        }
        let length = try await connection.send(["LLEN", key]).int ?? 0
        await connection.close()
        guard length == items else { throw BenchError(description: "the list holds \(length) messages, expected \(items)") }
    }
}
