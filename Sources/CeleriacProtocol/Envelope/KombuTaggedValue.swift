/// Kombu's JSON tags for Python values JSON cannot hold:
/// `{"__type__": "datetime|date|time|decimal|uuid|bytes|base64", "__value__": …}`.
///
/// Messages keep them as plain ``JSONValue`` objects (so they round-trip untouched); this type
/// reads and writes them when a caller wants the typed value.
public enum KombuTaggedValue: Sendable, Hashable {
    /// `datetime.isoformat()`.
    case datetime(CeleryDateTime)
    /// `date.isoformat()`, kept as text (`2026-11-25`).
    case date(String)
    /// `time.isoformat()`, kept as text (`05:40:46.453243`).
    case time(String)
    /// `str(Decimal)`, kept as text so no precision is lost.
    case decimal(String)
    /// A UUID as its 32 hex digits (`{"hex": …}` on the wire).
    case uuid(hex: String)
    /// Bytes that were valid UTF-8 (`"bytes"`), or any bytes (`"base64"`).
    case bytes([UInt8])

    /// The tagged value inside `value`, nil when `value` is not a two-key tag object, or an
    /// error for an unknown tag (kombu raises `ValueError('Unsupported type')` there too).
    public static func decode(_ value: JSONValue) throws(ProtocolError) -> KombuTaggedValue? {
        guard case .object(let object) = value, object.count == 2,
              let tag = object["__type__"], let inner = object["__value__"]
        else { return nil }
        guard case .string(let type) = tag else {
            throw ProtocolError.wrongType("__type__", expected: "a string", found: tag)
        }
        switch (type, inner) {
        case ("datetime", .string(let text)):
            return .datetime(try CeleryDateTime.parse(text, field: "__value__"))
        case ("date", .string(let text)):
            return .date(text)
        case ("time", .string(let text)):
            return .time(text)
        case ("decimal", .string(let text)):
            return .decimal(text)
        case ("uuid", .object(let fields)):
            guard let hex = fields["hex"]?.stringValue else {
                throw ProtocolError.missing("__value__.hex")
            }
            return .uuid(hex: hex)
        case ("bytes", .string(let text)):
            return .bytes(Array(text.utf8))
        case ("base64", .string(let text)):
            return .bytes(try Base64.decode(text))
        case ("datetime", _), ("date", _), ("time", _), ("decimal", _), ("uuid", _), ("bytes", _), ("base64", _):
            throw ProtocolError(.wrongType, field: "__value__", "kombu tag '\(type)' has a value of the wrong kind (\(inner.kindName))")
        default:
            throw ProtocolError(.invalidValue, field: "__type__", "unsupported kombu type tag '\(type)'")
        }
    }

    /// The tag object kombu writes for this value.
    public var jsonValue: JSONValue {
        func tagged(_ type: String, _ value: JSONValue) -> JSONValue {
            ["__type__": .string(type), "__value__": value]
        }
        switch self {
        case .datetime(let value): return tagged("datetime", .string(value.isoformat))
        case .date(let text): return tagged("date", .string(text))
        case .time(let text): return tagged("time", .string(text))
        case .decimal(let text): return tagged("decimal", .string(text))
        case .uuid(let hex): return tagged("uuid", ["hex": .string(hex)])
        case .bytes(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) {
                return tagged("bytes", .string(text))
            }
            return tagged("base64", .string(Base64.encode(bytes)))
        }
    }
}
