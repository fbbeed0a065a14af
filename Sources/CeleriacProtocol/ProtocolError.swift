/// A message that is not valid Celery/kombu: says what was wrong and where.
public struct ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable, Hashable {
        /// The text is not JSON (see ``ProtocolError/jsonError``).
        case invalidJSON
        /// The body is not standard padded base64.
        case invalidBase64
        /// A content type Celeriac does not decode (pickle, YAML, msgpack, anything not JSON).
        case unsupportedContentType
        /// A content encoding other than UTF-8, or a body encoding other than base64.
        case unsupportedEncoding
        /// A required field is absent.
        case missingField
        /// A field holds the wrong kind of JSON value.
        case wrongType
        /// A field has the right kind but an impossible value (a bad date, an unknown unit).
        case invalidValue
    }

    /// The kind of problem.
    public let code: Code
    /// The path of the field concerned (`headers.id`, `body[1]`), when there is one.
    public let field: String?
    /// What was wrong, in a sentence.
    public let message: String
    /// The underlying JSON error for ``Code/invalidJSON``.
    public let jsonError: JSONParseError?

    /// An error of this kind.
    public init(_ code: Code, field: String? = nil, _ message: String, jsonError: JSONParseError? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.jsonError = jsonError
    }

    /// Wraps a JSON error found while reading `what` (`envelope`, `body`).
    public static func json(_ error: JSONParseError, in what: String) -> ProtocolError {
        ProtocolError(.invalidJSON, field: what, "\(what) is not valid JSON: \(error)", jsonError: error)
    }

    /// A required field is missing.
    public static func missing(_ field: String) -> ProtocolError {
        ProtocolError(.missingField, field: field, "required field '\(field)' is missing")
    }

    /// A field holds the wrong kind of value.
    public static func wrongType(_ field: String, expected: String, found: JSONValue) -> ProtocolError {
        ProtocolError(.wrongType, field: field, "field '\(field)' should be \(expected), found \(found.kindName)")
    }

    public var description: String { message }
}

/// Typed reads of fields, shared by the message views.
extension JSONObject {
    /// The string at `key`; nil when absent or null; an error for any other kind.
    func optionalString(_ key: String, path: String) throws(ProtocolError) -> String? {
        switch self[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let other?: throw ProtocolError.wrongType(path + key, expected: "a string", found: other)
        }
    }

    /// The string at `key`, which must be present.
    func requiredString(_ key: String, path: String) throws(ProtocolError) -> String {
        guard let value = try optionalString(key, path: path) else { throw ProtocolError.missing(path + key) }
        return value
    }

    /// The integer at `key`; nil when absent or null.
    func optionalInt(_ key: String, path: String) throws(ProtocolError) -> Int? {
        switch self[key] {
        case nil, .null?: return nil
        case .int(let value)?: return Int(value)
        case let other?: throw ProtocolError.wrongType(path + key, expected: "an integer", found: other)
        }
    }

    /// The number (integer or float) at `key` as a Double; nil when absent or null.
    func optionalNumber(_ key: String, path: String) throws(ProtocolError) -> Double? {
        switch self[key] {
        case nil, .null?: return nil
        case let value?:
            guard let number = value.numberValue else {
                throw ProtocolError.wrongType(path + key, expected: "a number", found: value)
            }
            return number
        }
    }

    /// The boolean at `key`; nil when absent or null.
    func optionalBool(_ key: String, path: String) throws(ProtocolError) -> Bool? {
        switch self[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw ProtocolError.wrongType(path + key, expected: "a boolean", found: other)
        }
    }

    /// The object at `key`; nil when absent or null.
    func optionalObject(_ key: String, path: String) throws(ProtocolError) -> JSONObject? {
        switch self[key] {
        case nil, .null?: return nil
        case .object(let value)?: return value
        case let other?: throw ProtocolError.wrongType(path + key, expected: "an object", found: other)
        }
    }

    /// The array at `key`; nil when absent or null.
    func optionalArray(_ key: String, path: String) throws(ProtocolError) -> [JSONValue]? {
        switch self[key] {
        case nil, .null?: return nil
        case .array(let value)?: return value
        case let other?: throw ProtocolError.wrongType(path + key, expected: "an array", found: other)
        }
    }
}
