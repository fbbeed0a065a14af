import CeleriacRESP

/// Number parsing with Redis's rules (`string2ll`, `strtod` without trailing garbage).
enum ArgumentParsing {
    /// A decimal 64-bit integer: optional `-`, no `+`, no leading zeros, no spaces.
    static func integer(_ bytes: [UInt8]) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        if bytes == [UInt8(ascii: "0")] { return 0 }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "1"), bytes[index] <= UInt8(ascii: "9") else { return nil }
        var magnitude: UInt64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(digit))
            guard !overflowA, !overflowB else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A double as Redis accepts it for scores and increments (`inf`, exponents; never NaN).
    static func double(_ bytes: [UInt8]) -> Double? {
        guard !bytes.isEmpty, bytes.count < 256, !bytes.contains(0) else { return nil }
        return RESPDouble.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// The integer or throws `ERR value is not an integer or out of range`.
    static func requireInteger(_ bytes: [UInt8]) throws(CommandError) -> Int64 {
        guard let value = integer(bytes) else { throw .notInteger }
        return value
    }

    /// The double or throws `ERR value is not a valid float`.
    static func requireDouble(_ bytes: [UInt8]) throws(CommandError) -> Double {
        guard let value = double(bytes) else { throw .notFloat }
        return value
    }

    /// Formats an integer as decimal bytes.
    static func bytes(_ value: Int64) -> [UInt8] { Array(String(value).utf8) }

    /// Case-insensitive comparison of an argument with an ASCII option name (given lowercase).
    static func matches(_ argument: [UInt8], _ option: String) -> Bool {
        let utf8 = option.utf8
        guard argument.count == utf8.count else { return false }
        for (byte, expected) in zip(argument, utf8) {
            let lower = byte >= 65 && byte <= 90 ? byte + 32 : byte
            if lower != expected { return false }
        }
        return true
    }

    /// The argument lowercased as a String (command and option names).
    static func lowercased(_ argument: [UInt8]) -> String {
        String(decoding: argument.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
