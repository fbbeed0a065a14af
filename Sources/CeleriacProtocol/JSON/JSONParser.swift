/// Parses JSON text into ``JSONValue``, accepting what Python's `json.loads` accepts (including
/// the `NaN`, `Infinity` and `-Infinity` tokens Python writes) and refusing the rest with a
/// ``JSONParseError`` that names the byte offset.
///
/// Works on raw UTF-8 bytes. Never traps on any input: nesting is capped by `maxDepth`.
public struct JSONParser {
    /// The default nesting limit; Python's recursion limit stops `json.loads` near 1000.
    public static let defaultMaxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var position = 0
    private var depth = 0
    /// The FNV-1a hash of the last string parsed with `hashing: true` (object keys).
    private var lastStringHash: UInt64 = 0
    /// The members (with their keys' hashes) and elements of the containers being parsed,
    /// innermost last: a container's own array is made once, at its exact size, when it
    /// closes. Grown by appending, a 20-key object reallocated its members and hashes several
    /// times, and a task message took about ten allocations more to parse (issue #6).
    private var memberStack: [(member: JSONObject.Member, hash: UInt64)] = []
    private var elementStack: [JSONValue] = []

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses one JSON value (surrounded by optional whitespace) from `bytes`.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth)
        throws(JSONParseError) -> JSONValue
    {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parseResult(buffer, maxDepth: maxDepth)
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parseResult($0, maxDepth: maxDepth) }.get()
    }

    /// Parses one JSON value from a string's UTF-8.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { parseResult($0, maxDepth: maxDepth) }
        return try result.get()
    }

    /// Parses one JSON value from raw memory.
    public static func parse(_ buffer: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth)
        throws(JSONParseError) -> JSONValue
    {
        try parseResult(buffer.bindMemory(to: UInt8.self), maxDepth: maxDepth).get()
    }

    private static func parseResult(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int)
        -> Result<JSONValue, JSONParseError>
    {
        var parser = JSONParser(bytes: buffer, maxDepth: maxDepth)
        do {
            parser.skipWhitespace()
            let value = try parser.parseValue()
            parser.skipWhitespace()
            if parser.position < buffer.count {
                return .failure(JSONParseError(.trailingData, at: parser.position, "extra data after the value"))
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    // MARK: Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else {
            throw JSONParseError(.unexpectedEnd, at: position, "expecting a value, found the end of the text")
        }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "N"):
            try expectLiteral("NaN")
            return .double(.nan)
        case UInt8(ascii: "I"):
            try expectLiteral("Infinity")
            return .double(.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw JSONParseError(.unexpectedByte, at: position, "expecting a value, found \(describeByte(at: position))")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        let start = position
        guard bytes.count - position >= length else {
            throw JSONParseError(.unexpectedEnd, at: start, "expecting \(literal), found the end of the text")
        }
        let pointer = literal.utf8Start
        for index in 0..<length where bytes[position + index] != pointer[index] {
            throw JSONParseError(.unexpectedByte, at: position + index, "expecting \(literal)")
        }
        position += length
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth {
            throw JSONParseError(.tooDeep, at: position, "containers nested deeper than \(maxDepth) levels")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1  // [
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array([])
        }
        let base = elementStack.count
        // One allocation for the parse, not one per doubling.
        if elementStack.capacity == 0 { elementStack.reserveCapacity(16) }
        while true {
            skipWhitespace()
            let element = try parseValue()
            elementStack.append(element)
            skipWhitespace()
            guard position < bytes.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "expecting ',' or ']' in an array")
            }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "]") { break }
            if byte != UInt8(ascii: ",") {
                throw JSONParseError(.unexpectedByte, at: position - 1, "expecting ',' or ']' in an array, found \(describeByte(at: position - 1))")
            }
        }
        depth -= 1
        // Copied through a buffer pointer: an `ArraySlice` would keep the stack shared, and
        // the removal would then copy the whole stack.
        let elements = elementStack.withUnsafeBufferPointer { Array($0[base...]) }
        elementStack.removeLast(elementStack.count - base)
        return .array(elements)
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1  // {
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject())
        }
        // Python keeps the last value of a repeated key at the key's first position. Small
        // objects check by scanning; big ones switch to an index so hostile input stays linear.
        var indexByKey: [String: Int]?
        let base = memberStack.count
        if memberStack.capacity == 0 { memberStack.reserveCapacity(32) }
        while true {
            skipWhitespace()
            guard position < bytes.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "expecting a property name in double quotes")
            }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw JSONParseError(.unexpectedByte, at: position, "expecting a property name in double quotes, found \(describeByte(at: position))")
            }
            let key = try parseString(hashing: true)
            // Taken now: parsing the value overwrites it with the hash of any key inside it.
            let hash = lastStringHash
            skipWhitespace()
            guard position < bytes.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "expecting ':' after a property name")
            }
            guard bytes[position] == UInt8(ascii: ":") else {
                throw JSONParseError(.unexpectedByte, at: position, "expecting ':' after a property name, found \(describeByte(at: position))")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            if var index = indexByKey {
                if let existing = index[key] {
                    memberStack[base + existing].member.value = value
                } else {
                    index[key] = memberStack.count - base
                    memberStack.append((JSONObject.Member(key: key, value: value), hash))
                }
                indexByKey = index
            } else if let existing = firstIndex(of: key, hash: hash, from: base) {
                memberStack[existing].member.value = value
            } else {
                memberStack.append((JSONObject.Member(key: key, value: value), hash))
                if memberStack.count - base > 32 {
                    var index: [String: Int] = [:]
                    for offset in base..<memberStack.count { index[memberStack[offset].member.key] = offset - base }
                    indexByKey = index
                }
            }
            skipWhitespace()
            guard position < bytes.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "expecting ',' or '}' in an object")
            }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "}") { break }
            if byte != UInt8(ascii: ",") {
                throw JSONParseError(.unexpectedByte, at: position - 1, "expecting ',' or '}' in an object, found \(describeByte(at: position - 1))")
            }
        }
        depth -= 1
        let members = memberStack.withUnsafeBufferPointer { $0[base...].map(\.member) }
        memberStack.removeLast(memberStack.count - base)
        return .object(JSONObject(uncheckedMembers: members))
    }

    /// FNV-1a over a key's UTF-8: comparing these first keeps the repeated-key check cheap.
    @inline(__always)
    private static func keyHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The stack position of `key` among the members of the object that starts at `base`.
    @inline(__always)
    private func firstIndex(of key: String, hash: UInt64, from base: Int) -> Int? {
        for index in base..<memberStack.count where memberStack[index].hash == hash && memberStack[index].member.key == key {
            return index
        }
        return nil
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
            if position < bytes.count && bytes[position] == UInt8(ascii: "I") {
                try expectLiteral("Infinity")
                return .double(-.infinity)
            }
        }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw JSONParseError(.invalidNumber, at: start, "expecting a digit after '-'")
        }
        let integerStart = position
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count && isDigit(bytes[position]) { position += 1 }
        }
        let integerEnd = position
        var isFloat = false
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            let dot = position
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw JSONParseError(.invalidNumber, at: dot, "expecting a digit after the decimal point")
            }
            while position < bytes.count && isDigit(bytes[position]) { position += 1 }
            isFloat = true
        }
        if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
            // Python's grammar: an exponent needs digits; "1e" leaves "e" as extra data.
            var probe = position + 1
            if probe < bytes.count && (bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-")) {
                probe += 1
            }
            if probe < bytes.count && isDigit(bytes[probe]) {
                position = probe
                while position < bytes.count && isDigit(bytes[position]) { position += 1 }
                isFloat = true
            }
        }
        if isFloat {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let value = Double(text) else {
                throw JSONParseError(.invalidNumber, at: start, "cannot read \(text) as a float")
            }
            return .double(value)
        }
        // Integers: accumulate into Int64, falling back to exact digits on overflow.
        var value: Int64 = 0
        var overflow = false
        for index in integerStart..<integerEnd {
            let digit = Int64(bytes[index] &- UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative
                ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            if o1 || o2 {
                overflow = true
                break
            }
            value = next
        }
        if overflow {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<integerEnd]), as: UTF8.self)
            return .bigInt(text)
        }
        return .int(value)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    // MARK: Strings

    private mutating func parseString(hashing: Bool = false) throws(JSONParseError) -> String {
        let open = position
        position += 1  // opening quote
        let start = position
        var asciiOnly = true
        // Fast path: no escapes, so the string is the bytes between the quotes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if hashing { lastStringHash = Self.keyHash(slice) }
                if asciiOnly { return String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw JSONParseError(.invalidUTF8, at: start + firstInvalidUTF8(slice), "string is not valid UTF-8")
                }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 {
                throw JSONParseError(.controlCharacterInString, at: position, "raw control character 0x\(hex2(byte)) in a string (escape it)")
            }
            if byte >= 0x80 { asciiOnly = false }
            position += 1
        }
        guard position < bytes.count else {
            throw JSONParseError(.unexpectedEnd, at: open, "unterminated string")
        }
        // Slow path: copy what we have, then decode escapes.
        var buffer: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                if hashing { lastStringHash = buffer.withUnsafeBufferPointer { Self.keyHash($0) } }
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    throw JSONParseError(.invalidUTF8, at: start, "string is not valid UTF-8")
                }
                return text
            }
            if byte < 0x20 {
                throw JSONParseError(.controlCharacterInString, at: position, "raw control character 0x\(hex2(byte)) in a string (escape it)")
            }
            if byte != UInt8(ascii: "\\") {
                buffer.append(byte)
                position += 1
                continue
            }
            let escapeAt = position
            position += 1
            guard position < bytes.count else { break }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4(escapeAt: escapeAt)
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate pairs with a following \uDC00-\uDFFF escape.
                    if bytes.count - position >= 6 && bytes[position] == UInt8(ascii: "\\")
                        && bytes[position + 1] == UInt8(ascii: "u")
                    {
                        let save = position
                        position += 2
                        let low = try readHex4(escapeAt: save)
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                        }
                    }
                }
                // A lone surrogate cannot live in a Swift String: it becomes U+FFFD.
                let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                buffer.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [0xEF, 0xBF, 0xBD])
            default:
                throw JSONParseError(.invalidEscape, at: escapeAt, "invalid escape \\\(printable(escaped)) in a string")
            }
        }
        throw JSONParseError(.unexpectedEnd, at: open, "unterminated string")
    }

    private mutating func readHex4(escapeAt: Int) throws(JSONParseError) -> UInt32 {
        guard bytes.count - position >= 4 else {
            throw JSONParseError(.invalidEscape, at: escapeAt, "\\u needs four hex digits")
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONParseError(.invalidEscape, at: escapeAt, "\\u needs four hex digits")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    // MARK: Helpers

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The offset of the first byte that starts an invalid UTF-8 sequence in `slice`.
    private func firstInvalidUTF8(_ slice: UnsafeBufferPointer<UInt8>) -> Int {
        var index = 0
        while index < slice.count {
            let lead = slice[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let continuation: Int
            var scalar: UInt32
            let minimum: UInt32
            switch lead {
            case 0xC2...0xDF: continuation = 1; scalar = UInt32(lead & 0x1F); minimum = 0x80
            case 0xE0...0xEF: continuation = 2; scalar = UInt32(lead & 0x0F); minimum = 0x800
            case 0xF0...0xF4: continuation = 3; scalar = UInt32(lead & 0x07); minimum = 0x10000
            default: return index
            }
            guard index + continuation < slice.count else { return index }
            for step in 1...continuation {
                let byte = slice[index + step]
                guard byte & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(byte & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            index += continuation + 1
        }
        return slice.count
    }

    private func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the text" }
        return "'\(printable(bytes[offset]))'"
    }

    private func printable(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return String(UnicodeScalar(byte)) }
        return "0x" + hex2(byte)
    }

    private func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }
}
