import Celeriac
import CeleriacProtocol
import Synchronization

extension LiveCluster {
    /// The event feed: subscribes to every `celeryev` channel and hands each event to the
    /// model (`task.multi` batches arrive unpacked). A message that is not a valid event
    /// becomes `.malformedEvent`. Worker events start snapshots of workers not read yet; task
    /// events name queues. If subscribing fails, it is tried again with growing waits; a lost
    /// connection is re-subscribed by the receiver itself.
    func runEvents() async {
        var failures = 0
        while !Task.isCancelled, !isStopped {
            let receiver = EventReceiver(transport: transport)
            registry.withLock { $0.receiver = receiver }
            let stream: AsyncStream<EventReceiver.Item>
            do {
                stream = try await receiver.start()
            } catch {
                await receiver.close()
                failures += 1
                guard await pause(options.reconnectDelay(afterFailures: failures)) else { return }
                continue
            }
            failures = 0
            for await item in stream { handle(item) }
            await receiver.close()
        }
    }

    func handle(_ item: EventReceiver.Item) {
        switch item {
        case .event(let event, _):
            inbox.push(.event(event))
            switch event.type {
            case .workerOnline:
                if let host = event.hostname { requestSnapshot(of: host, onlineEvent: true) }
            case .workerHeartbeat:
                if let host = event.hostname { requestSnapshot(of: host, onlineEvent: false) }
            case .workerOffline:
                if let host = event.hostname { registry.withLock { _ = $0.snapshotted.remove(host) } }
            case .taskSent:
                noteQueues([event.queue ?? event.routingKey ?? ""])
            default:
                break
            }
        case .malformed(let channel, let reason, _):
            inbox.push(.malformedEvent("\(reason) (on \(channel))"))
        case .disconnected, .reconnected:
            // The poll loop reports the connection; the receiver subscribes again by itself.
            break
        }
    }
}
