/// Why a JSON text could not be parsed, and where: `offset` is the byte offset of the problem.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable, Hashable {
        /// The text ended inside a value (or was empty).
        case unexpectedEnd
        /// A byte that cannot start or continue a value here.
        case unexpectedByte
        /// A number that breaks JSON's number grammar (leading zeros, a bare `-`, `1.`).
        case invalidNumber
        /// A backslash escape that is not one of `\" \\ \/ \b \f \n \r \t \uXXXX`.
        case invalidEscape
        /// A raw control character (below 0x20) inside a string; Python's strict mode refuses it.
        case controlCharacterInString
        /// Bytes that are not valid UTF-8.
        case invalidUTF8
        /// Containers nested deeper than the parser's limit.
        case tooDeep
        /// Something other than whitespace after the value.
        case trailingData
    }

    /// The kind of problem.
    public let code: Code
    /// The byte offset in the input where the problem was found.
    public let offset: Int
    /// A human sentence saying what was expected.
    public let message: String

    /// An error of this kind at this offset.
    public init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String {
        "invalid JSON at byte \(offset): \(message)"
    }
}
