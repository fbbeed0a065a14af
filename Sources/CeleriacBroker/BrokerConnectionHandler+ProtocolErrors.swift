import CeleriacRESP
import NIOCore

/// Redis's own wording for a malformed request (`-ERR Protocol error: ...`), so a client
/// that matches on it, or an operator who searches for it, finds what redis-server says.
extension BrokerConnectionHandler {
    /// The message for a frame the parser refused. `frame` starts at the refused frame.
    static func protocolMessage(for error: RESPParseError, frame: ByteBuffer) -> String {
        switch error.kind {
        case .invalidLength, .invalidInteger:
            return lineType(at: error.offset, in: frame) == UInt8(ascii: "*") ? "invalid multibulk length" : "invalid bulk length"
        case .bulkTooLarge:
            return "invalid bulk length"
        case .tooManyElements:
            return "invalid multibulk length"
        case .lineTooLong:
            return frame.readableBytesView.first == UInt8(ascii: "*") ? "too big mbulk count string" : "too big inline request"
        case .unbalancedQuotes:
            return "unbalanced quotes in request"
        case .unknownType(let byte):
            return "expected '$', got '\(Character(Unicode.Scalar(byte)))'"
        case .invalidDouble, .invalidBoolean, .invalidBigNumber, .invalidVerbatim, .missingCRLF, .tooDeep,
             .attributeWithoutValue:
            return error.description
        }
    }

    /// The message for an array element that is not a bulk string, as Redis words it.
    static func notBulkMessage(_ value: RESPValue) -> String {
        "expected '$', got '\(Character(Unicode.Scalar(typeByte(of: value))))'"
    }

    /// The first byte of the line holding `offset`: the type of the header being read there.
    private static func lineType(at offset: Int, in frame: ByteBuffer) -> UInt8? {
        let bytes = frame.readableBytesView
        var index = bytes.index(bytes.startIndex, offsetBy: min(max(0, offset), bytes.count))
        while index > bytes.startIndex {
            let before = bytes.index(before: index)
            if bytes[before] == UInt8(ascii: "\n") { break }
            index = before
        }
        return index < bytes.endIndex ? bytes[index] : nil
    }

    private static func typeByte(of value: RESPValue) -> UInt8 {
        switch value {
        case .simpleString: return UInt8(ascii: "+")
        case .simpleError: return UInt8(ascii: "-")
        case .integer: return UInt8(ascii: ":")
        case .bulkString: return UInt8(ascii: "$")
        case .null: return UInt8(ascii: "_")
        case .array: return UInt8(ascii: "*")
        case .map: return UInt8(ascii: "%")
        case .set: return UInt8(ascii: "~")
        case .double: return UInt8(ascii: ",")
        case .boolean: return UInt8(ascii: "#")
        case .bigNumber: return UInt8(ascii: "(")
        case .verbatimString: return UInt8(ascii: "=")
        case .bulkError: return UInt8(ascii: "!")
        case .push: return UInt8(ascii: ">")
        case .attribute: return UInt8(ascii: "|")
        }
    }
}
