/// A frame that is not valid RESP. It says what was wrong and at which byte of the frame
/// (counted from the frame's first byte), so a protocol error can be reported precisely.
public struct RESPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of defect the frame has.
    public enum Kind: Hashable, Sendable {
        case unknownType(UInt8)
        case invalidInteger
        case invalidLength
        case invalidDouble
        case invalidBoolean
        case invalidBigNumber
        case invalidVerbatim
        case missingCRLF
        case bulkTooLarge(Int)
        case tooManyElements(Int)
        case tooDeep
        case lineTooLong
        case unbalancedQuotes
        case attributeWithoutValue
    }

    public var kind: Kind
    /// Offset of the offending byte, from the start of the frame.
    public var offset: Int

    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch kind {
        case .unknownType(let byte):
            what = "unknown type byte \(Self.show(byte))"
        case .invalidInteger: what = "invalid integer"
        case .invalidLength: what = "invalid length"
        case .invalidDouble: what = "invalid double"
        case .invalidBoolean: what = "invalid boolean (expected t or f)"
        case .invalidBigNumber: what = "invalid big number"
        case .invalidVerbatim: what = "invalid verbatim string (expected a 3-byte format and ':')"
        case .missingCRLF: what = "expected CRLF"
        case .bulkTooLarge(let length): what = "invalid bulk length \(length) (over the limit)"
        case .tooManyElements(let count): what = "invalid multibulk length \(count) (over the limit)"
        case .tooDeep: what = "aggregates nested too deeply"
        case .lineTooLong: what = "line too long"
        case .unbalancedQuotes: what = "unbalanced quotes in request"
        case .attributeWithoutValue: what = "attribute not followed by a value"
        }
        return "\(what) at byte \(offset)"
    }

    private static func show(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16)
        return "0x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
