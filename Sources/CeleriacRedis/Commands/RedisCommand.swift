import NIOCore

/// A command ready to go on the wire: its arguments already encoded as a RESP array of bulk
/// strings, so sending it costs one buffer and no further conversion.
public struct RedisCommand: Sendable {
    /// The encoded bytes.
    public private(set) var encoded: ByteBuffer

    /// A command from text arguments: `RedisCommand(["SET", "key", "value"])`.
    public init(_ arguments: [String]) {
        var size = Self.headerSize(arguments.count)
        for argument in arguments { size &+= Self.bulkSize(argument.utf8.count) }
        encoded = ByteBufferAllocator().buffer(capacity: size)
        encoded.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var writer = RawWriter(raw)
            writer.command(arguments)
            return writer.index
        }
    }

    /// A command from binary arguments.
    public init(_ arguments: [[UInt8]]) {
        var size = Self.headerSize(arguments.count)
        for argument in arguments { size &+= Self.bulkSize(argument.count) }
        encoded = ByteBufferAllocator().buffer(capacity: size)
        encoded.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var writer = RawWriter(raw)
            writer.command(arguments)
            return writer.index
        }
    }

    /// Bytes already encoded as one or more commands (they are written as they are).
    init(encoded: ByteBuffer) {
        self.encoded = encoded
    }

    /// `*N\r\n`: the type byte, up to 20 digits and CRLF.
    static func headerSize(_ count: Int) -> Int { 3 &+ RawWriter.digitCount(count) }

    /// `$N\r\n<bytes>\r\n`.
    static func bulkSize(_ length: Int) -> Int { 5 &+ RawWriter.digitCount(length) &+ length }

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

/// Fills memory that was sized exactly beforehand, without per-write capacity checks.
struct RawWriter {
    let base: UnsafeMutableRawBufferPointer
    var index = 0

    init(_ base: UnsafeMutableRawBufferPointer) { self.base = base }

    static func digitCount(_ value: Int) -> Int {
        var count = 1
        var rest = value.magnitude / 10
        while rest > 0 {
            count &+= 1
            rest /= 10
        }
        return value < 0 ? count &+ 1 : count
    }

    mutating func header(_ type: UInt8, _ count: Int) {
        base[index] = type
        index &+= 1
        let digits = Self.digitCount(count)
        var rest = count.magnitude
        var position = index &+ digits &- 1
        repeat {
            base[position] = UInt8(truncatingIfNeeded: 48 &+ rest % 10)
            rest /= 10
            position &-= 1
        } while rest > 0
        if count < 0 { base[index] = UInt8(ascii: "-") }
        index &+= digits
        crlf()
    }

    mutating func bytes(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0, let target = base.baseAddress else { return }
        (target + index).copyMemory(from: source, byteCount: bytes.count)
        index &+= bytes.count
    }

    /// A whole command of text arguments; the memory must hold its exact size.
    mutating func command(_ arguments: [String]) {
        header(UInt8(ascii: "*"), arguments.count)
        for argument in arguments {
            var text = argument
            header(UInt8(ascii: "$"), text.utf8.count)
            text.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
            crlf()
        }
    }

    /// A whole command of binary arguments.
    mutating func command(_ arguments: [[UInt8]]) {
        header(UInt8(ascii: "*"), arguments.count)
        for argument in arguments {
            header(UInt8(ascii: "$"), argument.count)
            argument.withUnsafeBytes { bytes($0) }
            crlf()
        }
    }

    mutating func crlf() {
        base[index] = 13
        base[index &+ 1] = 10
        index &+= 2
    }
}
