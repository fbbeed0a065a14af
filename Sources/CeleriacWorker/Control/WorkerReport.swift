import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of the `report` reply, laid out as Celery's `app.bugreport()`: software,
/// platform, transport and results, then the worker's non-default settings as `key: repr`.
enum WorkerReport {
    static func text(configuration: JSONObject) -> String {
        let info = ProcessInfo.processInfo
        var system = utsname()
        uname(&system)
        let machine = withUnsafeBytes(of: &system.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let release = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let sysname = withUnsafeBytes(of: &system.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let broker = configuration["broker_url"]?.stringValue ?? ""
        let transport = broker.split(separator: ":").first.map(String.init) ?? "redis"
        let results = configuration["result_backend"]?.stringValue ?? broker
        var lines = [
            "",
            "software -> celeriac (Swift worker, Celery protocol 2)",
            "platform -> system:\(sysname) arch:\(machine)",
            "            kernel version:\(release) imp:Swift",
            "host     -> \(info.hostName) pid:\(info.processIdentifier)",
            "settings -> transport:\(transport) results:\(results)",
            "",
        ]
        for member in configuration.members {
            lines.append("\(member.key): \(PythonRepr.repr(member.value))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
