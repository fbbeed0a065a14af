#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Double formatting and parsing as Redis does them.
public enum RESPDouble {
    /// Formats like Redis 7.0's `%.17g` replies, with `inf`, `-inf` and `nan` spelled out,
    /// and integral values without a fraction (`3` rather than `3.0`).
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e17 {
            return String(Int64(value))
        }
        return printf17g(value)
    }

    /// Formats with `%.17g`, the form Redis and Lua's `tostring` of large numbers use.
    public static func printf17g(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBufferPointer { pointer -> Int32 in
            withVaList([value]) { vsnprintf(pointer.baseAddress, 64, "%.17g", $0) }
        }
        guard count > 0 else { return String(value) }
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Parses a Redis number argument: decimal or exponent notation, `inf`, `+inf`, `-inf`.
    /// Returns nil for anything else, including `nan` (Redis refuses it as a score).
    public static func parse(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default:
            guard !text.isEmpty, text.first?.isWhitespace == false, text.last?.isWhitespace == false,
                let value = Double(text), !value.isNaN
            else { return nil }
            return value
        }
    }
}
