/// Redis's `timeout`: a client idle for longer than ``BrokerEngine/Configuration/idleTimeoutSeconds``
/// is disconnected. Like Redis, clients blocked in BLPOP & co. (they have their own timeout),
/// subscribers and MONITOR clients are left alone.
extension BrokerEngine {
    func closeIdleClients() {
        let limit = Int64(configuration.idleTimeoutSeconds)
        // Once a second is enough for a limit counted in seconds (Redis checks in clientsCron).
        guard limit > 0, !clients.isEmpty, nowMicros - lastIdleCheckMicros >= 1_000_000 else { return }
        lastIdleCheckMicros = nowMicros
        let limitMicros = limit * 1_000_000
        for client in clients.values {
            guard !client.timedOut, !client.isBlocked, client.subscriptionCount == 0, !client.isMonitor,
                !client.isScriptClient, client.address != "aof"
            else { continue }
            if nowMicros - client.lastCommandAt > limitMicros {
                client.timedOut = true
                events.append(.disconnect(client.id))
            }
        }
    }
}
