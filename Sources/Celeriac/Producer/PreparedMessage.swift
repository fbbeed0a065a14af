import CeleriacProtocol
import CeleriacRedis

/// A task message ready to publish: its envelope bytes and where they go.
struct PreparedMessage: Sendable {
    /// The task id.
    var id: String
    /// The task name, for messages.
    var name: String
    /// The queue (the routing key on the anonymous exchange).
    var queue: String
    /// The clamped priority, which picks the queue's key.
    var priority: Int
    /// The envelope, as Celery writes it.
    var bytes: [UInt8]
    /// The full message, kept when a `task-sent` event will need its fields.
    var message: TaskMessage?

    /// The most values one LPUSH carries: large enough that a batch costs the server one
    /// command, small enough that one command never holds the server for long.
    static let valuesPerPush = 1_000

    /// One `LPUSH key v1 v2 …` per run of consecutive messages for the same key. Redis pushes
    /// the values one after the other, so the list ends up exactly as with one LPUSH per
    /// message (the first message is consumed first), at the cost of one command and one
    /// reply per run instead of per message.
    static func pushes(_ messages: [PreparedMessage]) -> RedisPipeline {
        var size = 0
        for message in messages { size &+= message.bytes.count &+ 16 }
        var pipeline = RedisPipeline(capacity: size + 64)
        var start = 0
        while start < messages.count {
            let key = Priority.queueKey(messages[start].queue, priority: messages[start].priority)
            var end = start + 1
            while end < messages.count, end - start < valuesPerPush, messages[end].queue == messages[start].queue,
                  Priority.step(for: messages[end].priority) == Priority.step(for: messages[start].priority)
            {
                end += 1
            }
            var arguments: [[UInt8]] = [Array("LPUSH".utf8), Array(key.utf8)]
            arguments.reserveCapacity(2 + end - start)
            for message in messages[start..<end] { arguments.append(message.bytes) }
            pipeline.append(arguments)
            start = end
        }
        return pipeline
    }
}
