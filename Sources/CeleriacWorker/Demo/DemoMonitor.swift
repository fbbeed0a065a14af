import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Watches a demo run from the outside, as any Celery tool could: counts retries and the
/// workers seen online from the event stream, and the peak queue depth from polls.
public actor DemoMonitor {
    private let transport: KombuTransport
    private let queues: [String]
    private var retried = 0
    private var online: Set<String> = []
    private var peakDepth = 0
    private var tasks: [Task<Void, Never>] = []
    private var receiver: EventReceiver?

    /// A monitor of `queues` on `transport`.
    public init(transport: KombuTransport, queues: [String] = DemoMix.queues) {
        self.transport = transport
        self.queues = queues
    }

    /// Subscribes to events and starts polling depths twice a second.
    public func start() async throws(RedisError) {
        let receiver = EventReceiver(transport: transport)
        self.receiver = receiver
        let stream = try await receiver.start()
        tasks.append(Task { [weak self] in
            for await item in stream {
                guard case .event(let event, _) = item else { continue }
                await self?.observe(event)
            }
        })
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                await self?.pollDepth()
                try? await Task.sleep(for: .milliseconds(500))
            }
        })
    }

    private func observe(_ event: CeleryEvent) {
        switch event.type {
        case .taskRetried: retried += 1
        case .workerOnline, .workerHeartbeat: if let host = event.hostname { online.insert(host) }
        case .workerOffline: if let host = event.hostname { online.remove(host) }
        default: break
        }
    }

    private func pollDepth() async {
        var total = 0
        for queue in queues {
            guard let lengths = try? await transport.lengths(of: queue) else { return }
            total += lengths.reduce(0, +)
        }
        peakDepth = max(peakDepth, total)
    }

    /// Retry events seen.
    public var retriedCount: Int { retried }
    /// The largest total depth of the demo's queues seen.
    public var peakQueueDepth: Int { peakDepth }
    /// Workers seen online and not gone offline.
    public var workersOnline: Set<String> { online }

    /// Stops watching.
    public func stop() async {
        for task in tasks { task.cancel() }
        tasks = []
        await receiver?.close()
        receiver = nil
    }
}
