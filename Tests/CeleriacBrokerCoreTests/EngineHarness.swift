import CeleriacBrokerCore
import CeleriacRESP

/// An engine on a manual clock, with helpers to run commands as text.
final class EngineHarness {
    let clock = ManualBrokerClock()
    let engine: BrokerEngine
    let sink = RecordingSink()

    init(configuration: BrokerEngine.Configuration = .init(), logging: Bool = false) {
        engine = BrokerEngine(configuration: configuration, clock: clock)
        if logging { engine.appendOnlySink = sink }
    }

    /// A new client, optionally switched to RESP3.
    func client(resp3: Bool = false) -> ClientID {
        let id = engine.addClient(address: "127.0.0.1:\(40000 + engine.clientCount)")
        if resp3 { _ = engine.execute(["HELLO", "3"], from: id) }
        return id
    }

    /// Runs a command and returns its single reply (or a marker for other outcomes).
    @discardableResult
    func run(_ client: ClientID, _ args: String...) -> RESPValue {
        reply(engine.execute(args, from: client))
    }

    @discardableResult
    func run(_ client: ClientID, bytes args: [[UInt8]]) -> RESPValue {
        reply(engine.execute(args, from: client))
    }

    func outcome(_ client: ClientID, _ args: String...) -> CommandOutcome {
        engine.execute(args, from: client)
    }

    private func reply(_ outcome: CommandOutcome) -> RESPValue {
        switch outcome {
        case .reply(let value), .close(let value): return value
        case .replies(let values): return values.count == 1 ? values[0] : .array(values)
        case .blocked: return .simpleString("<blocked>")
        case .shutdown: return .simpleString("<shutdown>")
        }
    }

    /// Events for one client, as values.
    func events() -> [EngineEvent] { engine.drainEvents() }
}

/// Collects log records.
final class RecordingSink: AppendOnlySink {
    var records: [[[UInt8]]] = []

    func append(_ record: [[UInt8]]) { records.append(record) }

    /// Records as space-joined text, for readable assertions.
    var lines: [String] { records.map { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ") } }
}

extension RESPValue {
    static func error(_ text: String) -> RESPValue { .simpleError(text) }
    static func status(_ text: String) -> RESPValue { .simpleString(text) }
}

/// Compares two rewrites (canonical dataset dumps) and describes the first difference, so a
/// failure prints one line instead of two whole datasets.
func datasetDifference(_ a: BrokerEngine, _ b: BrokerEngine) -> String? {
    let left = a.rewrite().map { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ") }
    let right = b.rewrite().map { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ") }
    for index in 0..<max(left.count, right.count) {
        let l = index < left.count ? left[index] : "<end>"
        let r = index < right.count ? right[index] : "<end>"
        if l != r { return "record \(index): \(l.prefix(200)) != \(r.prefix(200))" }
    }
    return nil
}
