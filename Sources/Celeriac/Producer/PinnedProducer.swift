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

extension Producer {
    /// Runs `body` on the event loop of one of the pool's connections (see
    /// ``CeleriacRedis/RedisClient/loopExecutor()``): this producer's sends from `body`, and from
    /// the child tasks it starts, are written on that connection and resumed on the same
    /// thread, without the two thread hops (to the connection's loop and back to the global
    /// pool) that an awaited send from the global pool costs. Sends keep every guarantee of
    /// ``send(_:args:kwargs:options:)``, retries included; many concurrent sends still
    /// pipeline. `body` must not block or compute for long: that would hold up the loop's I/O.
    public func withSendLoop<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let executor = try await app.transport.client.loopExecutor()
        return try await withTaskExecutorPreference(executor) { try await body() }
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
        let message = try producer.prepare(name, args: args, kwargs: kwargs, options: options)
        try await producer.app.transport.declareOnce(message.queue)
        let key = Priority.queueKey(message.queue, priority: message.priority)
        _ = try await connection.send([Self.lpush, Array(key.utf8), message.bytes])
        await producer.sentEvent(for: message)
        return message.id
    }

    /// Builds the messages and writes them as one pipeline, with one LPUSH for each run of
    /// messages bound for the same queue.
    public func sendMany(_ calls: [(name: String, args: [JSONValue], kwargs: JSONObject, options: SendOptions)]) async throws -> [String] {
        var messages: [PreparedMessage] = []
        messages.reserveCapacity(calls.count)
        for call in calls {
            let message = try producer.prepare(call.name, args: call.args, kwargs: call.kwargs, options: call.options)
            try await producer.app.transport.declareOnce(message.queue)
            messages.append(message)
        }
        for result in await connection.pipeline(PreparedMessage.pushes(messages)) {
            if case .failure(let error) = result { throw error }
        }
        for message in messages { await producer.sentEvent(for: message) }
        return messages.map(\.id)
    }

    private static let lpush = Array("LPUSH".utf8)
}
