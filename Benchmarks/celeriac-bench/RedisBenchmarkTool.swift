import Foundation

/// Runs `redis-benchmark -q` and reads its "TEST: N requests per second" lines.
enum RedisBenchmarkTool {
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
}
