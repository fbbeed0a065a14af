import Foundation

/// Runs `redis-benchmark` and reads its figures.
enum RedisBenchmarkTool {
    /// One test's figures from `--csv` output.
    struct Result {
        var test: String
        var requestsPerSecond: Double
        var p50Milliseconds: Double?
        var p99Milliseconds: Double?
    }

    static func run(port: Int, requests: Int, clients: Int, pipeline: Int, tests: [String]) throws -> [String: Double] {
        let output = try BenchSupport.run("redis-benchmark", [
            "-p", String(port), "-q", "-n", String(requests), "-c", String(clients), "-P", String(pipeline),
            "-t", tests.joined(separator: ","),
        ])
        return parse(output)
    }

    /// `-q` prints progress lines ended by CR and a final "SET: 28943.56 requests per second, ..." line.
    static func parse(_ output: String) -> [String: Double] {
        var results: [String: Double] = [:]
        for segment in output.split(whereSeparator: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            guard let colon = segment.firstIndex(of: ":"), segment.contains("requests per second") else { continue }
            let name = segment[..<colon].trimmingCharacters(in: .whitespaces)
            let rest = segment[segment.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let number = rest.split(separator: " ").first.flatMap({ Double($0) }) { results[name] = number }
        }
        return results
    }

    /// Runs with `--csv` and returns every test's throughput and latency percentiles.
    static func runCSV(port: Int, requests: Int, clients: Int, pipeline: Int, tests: String, timeout: TimeInterval) throws -> [Result] {
        let output = try BenchSupport.run("redis-benchmark", [
            "-p", String(port), "-q", "--csv", "-c", String(clients), "-n", String(requests), "-P", String(pipeline), "-t", tests,
        ], timeout: timeout)
        let results = parseCSV(output)
        guard !results.isEmpty else { throw BenchError(description: "redis-benchmark printed no figures: \(output.prefix(200))") }
        return results
    }

    /// A `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms",
    /// "p99_latency_ms","max_latency_ms"` header, then `"SET","123456.79",...` per test.
    static func parseCSV(_ output: String) -> [Result] {
        var columns: [String: Int] = [:]
        var results: [Result] = []
        for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            if fields.first == "test" {
                for (index, name) in fields.enumerated() { columns[name] = index }
                continue
            }
            // A test too short for its clock (a quick run's 1,000 pipelined requests) reports
            // "inf" requests per second: no figure rather than an infinite one.
            guard fields.count >= 2, let rps = Double(fields[1]), rps.isFinite, rps > 0 else { continue }
            func column(_ name: String) -> Double? { columns[name].flatMap { $0 < fields.count ? Double(fields[$0]) : nil } }
            results.append(Result(test: fields[0], requestsPerSecond: rps, p50Milliseconds: column("p50_latency_ms"),
                                  p99Milliseconds: column("p99_latency_ms")))
        }
        return results
    }
}
