import CeleriacTestSupport
import Foundation

/// The two servers Celeriac's figures are measured on.
enum ServerKind: String, CaseIterable, Sendable {
    case redis = "redis-server"
    case celeriac = "celeriac broker"
}

/// A freshly started redis-server or `celeriac broker` on a free port, with its own folder.
final class BenchServer {
    let kind: ServerKind
    private let redis: RedisServer?
    private let broker: BrokerProcess?

    /// Starts a server; `appendOnly` is nil for no log, or an `appendfsync` policy.
    init(_ kind: ServerKind, appendOnly: String? = nil) throws {
        self.kind = kind
        let arguments = appendOnly.map { ["--appendonly", "yes", "--appendfsync", $0] } ?? ["--appendonly", "no"]
        switch kind {
        case .redis:
            redis = try RedisServer(arguments: arguments)
            broker = nil
        case .celeriac:
            broker = try BrokerProcess(arguments: arguments)
            redis = nil
        }
    }

    var port: Int { redis?.port ?? broker?.port ?? 0 }
    var pid: Int32 { redis?.pid ?? broker?.pid ?? 0 }

    func url(db: Int = 0) -> String { redis?.url(db: db) ?? broker?.url(db: db) ?? "" }

    /// The server's resident memory now.
    var residentMiB: Double { Double(ProcessMemory.residentKiB(pid)) / 1024 }

    func stop() {
        redis?.stop()
        broker?.stop()
    }

    deinit { stop() }
}

/// Resident memory of processes, read from /proc.
enum ProcessMemory {
    /// VmRSS of a process in KiB (0 when it is gone).
    static func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// A process and its descendants (a prefork pool's processes).
    static func processTree(_ pid: Int32) -> [Int32] {
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return [pid] + children.split(separator: " ").compactMap { Int32($0) }.flatMap(processTree)
    }

    /// The summed VmRSS of a process and its descendants, in MiB.
    static func treeMiB(_ pid: Int32) -> Double {
        Double(processTree(pid).map(residentKiB).reduce(0, +)) / 1024
    }
}
