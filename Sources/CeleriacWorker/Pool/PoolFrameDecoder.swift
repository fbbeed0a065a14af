/// Cuts frames out of a byte stream that arrives in pieces of any size: append what was read,
/// then take frames until it answers nil (more bytes needed). After an error the stream is
/// unusable: the peer is broken and is dropped.
public struct PoolFrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Adds bytes read from the pipe.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Bytes held that are not a whole frame yet.
    public var pendingCount: Int { buffer.count - start }

    /// The next whole frame, or nil when more bytes are needed.
    public mutating func next() throws(PoolFrameError) -> PoolFrame? {
        guard buffer.count - start >= 4 else { return nil }
        var length = 0
        for index in 0..<4 { length = length << 8 | Int(buffer[start + index]) }
        guard length > 0, length <= PoolFrameCodec.maxFrameLength else {
            throw PoolFrameError(.badLength, "a frame of \(length) bytes (1 to \(PoolFrameCodec.maxFrameLength) allowed)")
        }
        guard buffer.count - start - 4 >= length else { return nil }
        let body = buffer[(start + 4)..<(start + 4 + length)]
        start += 4 + length
        let frame = try PoolFrameCodec.decodeBody(body)
        compact()
        return frame
    }

    /// Drops consumed bytes once they are most of the buffer, so it does not grow forever.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65_536, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
