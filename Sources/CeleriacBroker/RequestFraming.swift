import CeleriacRESP

/// The fast path for the form every client sends: `*<n>\r\n` then `n` × `$<len>\r\n<bytes>\r\n`,
/// read straight into the argument arrays the engine takes, without building a `RESPValue`
/// tree first (one allocation per argument instead of three). Anything else — an inline
/// command, another type, a malformed or over-limit frame — answers ``Result/other`` and the
/// caller hands the same bytes to ``RESPParser``, which knows every form and names every
/// defect exactly. Plain inline commands have a fast path too (``inline(_:limits:)``).
enum RequestFraming {
    enum Result {
        /// A whole request, its arguments in the array given to ``parse(_:limits:into:)``.
        case request(consumed: Int)
        case incomplete
        case other
    }

    /// Longest length prefix read here (a bulk up to 512 MB has 9 digits); longer goes to the parser.
    static let maxDigits = 10

    /// Reads one request into `args` (emptied first). The caller passes the same array for
    /// every request: when the engine kept no reference to the previous one its storage is
    /// reused, sparing an allocation per command.
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: RESPLimits, into args: inout [[UInt8]]) -> Result {
        // Not kept past an unusually long request (up to a million arguments).
        args.removeAll(keepingCapacity: args.capacity <= 1024)
        guard !bytes.isEmpty else { return .incomplete }
        guard bytes[0] == UInt8(ascii: "*") else { return inline(bytes, limits: limits, into: &args) }
        var index = 1
        let count: Int
        switch number(bytes, &index) {
        case .value(let value): count = value
        case .incomplete: return .incomplete
        case .other: return .other
        }
        guard count > 0, count <= limits.maxElements else { return .other }
        args.reserveCapacity(count)
        for _ in 0..<count {
            guard index < bytes.count else { return .incomplete }
            guard bytes[index] == UInt8(ascii: "$") else { return .other }
            index += 1
            let length: Int
            switch number(bytes, &index) {
            case .value(let value): length = value
            case .incomplete: return .incomplete
            case .other: return .other
            }
            guard length <= limits.maxBulkLength else { return .other }
            guard bytes.count - index >= length + 2 else { return .incomplete }
            guard bytes[index + length] == 13, bytes[index + length + 1] == 10 else { return .other }
            args.append(Array(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)])))
            index += length + 2
        }
        return .request(consumed: index)
    }

    /// An inline command (`PING\r\n`, as telnet and `redis-benchmark`'s PING_INLINE send it)
    /// of bare words. Only a line starting with a letter (never a RESP type byte) and free of
    /// quotes is read here; quoting, over-long lines and anything else go to the parser, which
    /// implements Redis's `sdssplitargs` and names every defect. An empty result is a blank
    /// line, which the caller skips.
    static func inline(_ bytes: UnsafeRawBufferPointer, limits: RESPLimits, into args: inout [[UInt8]]) -> Result {
        let first = bytes[0] | 0x20
        guard first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return .other }
        var end = 0
        while end < bytes.count {
            let byte = bytes[end]
            if byte == 10 { break }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { return .other }
            end += 1
        }
        guard end < bytes.count else { return end > limits.maxLineLength ? .other : .incomplete }
        guard end <= limits.maxLineLength else { return .other }
        var position = 0
        while true {
            while position < end, isSpace(bytes[position]) { position += 1 }
            guard position < end else { break }
            let start = position
            while position < end, !isSpace(bytes[position]) { position += 1 }
            args.append(Array(UnsafeRawBufferPointer(rebasing: bytes[start..<position])))
        }
        return .request(consumed: end + 1)
    }

    /// `sdssplitargs`'s separators (`isspace`).
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 32 || (byte >= 9 && byte <= 13)
    }

    enum Number {
        case value(Int)
        case incomplete
        case other
    }

    /// A non-negative decimal ending in CRLF; the index moves past the CRLF.
    private static func number(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> Number {
        var value = 0
        var digits = 0
        var position = index
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 13 {
                guard digits > 0 else { return .other }
                guard position + 1 < bytes.count else { return .incomplete }
                guard bytes[position + 1] == 10 else { return .other }
                index = position + 2
                return .value(value)
            }
            guard byte >= 48, byte <= 57, digits < maxDigits else { return .other }
            value = value * 10 + Int(byte - 48)
            digits += 1
            position += 1
        }
        return .incomplete
    }
}
