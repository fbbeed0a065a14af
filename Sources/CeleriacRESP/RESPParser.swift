import NIOCore

/// An incremental RESP2/RESP3 parser.
///
/// Feed it whatever bytes have arrived; it returns a whole value when one is complete and nil
/// (leaving the buffer untouched) when it needs more. Input is never trusted: every length is
/// bounded by ``RESPLimits``, nesting is bounded, and a defect is a ``RESPParseError`` naming
/// the byte. On the server side, `allowInline` accepts telnet-style inline commands
/// (`PING\r\n`), returned as an array of bulk strings.
public struct RESPParser: Sendable {
    public var limits: RESPLimits
    public var allowInline: Bool

    public init(limits: RESPLimits = .default, allowInline: Bool = false) {
        self.limits = limits
        self.allowInline = allowInline
    }

    /// Parses one value from the front of `buffer`, moving its reader index past it.
    /// Returns nil when the value is not complete yet. Empty inline lines are skipped.
    public func parse(_ buffer: inout ByteBuffer) throws(RESPParseError) -> RESPValue? {
        while buffer.readableBytes > 0 {
            let outcome: Outcome = buffer.withUnsafeReadableBytes { bytes in
                var cursor = Cursor(bytes: bytes, limits: limits, allowInline: allowInline)
                do throws(RESPParseError) {
                    guard let value = try cursor.value(depth: 0) else { return .incomplete }
                    if cursor.emptyInline { return .skip(cursor.index) }
                    return .value(value, cursor.index)
                } catch {
                    return .failure(error)
                }
            }
            switch outcome {
            case .incomplete:
                return nil
            case .failure(let error):
                throw error
            case .value(let value, let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
                return value
            case .skip(let consumed):
                buffer.moveReaderIndex(forwardBy: consumed)
            }
        }
        return nil
    }

    /// Parses every complete value in `bytes`, for tests and one-shot decoding.
    public func parseAll(_ bytes: [UInt8]) throws(RESPParseError) -> (values: [RESPValue], rest: Int) {
        var buffer = ByteBuffer(bytes: bytes)
        var values: [RESPValue] = []
        while let value = try parse(&buffer) { values.append(value) }
        return (values, buffer.readableBytes)
    }

    enum Outcome {
        case incomplete
        case failure(RESPParseError)
        case value(RESPValue, Int)
        case skip(Int)
    }
}

/// Walks a contiguous view of the readable bytes. Offsets in errors are relative to `start`.
struct Cursor {
    let bytes: UnsafeRawBufferPointer
    let limits: RESPLimits
    let allowInline: Bool
    var index = 0
    /// Set when the value read was an empty inline line, which Redis ignores.
    var emptyInline = false

    init(bytes: UnsafeRawBufferPointer, limits: RESPLimits, allowInline: Bool) {
        self.bytes = bytes
        self.limits = limits
        self.allowInline = allowInline
    }

