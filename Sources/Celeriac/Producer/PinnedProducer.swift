import CeleriacProtocol
import CeleriacRedis

extension Producer {
    /// Runs `body` with a sender bound to one connection of its own, with the calling task
    /// pinned to that connection's event loop (`withTaskExecutorPreference`), so a hot send
    /// loop writes without hopping threads. Messages are the same as ``send(_:args:kwargs:options:)``
    /// writes; a broken connection fails the send (no retry here: the caller owns the loop).
    public func withPinnedConnection<T: Sendable>(_ body: (PinnedSender) async throws -> T) async throws -> T {
        try await app.transport.client.withConnection { connection in
            try await withTaskExecutorPreference(connection.taskExecutor) {
                try await body(PinnedSender(producer: self, connection: connection))
            }
        }
    }
}

/// A producer bound to one connection; see ``Producer/withPinnedConnection(_:)``.
public struct PinnedSender: Sendable {
    let producer: Producer
    let connection: RedisConnection

    /// Builds and LPUSHes one task (declaring its queue the first time).
    @discardableResult
    public func send(_ name: String, args: [JSONValue] = [], kwargs: JSONObject = JSONObject(),
                     options: SendOptions = SendOptions()) async throws -> String
    {
        let message = try producer.message(name, args: args, kwargs: kwargs, options: options)
        let queue = message.properties.deliveryInfo.routingKey ?? producer.app.configuration.defaultQueue
        try await producer.app.transport.declareOnce(queue)
        let key = Priority.queueKey(queue, priority: Priority.of(message.properties))
        _ = try await connection.send([Array("LPUSH".utf8), Array(key.utf8), message.encoded()])
        return message.id
    }

    /// Builds the messages and writes them as one pipeline.
    public func sendMany(_ calls: [(name: String, args: [JSONValue], kwargs: JSONObject, options: SendOptions)]) async throws -> [String] {
        var pipeline = RedisPipeline(capacity: calls.count * 700)
        var ids: [String] = []
        ids.reserveCapacity(calls.count)
        for call in calls {
            let message = try producer.message(call.name, args: call.args, kwargs: call.kwargs, options: call.options)
            let queue = message.properties.deliveryInfo.routingKey ?? producer.app.configuration.defaultQueue
            try await producer.app.transport.declareOnce(queue)
            pipeline.append([Array("LPUSH".utf8), Array(Priority.queueKey(queue, priority: Priority.of(message.properties)).utf8),
                             message.encoded()])
            ids.append(message.id)
        }
        for result in await connection.pipeline(pipeline) {
            if case .failure(let error) = result { throw error }
        }
        return ids
    }
}
