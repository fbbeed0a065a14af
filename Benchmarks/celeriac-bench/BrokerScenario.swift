import ArgumentParser
import CeleriacTestSupport
import Foundation

/// `celeriac-bench broker`: `redis-benchmark` against redis-server and `celeriac broker`
/// started side by side (AOF everysec on both, then off on both), at pipeline depths 1 and 16,
/// then the resident memory of each after loading a million 100-byte list items.
struct BrokerScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "celeriac broker vs redis-server under redis-benchmark, plus memory for 1M list items."
    )

    @Flag(help: "Smoke run: few requests, figures not meaningful.")
    var quick = false

    @Option(help: "Requests per test.") var requests: Int = 200_000
    @Option(help: "Concurrent clients.") var clients: Int = 50
    @Option(help: "Rounds per row, alternating the two servers; the best of each is kept.") var rounds: Int = 2
    @Option(help: "List items loaded for the memory figure.") var items: Int = 1_000_000

    static let tests = "ping,set,get,lpush,rpop,lpop"

    struct Row {
        var name: String
        var redis: Double
        var celeriac: Double
    }

    func run() async throws {
        let count = quick ? 20_000 : requests
        let roundCount = quick ? 1 : max(1, rounds)
        var rows: [Row] = []
        for persistence in ["everysec", "off"] {
            let redisArguments = persistence == "off" ? ["--appendonly", "no"] : ["--appendonly", "yes", "--appendfsync", "everysec"]
            let brokerArguments = persistence == "off" ? ["--appendonly", "no"] : ["--appendonly", "yes", "--appendfsync", "everysec"]
            let redis = try RedisServer(arguments: redisArguments)
            defer { redis.stop() }
            let broker = try BrokerProcess(arguments: brokerArguments)
            defer { broker.stop() }
            for pipeline in [1, 16] {
                var best: [String: (redis: Double, celeriac: Double)] = [:]
                var order: [String] = []
                for _ in 0..<roundCount {
                    let redisFigures = try measure(port: redis.port, requests: count, pipeline: pipeline)
                    let brokerFigures = Dictionary(try measure(port: broker.port, requests: count, pipeline: pipeline), uniquingKeysWith: { $1 })
                    for (name, value) in redisFigures {
                        if best[name] == nil { order.append(name) }
                        let current = best[name] ?? (0, 0)
                        best[name] = (max(current.redis, value), max(current.celeriac, brokerFigures[name] ?? 0))
                    }
                }
                for name in order {
                    guard let figures = best[name] else { continue }
                    rows.append(Row(name: "aof \(persistence), -P \(pipeline), \(name)", redis: figures.redis, celeriac: figures.celeriac))
                }
            }
        }
        print("redis-benchmark -q -c \(clients) -n \(count) -t \(Self.tests); \(quick ? "quick smoke run" : "best of \(roundCount) rounds")")
        printTable(rows)
        try memory(items: quick ? 100_000 : items)
    }

    /// Runs redis-benchmark with `--csv` and returns requests per second per test.
    func measure(port: Int, requests: Int, pipeline: Int) throws -> [(String, Double)] {
        let output = try BenchSupport.run("redis-benchmark", [
            "-p", String(port), "-q", "--csv", "-c", String(clients), "-n", String(requests), "-P", String(pipeline),
            "-t", Self.tests,
        ])
        return Self.parseCSV(output)
    }

    /// `"test","rps",...` header, then `"SET","123456.79",...` per test.
    static func parseCSV(_ output: String) -> [(String, Double)] {
        var results: [(String, Double)] = []
        for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            guard fields.count >= 2, let rps = Double(fields[1]) else { continue }
            results.append((fields[0], rps))
        }
        return results
    }

    func printTable(_ rows: [Row]) {
        let header = ["row", "redis-server rps", "celeriac rps", "ratio"]
        let body = rows.map { row in
            [row.name, BenchSupport.format(row.redis), BenchSupport.format(row.celeriac),
             String(format: "%.2f", row.redis > 0 ? row.celeriac / row.redis : 0)]
        }
        BenchSupport.printTable(header: header, body: body)
    }

    /// Loads `items` 100-byte values into one list on each server (no log) and prints VmRSS.
    func memory(items: Int) throws {
        let redis = try RedisServer(arguments: ["--appendonly", "no"])
        defer { redis.stop() }
        let broker = try BrokerProcess(arguments: ["--appendonly", "no"])
        defer { broker.stop() }
        var figures: [(String, Int, Int)] = []
        for (name, port, pid) in [("redis-server", redis.port, redis.pid), ("celeriac broker", broker.port, broker.pid)] {
            let before = Self.residentKilobytes(pid)
            _ = try BenchSupport.run("redis-benchmark", [
                "-p", String(port), "-q", "-c", "50", "-P", "64", "-n", String(items), "-d", "100", "-t", "lpush",
            ])
            let length = try BenchSupport.run("redis-cli", ["-p", String(port), "LLEN", "mylist"])
            // Pipelined clients may round the request count up by a few.
            guard let held = Int(length.trimmingCharacters(in: .whitespacesAndNewlines)), held >= items else {
                throw BenchError(description: "\(name) holds \(length) items, expected \(items)")
            }
            figures.append((name, before, Self.residentKilobytes(pid)))
        }
        print("")
        print("resident memory after LPUSHing \(BenchSupport.format(Double(items))) items of 100 bytes (VmRSS):")
        for (name, before, after) in figures {
            print("  \(name): \(after / 1024) MB (\(before / 1024) MB at start)")
        }
    }

    static func residentKilobytes(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
