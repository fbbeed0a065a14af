import ArgumentParser
import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `celeriac events --dump`: print every event as it arrives (Celery's `celery events --dump`),
/// flushed line by line, until interrupted.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Print the cluster's events as they arrive.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Dump events to stdout (the only mode; the console is `celeriac console`).")
    var dump = false

    @Flag(help: "One JSON object per event.")
    var json = false

    func validate() throws {
        guard dump else { throw usageError("use --dump (the interactive view is `celeriac console`)") }
        _ = try connection.configuration()
    }

    func run() async throws {
        try await runReportingFailures {
            let app = try await connection.makeApp()
            let receiver = EventReceiver(transport: app.transport)
            let stream = try await receiver.start()
            FileHandleOutput.standardError("-> celeriac events: Starting capture...")
            // Like `celery events`, ask every worker for a heartbeat so they show up at once.
            try? await app.control().cast(.heartbeat)
            for await item in stream {
                switch item {
                case .event(let event, _):
                    FileHandleOutput.standardOutput(json ? JSONWriter.string(event.jsonValue) : Self.humanLine(event))
                case .malformed(let channel, let reason, let payload):
                    FileHandleOutput.standardError("malformed event on \(channel) (\(payload.count) bytes): \(reason)")
                case .disconnected(let reason):
                    FileHandleOutput.standardError("connection to the broker lost: \(reason); reconnecting")
                case .reconnected:
                    FileHandleOutput.standardError("reconnected to the broker; events sent meanwhile were missed")
                }
            }
            await receiver.close()
            await app.close()
        }
    }

    /// `host [2026-11-25 05:40:46.453243] task succeeded: uuid name args=… result=…`, in the
    /// spirit of Celery's dumper.
    static func humanLine(_ event: CeleryEvent) -> String {
        let time = event.timestamp.map { CeleryDateTime(timeIntervalSince1970: $0).isoformat } ?? "?"
        let type = event.type.rawValue
        let parts = type.split(separator: "-", maxSplits: 1).map(String.init)
        let label = parts.count == 2 ? "\(parts[0]) \(parts[1])" : type
        var fields: [String] = []
        let skip: Set<String> = ["hostname", "timestamp", "type", "clock", "utcoffset", "pid", "uuid", "name"]
        for member in event.raw.members where !skip.contains(member.key) {
            let text = member.value.stringValue ?? JSONWriter.string(member.value)
            fields.append("\(member.key)=\(text)")
        }
        var head = "\(event.hostname ?? "?") [\(time)] \(label):"
        if let uuid = event.uuid { head += " \(uuid)" }
        if let name = event.name { head += " \(name)" }
        return fields.isEmpty ? head : head + " " + fields.joined(separator: ", ")
    }
}
