import Foundation

/// Context switches of this process (every thread) and of another one (the redis-server)
/// between creation and a reading: a send that wakes a sleeping thread costs one, so switches
/// per message show how many thread hops a send makes, whatever the machine's load.
struct EnqueueSwitches {
    let serverPID: Int32
    let startClient: Int
    let startServer: Int

    init(serverPID: Int32) {
        self.serverPID = serverPID
        startClient = Self.switches(pid: getpid())
        startServer = Self.switches(pid: serverPID)
    }

    /// Switches (voluntary + involuntary) per operation since creation: (this process, the server).
    func perOperation(_ count: Int) -> (client: Double, server: Double) {
        let n = Double(max(1, count))
        return (Double(Self.switches(pid: getpid()) - startClient) / n, Double(Self.switches(pid: serverPID) - startServer) / n)
    }

    /// The sum over the threads of `pid` (`/proc/<pid>/task/*/status`): the process's own
    /// status file counts its main thread only.
    static func switches(pid: Int32) -> Int {
        let folder = "/proc/\(pid)/task"
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        var total = 0
        for thread in threads {
            guard let text = try? String(contentsOfFile: "\(folder)/\(thread)/status", encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.hasPrefix("voluntary_ctxt_switches:") || line.hasPrefix("nonvoluntary_ctxt_switches:") {
                if let value = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) { total += value }
            }
        }
        return total
    }

    /// Switches per message with two decimals.
    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
