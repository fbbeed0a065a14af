#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CeleriacProtocol

/// Turns remote-control replies (`active`, `reserved`, `scheduled`, `stats`, `active_queues`,
/// `registered` with the `rate_limit` attribute, `conf`) into one `NodeSnapshot` per worker.
/// Pure, so the shapes Python and Celeriac workers send are tested without a cluster.
public enum SnapshotReplies {
    /// The control methods a snapshot asks, in the order they are read.
    public enum Method: String, CaseIterable, Sendable {
        case active, reserved, scheduled, stats, activeQueues = "active_queues", registered, conf

        /// The command broadcast for this method.
        public var command: ControlCommand {
            switch self {
            case .active: .active(safe: nil)
            case .reserved: .reserved
            case .scheduled: .scheduled
            case .stats: .stats
            case .activeQueues: .activeQueues
            case .registered: .registered(taskInfoItems: ["rate_limit"])
            case .conf: .conf(withDefaults: false)
            }
        }
    }

    /// One snapshot per worker that answered any method: replies are `method → nodename →
    /// result`. A member is left nil when its method got no reply or a reply of another shape.
    public static func snapshots(_ replies: [Method: [String: JSONValue]]) -> [NodeSnapshot] {
        var hosts: Set<String> = []
        for perNode in replies.values { hosts.formUnion(perNode.keys) }
        return hosts.sorted().map { host in
            snapshot(hostname: host, replies: replies.compactMapValues { $0[host] })
        }
    }

    /// One worker's snapshot from its replies by method.
    public static func snapshot(hostname: String, replies: [Method: JSONValue]) -> NodeSnapshot {
        var snapshot = NodeSnapshot(hostname: hostname)
        snapshot.active = replies[.active].flatMap { tasks($0, scheduled: false) }
        snapshot.reserved = replies[.reserved].flatMap { tasks($0, scheduled: false) }
        snapshot.scheduled = replies[.scheduled].flatMap { tasks($0, scheduled: true) }
        if let stats = replies[.stats]?.objectValue {
            snapshot.pid = stats["pid"]?.intValue.map(Int.init)
            if let pool = stats["pool"]?.objectValue {
                snapshot.poolKind = pool["implementation"]?.stringValue.map(poolKind)
                snapshot.poolSize = pool["max-concurrency"]?.intValue.map(Int.init)
                snapshot.poolProcesses = pool["processes"]?.arrayValue?.compactMap { $0.intValue.map(Int.init) }
            }
            if let totals = stats["total"]?.objectValue {
                snapshot.processed = totals.members.reduce(0) { $0 + Int($1.value.intValue ?? 0) }
            }
        }
        if let queues = replies[.activeQueues]?.arrayValue {
            snapshot.queues = queues.compactMap { $0["name"]?.stringValue }
        }
        if let registered = replies[.registered]?.arrayValue {
            var names: [String] = []
            var limits: [String: String] = [:]
            for entry in registered.compactMap(\.stringValue) {
                let (name, attributes) = registeredEntry(entry)
                names.append(name)
                if let limit = attributes["rate_limit"] { limits[name] = limit }
            }
            snapshot.registered = names
            snapshot.rateLimits = limits
        }
        if let conf = replies[.conf]?.objectValue {
            snapshot.conf = Dictionary(conf.members.map { ($0.key, text($0.value)) }, uniquingKeysWith: { _, last in last })
        }
        return snapshot
    }

    /// `demo.add [rate_limit=10/s time_limit=5]` → the name and its attributes.
    public static func registeredEntry(_ entry: String) -> (name: String, attributes: [String: String]) {
        guard let open = entry.firstIndex(of: "["), entry.hasSuffix("]") else { return (entry, [:]) }
        let name = entry[..<open].trimmingWhitespace()
        let inside = entry[entry.index(after: open)..<entry.index(before: entry.endIndex)]
        var attributes: [String: String] = [:]
        for pair in inside.split(separator: " ") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            attributes[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return (name, attributes)
    }

    /// `celery.concurrency.thread:TaskPool` → `thread`; anything else as sent.
    static func poolKind(_ implementation: String) -> String {
        guard let range = implementation.firstRange(of: "concurrency.") else { return implementation }
        let rest = implementation[range.upperBound...]
        return String(rest.prefix { $0 != ":" && $0 != "." })
    }

    /// The tasks of an `active`/`reserved` list, or of a `scheduled` list (`{eta, priority,
    /// request}` entries).
    static func tasks(_ value: JSONValue, scheduled: Bool) -> [SnapshotTask]? {
        guard let items = value.arrayValue else { return nil }
        return items.compactMap { item -> SnapshotTask? in
            let request = scheduled ? item["request"] : item
            guard let request, let id = request["id"]?.stringValue else { return nil }
            var time = request["time_start"]?.numberValue
            if scheduled, let eta = item["eta"]?.stringValue {
                time = (try? CeleryDateTime.parse(eta))?.timeIntervalSince1970
            }
            return SnapshotTask(id: id, name: request["name"]?.stringValue ?? request["type"]?.stringValue ?? "?",
                                args: request["args"].map(repr) ?? "", kwargs: request["kwargs"].map(repr) ?? "",
                                time: time)
        }
    }

    /// Args as the events show them: a repr string stays as sent, a list or dict becomes its
    /// Python repr.
    static func repr(_ value: JSONValue) -> String {
        value.stringValue ?? PythonRepr.repr(value)
    }

    static func text(_ value: JSONValue) -> String {
        value.stringValue ?? JSONWriter.string(value)
    }
}
