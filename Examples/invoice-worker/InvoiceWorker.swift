import CeleriacWorker
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The README's example: an application's own worker, with its own task beside the demo ones.
@main
struct InvoiceWorker {
    static func main() async throws {
        var registry = TaskRegistry()
        registry.register("shop.invoice", options: TaskOptions(rateLimit: "10/s", maxRetries: 5)) { task in
            let order = try task.string(0, "order_id")
            guard order.hasPrefix("o-") else { throw task.retry(countdown: 2) }
            let lines = task.kwargs["lines"]?.arrayValue ?? []
            return ["order": .string(order), "lines": .int(Int64(lines.count))]
        }
        let broker = ProcessInfo.processInfo.environment["BROKER_URL"] ?? "redis://127.0.0.1:6379/0"
        var configuration = try WorkerConfiguration(broker: broker)
        configuration.queues = ["invoices"]
        configuration.nodename = NodeName.expand("invoices@%h", hostname: ProcessInfo.processInfo.hostName)
        let worker = Worker(configuration: configuration, registry: registry)
        let signals = WorkerSignals(worker: worker)  // SIGTERM/SIGINT: warm shutdown, as Celery
        defer { signals.cancel() }
        try await worker.run()
    }
}
