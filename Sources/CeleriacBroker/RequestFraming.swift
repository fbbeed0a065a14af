import CeleriacRESP

/// The fast path for the form every client sends: `*<n>\r\n` then `n` × `$<len>\r\n<bytes>\r\n`,
/// read straight into the argument arrays the engine takes, without building a `RESPValue`
/// tree first (one allocation per argument instead of three). Anything else — an inline
/// command, another type, a malformed or over-limit frame — answers ``Result/other`` and the
/// caller hands the same bytes to ``RESPParser``, which knows every form and names every
/// defect exactly.
enum RequestFraming {
    enum Result {
        case request([[UInt8]], consumed: Int)
        case incomplete
        case other
    }

    /// Longest length prefix read here (a bulk up to 512 MB has 9 digits); longer goes to the parser.
    static let maxDigits = 10

    static func parse(_ bytes: UnsafeRawBufferPointer, limits: RESPLimits) -> Result {
        guard !bytes.isEmpty else { return .incomplete }
        guard bytes[0] == UInt8(ascii: "*") else { return .other }
        var index = 1
        let count: Int
        switch number(bytes, &index) {
        case .value(let value): count = value
        case .incomplete: return .incomplete
        case .other: return .other
        }
        guard count > 0, count <= limits.maxElements else { return .other }
        var args: [[UInt8]] = []
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
        return .request(args, consumed: index)
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
