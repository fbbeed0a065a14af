import CeleriacTestSupport
import Foundation

/// One measured shape: how fast Celeriac and the reference tool went.
struct BenchRow {
    var shape: String
    var celeriac: Double
    var reference: Double?
    /// Client CPU time (user + system) per operation, in microseconds.
    var celeriacCPU: Double?
    var referenceCPU: Double?

    var ratio: Double? { reference.map { $0 > 0 ? celeriac / $0 : 0 } }
}

enum BenchSupport {
    /// Runs `body` and returns operations per second for `operations` operations.
    static func opsPerSecond(_ operations: Int, _ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let elapsed = try await clock.measure { try await body() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(operations) / seconds : 0
    }

    /// CPU seconds (user + system) used so far by this process, or by its waited-for children.
    static func cpuSeconds(children: Bool = false) -> Double {
        var usage = rusage()
        getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Prints rows as an aligned text table.
    static func printTable(_ rows: [BenchRow], referenceName: String) {
        let header = ["shape", "celeriac ops/s", "\(referenceName) ops/s", "ratio", "celeriac CPU µs/op", "\(referenceName) CPU µs/op"]
        let body = rows.map { row in
            [
                row.shape, format(row.celeriac), row.reference.map(format) ?? "-", row.ratio.map { String(format: "%.2f", $0) } ?? "-",
                row.celeriacCPU.map(formatCPU) ?? "-", row.referenceCPU.map(formatCPU) ?? "-",
            ]
        }
        printTable(header: header, body: body)
    }

    /// Prints an aligned text table: the first column left-aligned, the figures right-aligned.
    static func printTable(header: [String], body: [[String]]) {
        let widths = (0..<header.count).map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        print(line(header))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in body { print(line(row)) }
    }

    /// Microseconds with two decimals below 10, where deep pipelines land.
    static func formatCPU(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : "%.1f", value)
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : value < 0 ? "-∞" : "∞" }
        let number = Int(value.rounded())
        var digits = Array(String(number))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }

    /// Runs a program and returns its standard output.
    static func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 600) throws -> String {
        guard let url = ProjectPaths.which(program) else { throw BenchError(description: "\(program) is not installed") }
        let output = try ProcessRunner.run(url, arguments, timeout: timeout)
        guard output.status == 0 else {
            throw BenchError(description: "\(program) exited with \(output.status): \(output.stderr)")
        }
        return output.stdout
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
}
