/// Writes ``JSONValue`` as JSON text. The default options give the bytes of Python's
/// `json.dumps` defaults: separators `", "` and `": "`, `ensure_ascii=True` (`\uXXXX` in lower
/// case, surrogate pairs above U+FFFF), Python's float repr and its escapes.
public struct JSONWriter {
    /// How to write.
    public struct Options: Sendable, Hashable {
        /// Separators `","` and `":"` instead of Python's `", "` and `": "`.
        public var compact: Bool
        /// Escape every character outside printable ASCII as `\uXXXX` (Python's default).
        public var ensureASCII: Bool

        /// Options with these choices.
        public init(compact: Bool = false, ensureASCII: Bool = true) {
            self.compact = compact
            self.ensureASCII = ensureASCII
        }

        /// Python's `json.dumps` defaults; what Celery and kombu write on the wire.
        public static let python = Options()
        /// No spaces after separators; still ASCII only.
        public static let compact = Options(compact: true)
    }

    /// The JSON text of `value` as UTF-8 bytes.
    public static func bytes(_ value: JSONValue, options: Options = .python) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, options: options)
        return out
    }

    /// The JSON text of `value`.
    public static func string(_ value: JSONValue, options: Options = .python) -> String {
        String(decoding: bytes(value, options: options), as: UTF8.self)
    }

    /// Appends the JSON text of `value` to `out`.
    public static func write(_ value: JSONValue, into out: inout [UInt8], options: Options = .python) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number):
            appendInteger(number, to: &out)
        case .bigInt(let digits):
            out.append(contentsOf: digits.utf8)
        case .double(let number):
            PythonFloat.appendJSON(number, to: &out)
        case .string(let text):
            appendString(text, to: &out, ensureASCII: options.ensureASCII)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { appendItemSeparator(&out, options) }
                first = false
                write(element, into: &out, options: options)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            write(object, into: &out, options: options)
        }
    }

    /// Appends the JSON text of an object to `out`.
    public static func write(_ object: JSONObject, into out: inout [UInt8], options: Options = .python) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for member in object.members {
            if !first { appendItemSeparator(&out, options) }
            first = false
            appendString(member.key, to: &out, ensureASCII: options.ensureASCII)
            out.append(UInt8(ascii: ":"))
            if !options.compact { out.append(UInt8(ascii: " ")) }
            write(member.value, into: &out, options: options)
        }
        out.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private static func appendItemSeparator(_ out: inout [UInt8], _ options: Options) {
        out.append(UInt8(ascii: ","))
        if !options.compact { out.append(UInt8(ascii: " ")) }
    }

    /// Appends a decimal integer without going through `String`.
    public static func appendInteger(_ number: Int64, to out: inout [UInt8]) {
        if number == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        if number < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &scratch) { raw in
            var index = raw.count
            while magnitude > 0 {
                index -= 1
                raw[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            out.append(contentsOf: raw[index...])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Bytes that can be copied as they are (printable ASCII other than `"` and `\`).
    private static let plainByte: [Bool] = (0..<256).map { byte in
        byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C
    }

    /// Appends a quoted, escaped string the way Python's `json` encoder does.
    static func appendString(_ text: String, to out: inout [UInt8], ensureASCII: Bool) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            plainByte.withUnsafeBufferPointer { plain in
                var index = 0
                let count = utf8.count
                while index < count {
                    // Copy the longest run of plain bytes in one go.
                    let runStart = index
                    while index < count && plain[Int(utf8[index])] { index += 1 }
                    if index > runStart {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    }
                    guard index < count else { break }
                    index = appendEscaped(utf8, at: index, to: &out, ensureASCII: ensureASCII)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends the escape for the byte (or UTF-8 sequence) at `index`; returns the next index.
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int, to out: inout [UInt8],
                                      ensureASCII: Bool) -> Int
    {
        let byte = utf8[index]
        if byte < 0x80 {
            switch byte {
            case 0x22: out.append(UInt8(ascii: "\\")); out.append(0x22)
            case 0x5C: out.append(UInt8(ascii: "\\")); out.append(0x5C)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x7F where !ensureASCII: out.append(byte)
            default: appendUnicodeEscape(UInt32(byte), to: &out)
            }
            return index + 1
        }
        // A multi-byte sequence; the String guarantees it is valid UTF-8.
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        let end = min(index + length, utf8.count)
        if !ensureASCII {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[index..<end]))
            return end
        }
        var scalar = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        var next = index + 1
        while next < end {
            scalar = scalar << 6 | UInt32(utf8[next] & 0x3F)
            next += 1
        }
        if scalar >= 0x10000 {
            let value = scalar - 0x10000
            appendUnicodeEscape(0xD800 + (value >> 10), to: &out)
            appendUnicodeEscape(0xDC00 + (value & 0x3FF), to: &out)
        } else {
            appendUnicodeEscape(scalar, to: &out)
        }
        return end
    }

    @inline(__always)
    private static func appendUnicodeEscape(_ unit: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        out.append(hexDigits[Int((unit >> 12) & 0xF)])
        out.append(hexDigits[Int((unit >> 8) & 0xF)])
        out.append(hexDigits[Int((unit >> 4) & 0xF)])
        out.append(hexDigits[Int(unit & 0xF)])
    }
}

extension JSONValue {
    /// This value as Python's `json.dumps` writes it.
    public var jsonString: String { JSONWriter.string(self) }

    /// This value as Python's `json.dumps` writes it, as UTF-8 bytes.
    public var jsonBytes: [UInt8] { JSONWriter.bytes(self) }
}
