#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CeleriacProtocol

/// A line of a recording that could not be read.
public struct RecordingLineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

extension RecordedInput {
    /// Reads one line of a recording.
    public init(line text: String, number: Int = 1) throws(RecordingLineError) {
        func fail(_ message: String) -> RecordingLineError { RecordingLineError(line: number, message: message) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw fail("not JSON: \(error)")
        }
        guard let o = value.objectValue else { throw fail("expected a JSON object") }
        guard let time = o["t"]?.numberValue, time.isFinite else { throw fail("missing number \"t\" (seconds)") }
        guard let kind = o["kind"]?.stringValue else { throw fail("missing string \"kind\"") }
        let input: ClusterInput
        switch kind {
        case "event":
            guard let body = o["event"] else { throw fail("event line without \"event\"") }
            do {
                let events = try EventMessage.events(in: body)
                input = body.arrayValue != nil ? .events(events) : (events.first.map(ClusterInput.event) ?? .events([]))
            } catch {
                // A malformed event in a recording is data too: the console counts it.
                input = .malformedEvent("\(error)")
            }
        case "malformed":
            input = .malformedEvent(o["reason"]?.stringValue ?? "unknown")
        case "depths":
            guard let depths = o["depths"]?.objectValue else { throw fail("depths line without a \"depths\" object") }
            var map: [String: [Int]] = [:]
            for m in depths.members {
                guard let list = m.value.arrayValue else { throw fail("depths of \(m.key) must be a list of integers") }
                var counts: [Int] = []
                for item in list {
                    guard let n = item.intValue, n >= 0 else { throw fail("depths of \(m.key) must be a list of integers") }
                    counts.append(Int(n))
                }
                map[m.key] = counts
            }
            var oldest: [String: Double] = [:]
            for m in o["oldest"]?.objectValue?.members ?? [] { if let n = m.value.numberValue { oldest[m.key] = n } }
            var waiting: [String: [WaitingMessage]] = [:]
            for m in o["waiting"]?.objectValue?.members ?? [] {
                guard let list = m.value.arrayValue else { throw fail("waiting of \(m.key) must be a list of messages") }
                waiting[m.key] = try list.map { item throws(RecordingLineError) -> WaitingMessage in
                    guard let e = item.objectValue, let id = e["id"]?.stringValue else {
                        throw fail("a waiting message of \(m.key) needs \"id\"")
                    }
                    return WaitingMessage(step: Int(e["step"]?.intValue ?? 0), id: id, name: e["name"]?.stringValue ?? "",
                                          eta: e["eta"]?.numberValue)
                }
            }
            input = .queueDepths(QueueDepthPoll(depths: map, waiting: waiting, oldestAge: oldest))
        case "snapshot":
            guard let hostname = o["hostname"]?.stringValue else { throw fail("snapshot line without \"hostname\"") }
            func tasks(_ key: String) -> [SnapshotTask]? {
                o[key]?.arrayValue?.compactMap { item -> SnapshotTask? in
                    guard let t = item.objectValue, let id = t["id"]?.stringValue else { return nil }
                    return SnapshotTask(id: id, name: t["name"]?.stringValue ?? "?", args: t["args"]?.stringValue ?? "",
                                        kwargs: t["kwargs"]?.stringValue ?? "", time: t["time"]?.numberValue)
                }
            }
            func strings(_ key: String) -> [String]? { o[key]?.arrayValue?.compactMap(\.stringValue) }
            func map(_ key: String) -> [String: String]? {
                o[key]?.objectValue.map { obj in
                    Dictionary(obj.members.map { ($0.key, $0.value.stringValue ?? JSONWriter.string($0.value)) },
                               uniquingKeysWith: { _, last in last })
                }
            }
            input = .snapshot(NodeSnapshot(
                hostname: hostname, active: tasks("active"), reserved: tasks("reserved"), scheduled: tasks("scheduled"),
                pid: o["pid"]?.intValue.map(Int.init), poolKind: o["pool"]?.stringValue,
                poolSize: o["pool_size"]?.intValue.map(Int.init),
                poolProcesses: o["pool_processes"]?.arrayValue?.compactMap { $0.intValue.map(Int.init) },
                processed: o["processed"]?.intValue.map(Int.init),
                queues: strings("queues"), registered: strings("registered"), rateLimits: map("rate_limits"),
                conf: map("conf")))
        case "failures":
            guard let list = o["entries"]?.arrayValue else { throw fail("failures line without \"entries\"") }
            var entries: [FailureEntry] = []
            for item in list {
                guard let e = item.objectValue, let id = e["task_id"]?.stringValue else {
                    throw fail("a failure entry needs \"task_id\"")
                }
                entries.append(FailureEntry(taskID: id, name: e["name"]?.stringValue ?? "?",
                                            queue: e["queue"]?.stringValue ?? "", exception: e["exception"]?.stringValue ?? "",
                                            traceback: e["traceback"]?.stringValue ?? "",
                                            timestamp: e["timestamp"]?.numberValue ?? time,
                                            envelope: e["envelope"]?.stringValue ?? "",
                                            worker: e["worker"]?.stringValue ?? "", reason: e["reason"]?.stringValue ?? "failed"))
            }
            input = .failures(entries)
        case "audit":
            guard let list = o["entries"]?.arrayValue else { throw fail("audit line without \"entries\"") }
            input = .audit(list.compactMap(\.objectValue).map { e in
                AuditEntry(timestamp: e["timestamp"]?.numberValue ?? time, who: e["who"]?.stringValue ?? "?",
                           action: e["action"]?.stringValue ?? "?", target: e["target"]?.stringValue ?? "",
                           outcome: e["outcome"]?.stringValue ?? "")
            })
        case "connection":
            switch o["status"]?.stringValue {
            case "connecting": input = .connection(.connecting)
            case "connected": input = .connection(.connected)
            case "reconnecting":
                input = .connection(.reconnecting(retryAt: o["retry_at"]?.numberValue ?? time,
                                                  error: o["error"]?.stringValue ?? "connection lost"))
            case "failed": input = .connection(.failed(o["error"]?.stringValue ?? "failed"))
            default: throw fail("connection status must be connecting, connected, reconnecting or failed")
            }
        case "tick":
            input = .tick
        default:
            throw fail("unknown kind \"\(kind)\" (event, malformed, depths, snapshot, failures, audit, connection, tick)")
        }
        self.init(time: time, input: input)
    }
}

/// A whole recording: the inputs read and the lines that were not (counted, not fatal).
public struct Recording: Sendable {
    public var inputs: [RecordedInput]
    public var errors: [RecordingLineError]

    /// Reads JSON lines; blank lines are skipped. Inputs are kept in file order.
    public init(text: String) {
        inputs = []
        errors = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            do {
                inputs.append(try RecordedInput(line: String(trimmed), number: index + 1))
            } catch {
                errors.append(error)
            }
        }
    }

    /// The recording as JSON lines.
    public static func text(of inputs: [RecordedInput]) -> String {
        inputs.map { $0.line() + "\n" }.joined()
    }
}
