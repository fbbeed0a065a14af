import NIOCore

/// A command ready to go on the wire: its arguments already encoded as a RESP array of bulk
/// strings, so sending it costs one buffer and no further conversion.
public struct RedisCommand: Sendable {
    /// The encoded bytes.
    public private(set) var encoded: ByteBuffer

    /// A command from text arguments: `RedisCommand(["SET", "key", "value"])`.
    public init(_ arguments: [String]) {
        var size = 16
        for argument in arguments { size &+= argument.utf8.count &+ 16 }
        encoded = ByteBufferAllocator().buffer(capacity: size)
        encoded.writeRESPCommand(arguments)
    }

    /// A command from binary arguments.
    public init(_ arguments: [[UInt8]]) {
        var size = 16
        for argument in arguments { size &+= argument.count &+ 16 }
        encoded = ByteBufferAllocator().buffer(capacity: size)
        encoded.writeRESPCommand(arguments)
    }

    /// A command from mixed arguments: `RedisCommand("EXPIRE", "key", 10)`.
    public init(_ name: String, _ arguments: RedisArgument...) {
        self.init(name, arguments: arguments)
    }

    /// A command from a name and mixed arguments.
    public init(_ name: String, arguments: [RedisArgument]) {
        encoded = ByteBufferAllocator().buffer(capacity: 32 + arguments.count * 24)
        encoded.writeHeader(.array, arguments.count + 1)
        encoded.writeBulkText(name)
        for argument in arguments {
            switch argument {
            case .string(let text): encoded.writeBulkText(text)
            case .bytes(let bytes): encoded.writeBulk(bytes)
            case .integer(let number): encoded.writeBulkText(String(number))
            case .double(let number): encoded.writeBulkText(RESPDouble.format(number))
            }
        }
    }
}

extension ByteBuffer {
    mutating func writeBulkText(_ text: String) {
        writeInteger(UInt8(ascii: "$"))
        writeDecimal(Int64(text.utf8.count))
        writeInteger(UInt16(0x0D0A), endianness: .big)
        writeString(text)
        writeInteger(UInt16(0x0D0A), endianness: .big)
    }
}
