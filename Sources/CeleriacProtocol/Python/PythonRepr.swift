/// Python's `repr()` of the Python objects JSON values become (`None`, `True`, `'text'`,
/// `[1, 2]`, `{'a': 1}`), used where Celery sends reprs: `task-succeeded.result`,
/// `task-failed.exception`, control errors (`KeyError('x')`) and revoke replies.
///
/// For `argsrepr`/`kwargsrepr`, Celery uses its own ``PythonSafeRepr`` instead, which quotes
/// strings differently.
public enum PythonRepr {
    /// `repr(value)` of the Python object `json.loads` would build from `value`.
    public static func repr(_ value: JSONValue) -> String {
        var out = ""
        append(value, to: &out)
        return out
    }

    /// The repr of a tuple of these values: `()`, `(1,)`, `(1, 'two')`.
    public static func tupleRepr(_ values: [JSONValue]) -> String {
        var out = "("
        for (index, value) in values.enumerated() {
            if index > 0 { out += ", " }
            append(value, to: &out)
        }
        out += values.count == 1 ? ",)" : ")"
        return out
    }

    /// The repr of a Python set of strings, in the order given: `{'a', 'b'}`, or `set()`.
    /// (Python's own order depends on string hashing, which is randomised per process.)
    public static func setRepr(_ values: [String]) -> String {
        if values.isEmpty { return "set()" }
        return "{" + values.map(stringRepr).joined(separator: ", ") + "}"
    }

    /// The repr of an exception: `KeyError('x')`, `Reject('rejected late', False)`, `X()`.
    public static func exceptionRepr(type: String, arguments: [JSONValue]) -> String {
        type + "(" + arguments.map(repr).joined(separator: ", ") + ")"
    }

    /// `repr(text)`: single quotes unless the text has `'` and no `"`; escapes as Python does
    /// (`\\`, `\n`, `\r`, `\t`, `\xNN`, `\uNNNN`, `\UNNNNNNNN` for unprintable characters).
    public static func stringRepr(_ text: String) -> String {
        let hasSingle = text.utf8.contains(UInt8(ascii: "'"))
        let hasDouble = text.utf8.contains(UInt8(ascii: "\""))
        let quote: Character = hasSingle && !hasDouble ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escape(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    private static func append(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "None"
        case .bool(let flag): out += flag ? "True" : "False"
        case .int(let number): out += String(number)
        case .bigInt(let digits): out += digits
        case .double(let number): out += PythonFloat.repr(number)
        case .string(let text): out += stringRepr(text)
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += ", " }
                append(element, to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { out += ", " }
                out += stringRepr(member.key)
                out += ": "
                append(member.value, to: &out)
            }
            out += "}"
        }
    }

    /// Python's `str.isprintable()` for one character.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        if scalar.value < 0x7F { return scalar.value >= 0x20 }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        if scalar.value <= 0xFF { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if scalar.value <= 0xFFFF { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
