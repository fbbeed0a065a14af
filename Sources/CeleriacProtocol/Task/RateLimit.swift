/// Why a rate-limit string was refused, with the Python exception Celery would raise.
public enum RateLimitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The unit after `/` is not `s`, `m` or `h` (Celery raises `KeyError(unit)`).
    case unknownUnit(String)
    /// The count is not a number (Celery raises `ValueError`); holds the count text.
    case invalidNumber(String)

    /// `repr(exc)` as Celery reports it: `KeyError('x')`,
    /// `ValueError("could not convert string to float: 'abc'")`.
    public var pythonRepr: String {
        switch self {
        case .unknownUnit(let unit):
            return PythonRepr.exceptionRepr(type: "KeyError", arguments: [.string(unit)])
        case .invalidNumber(let text):
            let message = "could not convert string to float: " + PythonRepr.stringRepr(text)
            return PythonRepr.exceptionRepr(type: "ValueError", arguments: [.string(message)])
        }
    }

    public var description: String {
        switch self {
        case .unknownUnit(let unit): return "unknown rate limit unit '\(unit)' (use s, m or h)"
        case .invalidNumber(let text): return "rate limit count '\(text)' is not a number"
        }
    }
}

/// Celery's rate limits: `"n/s"`, `"n/m"`, `"n/h"`, a bare number meaning per second; an
/// empty string, null or 0 means no limit.
public enum RateLimit {
    /// Tasks per second for a rate-limit string, as `celery.utils.time.rate` computes it
    /// (0 means no limit).
    public static func tasksPerSecond(_ text: String) throws(RateLimitError) -> Double {
        guard !text.isEmpty else { return 0 }
        let count: Substring
        let unit: Substring
        if let slash = text.firstIndex(of: "/") {
            count = text[..<slash]
            unit = text[text.index(after: slash)...]
        } else {
            count = Substring(text)
            unit = ""
        }
        // Python looks the unit up before converting the count, so a bad unit wins.
        let divisor: Double
        switch unit {
        case "", "s": divisor = 1
        case "m": divisor = 60
        case "h": divisor = 3600
        default: throw RateLimitError.unknownUnit(String(unit))
        }
        guard let number = pythonFloat(count) else { throw RateLimitError.invalidNumber(String(count)) }
        return number / divisor
    }

    /// Tasks per second for a JSON rate limit: a string as above, a number as is, null as 0.
    public static func tasksPerSecond(_ value: JSONValue) throws(RateLimitError) -> Double {
        switch value {
        case .string(let text): return try tasksPerSecond(text)
        case .null: return 0
        default:
            if let number = value.numberValue { return number }
            throw RateLimitError.invalidNumber(PythonRepr.repr(value))
        }
    }

    /// Python's `float(text)`: surrounding whitespace, a sign, digits with single underscores
    /// between them, an optional fraction and exponent, or `inf`/`infinity`/`nan`.
    static func pythonFloat(_ text: Substring) -> Double? {
        let trimmed = text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
        var body = String(trimmed)
        guard !body.isEmpty else { return nil }
        var sign = 1.0
        if body.hasPrefix("+") || body.hasPrefix("-") {
            if body.hasPrefix("-") { sign = -1 }
            body.removeFirst()
        }
        switch body.lowercased() {
        case "inf", "infinity": return sign * .infinity
        case "nan": return .nan
        default: break
        }
        var cleaned = ""
        var previous: Character?
        for character in body {
            if character == "_" {
                guard let before = previous, before.isASCII, before.isNumber else { return nil }
            } else if previous == "_" && !(character.isASCII && character.isNumber) {
                return nil
            }
            if character != "_" { cleaned.append(character) }
            previous = character
        }
        if previous == "_" { return nil }
        guard cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") }),
              cleaned.contains(where: { $0.isNumber }),
              let value = Double(cleaned)
        else { return nil }
        return sign * value
    }
}
