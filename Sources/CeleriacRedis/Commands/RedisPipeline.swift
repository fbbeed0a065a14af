import NIOCore

/// Several commands encoded back to back into one buffer, sent with one write by
/// ``RedisConnection/pipeline(_:)-(RedisPipeline)``. Building a deep pipeline this way costs no
/// buffer per command.
public struct RedisPipeline: Sendable {
    /// The encoded commands.
    public private(set) var encoded: ByteBuffer
    /// How many commands (and so replies).
    public private(set) var count = 0

    public init(capacity: Int = 1024) {
        encoded = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Adds a command given as text arguments.
    public mutating func append(_ arguments: [String]) {
        var size = RedisCommand.headerSize(arguments.count)
        for argument in arguments { size &+= RedisCommand.bulkSize(argument.utf8.count) }
        encoded.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var writer = RawWriter(raw)
            writer.command(arguments)
            return writer.index
        }
        count += 1
    }

    /// Adds a command given as binary arguments.
    public mutating func append(_ arguments: [[UInt8]]) {
        var size = RedisCommand.headerSize(arguments.count)
        for argument in arguments { size &+= RedisCommand.bulkSize(argument.count) }
        encoded.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var writer = RawWriter(raw)
            writer.command(arguments)
            return writer.index
        }
        count += 1
    }

    /// Adds an already encoded command.
    public mutating func append(_ command: RedisCommand) {
        encoded.writeImmutableBuffer(command.encoded)
        count += 1
    }

    /// Empties the pipeline, keeping its buffer's capacity when nothing else holds it.
    public mutating func removeAll() {
        encoded.clear()
        count = 0
    }
}
