extension RESPValue {
    /// A bulk string made from UTF-8 text.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// `+OK`.
    public static let ok = RESPValue.simpleString("OK")

    /// Whether this is an error reply (simple or bulk).
    public var isError: Bool {
        switch self {
        case .simpleError, .bulkError: return true
        default: return false
        }
    }

    /// The error text of an error reply.
    public var errorMessage: String? {
        switch self {
        case .simpleError(let message), .bulkError(let message): return message
        default: return nil
        }
    }

    /// The value as text: bulk, simple and verbatim strings, integers, doubles and big numbers.
    public var string: String? {
        switch self {
        case .bulkString(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .simpleString(let text): return text
        case .verbatimString(_, let bytes): return String(decoding: bytes, as: UTF8.self)
        case .integer(let value): return String(value)
        case .double(let value): return RESPDouble.format(value)
        case .bigNumber(let text): return text
        default: return nil
        }
    }

    /// The raw bytes of a string-like value.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .simpleString(let text): return Array(text.utf8)
        case .verbatimString(_, let bytes): return bytes
        case .integer(let value): return Array(String(value).utf8)
        default: return nil
        }
    }

    /// An integer reply, or a string reply that holds a decimal integer.
    public var int: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulkString, .simpleString: return string.flatMap { Int64($0) }
        case .boolean(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    /// A double reply, or a string reply that holds a number.
    public var double: Double? {
        switch self {
        case .double(let value): return value
        case .integer(let value): return Double(value)
        case .bulkString, .simpleString: return string.flatMap { RESPDouble.parse($0) }
        default: return nil
        }
    }

    /// The elements of an array, set or push; a map flattened to key, value, key, value.
    public var array: [RESPValue]? {
        switch self {
        case .array(let values), .set(let values), .push(let values): return values
        case .map(let pairs): return pairs.flatMap { [$0.key, $0.value] }
        default: return nil
        }
    }

    /// Whether this is the null value.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension RESPValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .bulk(value) }
}

extension RESPValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension RESPValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: RESPValue...) { self = .array(elements) }
}
