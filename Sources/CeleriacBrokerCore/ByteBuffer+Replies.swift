import NIOCore

/// The hot replies encoded with one write each into the connection's buffer: one capacity
/// check and one exclusive access to the buffer's storage, where the general encoder
/// (CeleriacRESP's `writeRESP`, `writeBulk`) makes one per piece — each a runtime
/// exclusivity check inside NIO, together several percent of GET's CPU in profiles.
/// The bytes are exactly those of the general encoder.
extension ByteBuffer {
    /// `$<len>\r\n<bytes>\r\n`.
    mutating func writeBulkReply(_ bytes: [UInt8]) {
        let count = bytes.count
        writeWithUnsafeMutableBytes(minimumWritableBytes: count + Self.maxNumberLine + 2) { out in
            var index = Self.putNumberLine(UInt8(ascii: "$"), Int64(count), into: out)
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: out[index..<(index + count)]).copyMemory(from: source)
            }
            index += count
            out[index] = 13
            out[index + 1] = 10
            return index + 2
        }
    }

    /// `:<n>\r\n`.
    mutating func writeIntegerReply(_ number: Int64) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: Self.maxNumberLine) { out in
            Self.putNumberLine(UInt8(ascii: ":"), number, into: out)
        }
    }

    /// `+<text>\r\n` for a status known to hold no CR or LF.
    mutating func writeStatusReply(_ text: StaticString) {
        let count = text.utf8CodeUnitCount
        writeWithUnsafeMutableBytes(minimumWritableBytes: count + 3) { out in
            out[0] = UInt8(ascii: "+")
            UnsafeMutableRawBufferPointer(rebasing: out[1..<(1 + count)])
                .copyMemory(from: UnsafeRawBufferPointer(start: text.utf8Start, count: count))
            out[count + 1] = 13
            out[count + 2] = 10
            return count + 3
        }
    }

    /// Longest line ``putNumberLine(_:_:into:)`` writes: a type byte, a sign, 19 digits, CRLF.
    static var maxNumberLine: Int { 23 }

    /// Writes `<type><decimal>\r\n` at the start of `out` (at least ``maxNumberLine`` bytes)
    /// and returns the number of bytes written.
    @inline(__always)
    static func putNumberLine(_ type: UInt8, _ number: Int64, into out: UnsafeMutableRawBufferPointer) -> Int {
        out[0] = type
        var index = 1
        if number < 0 {
            out[index] = UInt8(ascii: "-")
            index += 1
        }
        var magnitude = number.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        index += digits
        var position = index
        repeat {
            position -= 1
            out[position] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        out[index] = 13
        out[index + 1] = 10
        return index + 2
    }
}
