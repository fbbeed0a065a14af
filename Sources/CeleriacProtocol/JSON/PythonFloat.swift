/// Formats doubles exactly as Python's `repr(float)` (and so `json.dumps`) does.
///
/// Python writes the shortest digits that round-trip, in fixed notation when the decimal
/// exponent is in -4 < e <= 16 (with `.0` for integral values), else as `1e+20` / `1.5e-07`.
/// Swift's `description` already finds the same shortest digits; only the layout differs, so we
/// take its digits and exponent and lay them out Python's way.
public enum PythonFloat {
    /// `repr(value)` as Python writes it: `10.0`, `0.1`, `1e+20`, `inf`, `nan`.
    public static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendFinite(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The JSON token Python's `json.dumps` writes: like ``repr(_:)`` but `NaN`, `Infinity`,
    /// `-Infinity` for the special values.
    public static func jsonToken(_ value: Double) -> String {
        var out: [UInt8] = []
        appendJSON(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the JSON token for `value` (see ``jsonToken(_:)``).
    static func appendJSON(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: "NaN".utf8)
        } else if value.isInfinite {
            out.append(contentsOf: (value < 0 ? "-Infinity" : "Infinity").utf8)
        } else {
            appendFinite(value, to: &out)
        }
    }

    /// Appends Python's repr of a finite double.
    ///
    /// Swift's shortest digits come through ``ShortestDigits`` (`Double.write(to:)` hands its
    /// stack buffer to the stream's `_writeASCII`), so no `String` is made for them: a busy
    /// worker writes several floats per task (event timestamps, runtimes).
    static func appendFinite(_ value: Double, to out: inout [UInt8]) {
        if value == 0 {
            out.append(contentsOf: (value.sign == .minus ? "-0.0" : "0.0").utf8)
            return
        }
        var sink = ShortestDigits()
        swap(&sink.out, &out)
        value.write(to: &sink)
        swap(&sink.out, &out)
    }

    /// Lays out Swift's description of a finite, non-zero double (`[-]digits[.digits][e[-]digits]`)
    /// as Python's repr.
    static func layout(description: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(32, description.count)) { digits in
            // Decompose Swift's shortest representation into sign, digits and exponent.
            var count = 0
            var negative = false
            var pointPosition: Int?
            var exponent = 0
            var exponentNegative = false
            var inExponent = false
            for byte in description {
                if inExponent {
                    if byte == UInt8(ascii: "-") {
                        exponentNegative = true
                    } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                        exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "-"): negative = true
                case UInt8(ascii: "."): pointPosition = count
                case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    digits[count] = byte
                    count += 1
                default: break
                }
            }
            guard count > 0 else { return }
            if exponentNegative { exponent = -exponent }
            // decimalPoint: the value is 0.d1d2d3... × 10^decimalPoint.
            var decimalPoint = (pointPosition ?? count) + exponent
            // Strip leading zeros (as in "0.001") and trailing zeros (as in "100.0").
            var start = 0
            while start < count - 1 && digits[start] == UInt8(ascii: "0") {
                start += 1
                decimalPoint -= 1
            }
            var end = count
            while end > start + 1 && digits[end - 1] == UInt8(ascii: "0") { end -= 1 }
            let significant = UnsafeBufferPointer(rebasing: digits[start..<end])
            let length = significant.count

            if negative { out.append(UInt8(ascii: "-")) }
            if decimalPoint > -4 && decimalPoint <= 16 {
                if decimalPoint <= 0 {
                    out.append(UInt8(ascii: "0"))
                    out.append(UInt8(ascii: "."))
                    for _ in 0..<(-decimalPoint) { out.append(UInt8(ascii: "0")) }
                    out.append(contentsOf: significant)
                } else if decimalPoint >= length {
                    out.append(contentsOf: significant)
                    for _ in 0..<(decimalPoint - length) { out.append(UInt8(ascii: "0")) }
                    out.append(UInt8(ascii: "."))
                    out.append(UInt8(ascii: "0"))
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: significant[0..<decimalPoint]))
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: significant[decimalPoint...]))
                }
            } else {
                out.append(significant[0])
                if length > 1 {
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: significant[1...]))
                }
                out.append(UInt8(ascii: "e"))
                let shown = decimalPoint - 1
                out.append(shown < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                let magnitude = shown.magnitude
                if magnitude < 10 { out.append(UInt8(ascii: "0")) }
                JSONWriter.appendInteger(Int64(magnitude), to: &out)
            }
        }
    }

    /// Receives `Double.write(to:)`'s text and lays it out Python's way into `out`.
    private struct ShortestDigits: TextOutputStream {
        var out: [UInt8] = []

        mutating func write(_ string: String) {
            var string = string
            string.withUTF8 { PythonFloat.layout(description: $0, to: &out) }
        }

        /// What `Double.write(to:)` calls with its digits (the default would make a `String`).
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
            PythonFloat.layout(description: buffer, to: &out)
        }
    }
}