    /// Returns nil when more bytes are needed.
    mutating func value(depth: Int) throws(RESPParseError) -> RESPValue? {
        guard index < bytes.count else { return nil }
        if depth > limits.maxDepth { throw RESPParseError(.tooDeep, at: index) }
        let typeOffset = index
        let typeByte = bytes[index]
        guard let type = RESPTypeIdentifier(rawValue: typeByte) else {
            if depth == 0 && allowInline { return try inlineCommand() }
            throw RESPParseError(.unknownType(typeByte), at: typeOffset)
        }
        index += 1
        switch type {
        case .simpleString:
            guard let line = try line() else { return nil }
            return .simpleString(text(line))
        case .simpleError:
            guard let line = try line() else { return nil }
            return .simpleError(text(line))
        case .integer:
            guard let line = try line() else { return nil }
            guard let number = integer(line) else { throw RESPParseError(.invalidInteger, at: line.lowerBound) }
            return .integer(number)
        case .bulkString:
            guard let payload = try blob(nullable: true) else { return nil }
            guard let range = payload else { return .null }
            return .bulkString(Array(UnsafeRawBufferPointer(rebasing: bytes[range])))
        case .bulkError:
            guard let payload = try blob(nullable: false), let range = payload else { return nil }
            return .bulkError(text(range))
        case .verbatimString:
            guard let payload = try blob(nullable: false), let range = payload else { return nil }
            guard range.count >= 4, bytes[range.lowerBound + 3] == UInt8(ascii: ":"),
                bytes[range.lowerBound..<(range.lowerBound + 3)].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else {
                throw RESPParseError(.invalidVerbatim, at: range.lowerBound)
            }
            let format = text(range.lowerBound..<(range.lowerBound + 3))
            let body = Array(UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 4)..<range.upperBound]))
            return .verbatimString(format: format, text: body)
        case .null:
            guard let line = try line() else { return nil }
            guard line.isEmpty else { throw RESPParseError(.missingCRLF, at: line.lowerBound) }
            return .null
        case .boolean:
            guard let line = try line() else { return nil }
            guard line.count == 1 else { throw RESPParseError(.invalidBoolean, at: line.lowerBound) }
            switch bytes[line.lowerBound] {
            case UInt8(ascii: "t"): return .boolean(true)
            case UInt8(ascii: "f"): return .boolean(false)
            default: throw RESPParseError(.invalidBoolean, at: line.lowerBound)
            }
        case .double:
            guard let line = try line() else { return nil }
            let literal = text(line)
            switch literal {
            case "inf", "+inf": return .double(.infinity)
            case "-inf": return .double(-.infinity)
            case "nan", "-nan": return .double(.nan)
            default:
                guard isDoubleLiteral(line), let number = Double(literal) else {
                    throw RESPParseError(.invalidDouble, at: line.lowerBound)
                }
                return .double(number)
            }
        case .bigNumber:
            guard let line = try line() else { return nil }
            guard isBigNumber(line) else { throw RESPParseError(.invalidBigNumber, at: line.lowerBound) }
            return .bigNumber(text(line))
        case .array, .set, .push:
            guard let count = try aggregateCount(nullable: type == .array) else { return nil }
            guard let count else { return .null }
            var items: [RESPValue] = []
            items.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let item = try value(depth: depth + 1) else { return nil }
                items.append(item)
            }
            switch type {
            case .set: return .set(items)
            case .push: return .push(items)
            default: return .array(items)
            }
        case .map, .attribute:
            guard let count = try aggregateCount(nullable: false), let count else { return nil }
            var pairs: [RESPPair] = []
            pairs.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let key = try value(depth: depth + 1) else { return nil }
                guard let item = try value(depth: depth + 1) else { return nil }
                pairs.append(RESPPair(key, item))
            }
            if type == .map { return .map(pairs) }
            guard let annotated = try value(depth: depth + 1) else { return nil }
            return .attribute(pairs, annotated)
        }
    }

    // MARK: Lines and lengths

    /// The bytes up to the next CRLF (exclusive); the cursor moves past the CRLF.
    mutating func line() throws(RESPParseError) -> Range<Int>? {
        let start = index
        var position = start
        let end = bytes.count
        while position < end {
            if bytes[position] == 13 {  // \r
                guard position + 1 < end else { return nil }
                guard bytes[position + 1] == 10 else { throw RESPParseError(.missingCRLF, at: position + 1) }
                index = position + 2
                return start..<position
            }
            if bytes[position] == 10 { throw RESPParseError(.missingCRLF, at: position) }
            position += 1
            if position - start > limits.maxLineLength { throw RESPParseError(.lineTooLong, at: start) }
        }
        if end - start > limits.maxLineLength { throw RESPParseError(.lineTooLong, at: start) }
        return nil
    }

    /// A length-prefixed payload. Outer nil: incomplete. Inner nil: the RESP2 null (`$-1`).
    mutating func blob(nullable: Bool) throws(RESPParseError) -> Range<Int>?? {
        guard let header = try line() else { return nil }
        guard let length = integer(header) else { throw RESPParseError(.invalidLength, at: header.lowerBound) }
        if length == -1 && nullable { return .some(nil) }
        guard length >= 0 else { throw RESPParseError(.invalidLength, at: header.lowerBound) }
        guard length <= Int64(limits.maxBulkLength) else {
            throw RESPParseError(.bulkTooLarge(Int(clamping: length)), at: header.lowerBound)
        }
        let start = index
        let payloadEnd = start + Int(length)
        guard payloadEnd + 2 <= bytes.count else { return nil }
        guard bytes[payloadEnd] == 13, bytes[payloadEnd + 1] == 10 else {
            throw RESPParseError(.missingCRLF, at: payloadEnd)
        }
        index = payloadEnd + 2
        return .some(start..<payloadEnd)
    }

    /// An aggregate's element count. Outer nil: incomplete. Inner nil: the RESP2 null (`*-1`).
    mutating func aggregateCount(nullable: Bool) throws(RESPParseError) -> Int?? {
        guard let header = try line() else { return nil }
        guard let count = integer(header) else { throw RESPParseError(.invalidLength, at: header.lowerBound) }
        if count == -1 && nullable { return .some(nil) }
        guard count >= 0 else { throw RESPParseError(.invalidLength, at: header.lowerBound) }
        guard count <= Int64(limits.maxElements) else {
            throw RESPParseError(.tooManyElements(Int(clamping: count)), at: header.lowerBound)
        }
        return .some(Int(count))
    }

    // MARK: Scalars

    func integer(_ range: Range<Int>) -> Int64? {
        guard !range.isEmpty else { return nil }
        var position = range.lowerBound
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        } else if bytes[position] == UInt8(ascii: "+") {
            position += 1
        }
        guard position < range.upperBound else { return nil }
        var magnitude: UInt64 = 0
        while position < range.upperBound {
            let digit = bytes[position] &- 48
            guard digit < 10 else { return nil }
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            position += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    func isDoubleLiteral(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        for position in range {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
                UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                continue
            default:
                return false
            }
        }
        return true
    }

    func isBigNumber(_ range: Range<Int>) -> Bool {
        var position = range.lowerBound
        if position < range.upperBound, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            position += 1
        }
        guard position < range.upperBound else { return false }
        while position < range.upperBound {
            guard bytes[position] &- 48 < 10 else { return false }
            position += 1
        }
        return true
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
