import ArgumentParser
import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `celeriac queues`: every queue kombu knows (from the `_kombu.binding.*` sets) with its depth
/// per priority, and consumer counts from an `active_queues` broadcast.
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues", abstract: "List known queues with their depth and consumers.",
        discussion: """
            Queues come from kombu's binding sets. Depth is LLEN of each priority key (0, 3, 6, 9). \
            Consumers are counted by broadcasting `active_queues` and waiting --timeout seconds: a worker \
            that does not answer in time is not counted, and Celery's transient queues (pidbox, celeryev) \
            are consumed by pub/sub, not BRPOP, so they show no consumers.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.short, .long], help: "Seconds to wait for active_queues replies.")
    var timeout: String = "0.5"

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        _ = try JSONArguments.seconds(timeout, option: "--timeout")
        _ = try connection.configuration()
    }

    func run() async throws {
        let seconds = try JSONArguments.seconds(timeout, option: "--timeout")
        try await runReportingFailures {
            let app = try await connection.makeApp()
            defer { Task { await app.close() } }
            var queues: [(name: String, exchange: String)] = []
            for (exchange, bindings) in try await app.transport.bindings() {
                for binding in bindings where !queues.contains(where: { $0.name == binding.queue }) {
                    queues.append((binding.queue, exchange))
                }
            }
            queues.sort { $0.name < $1.name }
            let replies = try await app.control().broadcast(.activeQueues, timeout: seconds)
            var consumers: [String: Int] = [:]
            for reply in replies {
                for queue in reply.result.arrayValue ?? [] {
                    if let name = queue["name"]?.stringValue { consumers[name, default: 0] += 1 }
                }
            }
            var rows: [JSONValue] = []
            var lines = ["QUEUE\tMESSAGES\tP0\tP3\tP6\tP9\tCONSUMERS"]
            for queue in queues {
                let lengths = try await app.transport.lengths(of: queue.name)
                let total = lengths.reduce(0, +)
                let count = consumers[queue.name] ?? 0
                var priorities = JSONObject()
                for (step, length) in zip(Priority.steps, lengths) { priorities[String(step)] = .integer(length) }
                rows.append(["name": .string(queue.name), "exchange": .string(queue.exchange), "messages": .integer(total),
                             "priorities": .object(priorities), "consumers": .integer(count)])
                lines.append(([queue.name, String(total)] + lengths.map(String.init) + [String(count)]).joined(separator: "\t"))
            }
            if json {
                FileHandleOutput.standardOutput(JSONWriter.string(.array(rows)))
            } else {
                for line in lines { FileHandleOutput.standardOutput(line) }
                FileHandleOutput.standardError("consumers: \(replies.count) worker(s) answered active_queues within \(PythonFloat.repr(seconds)) s")
            }
        }
    }
}
