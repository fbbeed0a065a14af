import CeleriacRedis

/// Subscribers for results and events, with a workaround for a race in ``RedisSubscriber``:
/// a (P)SUBSCRIBE issued while the subscriber's first connection is still being made can be
/// left without its confirmation (the supervisor's own subscription takes it), and the call
/// then times out after the command timeout. The subscription itself is in place by then,
/// so the call is repeated on a timeout, with a short per-attempt timeout. Public so the
/// worker's control server (another module) subscribes the same way.
public enum ReliableSubscriber {
    /// A subscriber whose confirmations time out after 2 s (health-check PINGs too).
    public static func make(for client: RedisClient) -> RedisSubscriber {
        var options = client.options
        options.commandTimeout = .seconds(2)
        return RedisSubscriber(url: client.url, options: options)
    }

    /// The same, handing every event to `onEvent` on the subscriber's event loop instead of
    /// its `events` stream (see ``RedisSubscriber/init(endpoints:options:eventLoopGroup:onEvent:)``).
    public static func make(for client: RedisClient, onEvent: @escaping @Sendable (RedisPubSubEvent) -> Void) -> RedisSubscriber {
        var options = client.options
        options.commandTimeout = .seconds(2)
        return RedisSubscriber(endpoints: RedisEndpoints(client.url), options: options, onEvent: onEvent)
    }

    /// SUBSCRIBE, repeated on a missing confirmation.
    public static func subscribe(_ subscriber: RedisSubscriber, _ channels: [String]) async throws(RedisError) {
        try await retrying { () async throws(RedisError) in try await subscriber.subscribe(channels) }
    }

    /// PSUBSCRIBE, repeated on a missing confirmation.
    public static func psubscribe(_ subscriber: RedisSubscriber, _ patterns: [String]) async throws(RedisError) {
        try await retrying { () async throws(RedisError) in try await subscriber.psubscribe(patterns) }
    }

    private static func retrying(_ body: () async throws(RedisError) -> Void) async throws(RedisError) {
        var attempt = 0
        while true {
            do {
                try await body()
                return
            } catch {
                attempt += 1
                guard case .timeout = error, attempt < 5 else { throw error }
            }
        }
    }
}
