import NIOCore

/// The NIO adapter for ``RESPParser``: a single-step decoder that emits one ``RESPValue`` per
/// complete frame. A malformed frame is thrown as a ``RESPParseError``, which closes the
/// pipeline's error path so the connection is not reused in an unknown state.
public struct RESPDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    public var parser: RESPParser

    public init(parser: RESPParser = RESPParser()) {
        self.parser = parser
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
        try parser.parse(&buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPValue? {
        try parser.parse(&buffer)
    }
}
