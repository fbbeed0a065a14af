import Foundation

/// CPU time spent by this process and by one other (the redis-server) between its creation
/// and a reading: on a shared machine, CPU per operation is steadier than wall-clock rates.
struct CPUMeter {
    let serverPID: Int32
    let startClient: Double
    let startServer: Double

    init(serverPID: Int32) {
        self.serverPID = serverPID
        startClient = BenchSupport.cpuSeconds()
        startServer = Self.cpuSeconds(pid: serverPID)
    }

    /// Seconds of CPU per operation since creation: (this process, the server).
    func perOperation(_ count: Int) -> (client: Double, server: Double) {
        let client = BenchSupport.cpuSeconds() - startClient
        let server = Self.cpuSeconds(pid: serverPID) - startServer
        let n = Double(max(1, count))
        return (client / n, server / n)
    }

    /// Runs `body` and returns its CPU per operation.
    static func measure(serverPID: Int32, count: Int, _ body: () throws -> Void) rethrows -> (client: Double, server: Double) {
        let meter = CPUMeter(serverPID: serverPID)
        try body()
        return meter.perOperation(count)
    }

    /// utime + stime of a process from `/proc/<pid>/stat` (fields 14 and 15, in clock ticks).
    static func cpuSeconds(pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        // Fields after the command name start at field 3 (state).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / (ticks > 0 ? ticks : 100)
    }

    /// Microseconds with one decimal.
    static func format(_ seconds: Double) -> String { String(format: "%.1f µs", seconds * 1e6) }
}
