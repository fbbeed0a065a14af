/// A JSON value that keeps exactly what Celery sends: integers stay integers (`5`), floats stay
/// floats (`10.0`), integers beyond 64 bits keep their digits, and objects keep their key order.
///
/// Python's `json` module is the reference: parsing then writing a value with ``JSONWriter``
/// gives the bytes `json.dumps(json.loads(text))` would give.
public enum JSONValue: Sendable, Hashable {
    /// `null` (Python `None`).
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// An integer that fits in 64 bits.
    case int(Int64)
    /// An integer beyond 64 bits, as its canonical decimal digits (optional leading `-`, no
    /// leading zeros). Python keeps such integers exactly, so we do too.
    case bigInt(String)
    /// A float (Python `float`), including `Infinity`, `-Infinity` and `NaN`.
    case double(Double)
    /// A string.
    case string(String)
    /// An array (Python `list`).
    case array([JSONValue])
    /// An object (Python `dict`) with its keys in order.
    case object(JSONObject)
}

extension JSONValue {
    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The string, or nil for any other kind.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, or nil for any other kind.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, or nil for any other kind (floats are not converted: Celery keeps kinds).
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The number as a Double: integers and floats both convert, as Python's arithmetic would.
    public var numberValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .bigInt(let digits): return Double(digits)
        default: return nil
        }
    }

    /// The array, or nil for any other kind.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object, or nil for any other kind.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member `key` of an object; nil when this is not an object or has no such key.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// A short name for the kind of value, used in error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .bigInt: return "integer"
        case .double: return "float"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
