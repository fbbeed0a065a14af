/// Standard, padded base64 (RFC 4648 §4), as Python's `base64.b64encode` writes it.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0xFF marks bytes outside the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// The base64 text of `bytes`, appended to `out` as ASCII bytes.
    public static func encode(_ bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { encode(buffer: $0, into: &out) }
        if done == nil {
            Array(bytes).withUnsafeBufferPointer { encode(buffer: $0, into: &out) }
        }
    }

    /// The base64 text of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func encode(buffer: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let count = buffer.count
        guard count > 0 else { return }
        let base = out.count
        let produced = (count + 2) / 3 * 4
        // Sized once and filled through a pointer: appending byte by byte checked capacity
        // and uniqueness four times per three bytes (a large part of publishing event batches).
        out.append(contentsOf: repeatElement(0, count: produced))
        out.withUnsafeMutableBufferPointer { whole in
            guard let target = whole.baseAddress?.advanced(by: base) else { return }
            alphabet.withUnsafeBufferPointer { table in
                var index = 0
                var at = 0
                while index + 3 <= count {
                    let chunk = UInt32(buffer[index]) << 16 | UInt32(buffer[index + 1]) << 8 | UInt32(buffer[index + 2])
                    target[at] = table[Int(chunk >> 18 & 0x3F)]
                    target[at + 1] = table[Int(chunk >> 12 & 0x3F)]
                    target[at + 2] = table[Int(chunk >> 6 & 0x3F)]
                    target[at + 3] = table[Int(chunk & 0x3F)]
                    index += 3
                    at += 4
                }
                let rest = count - index
                if rest > 0 {
                    let second = rest == 2 ? UInt32(buffer[index + 1]) : 0
                    let chunk = UInt32(buffer[index]) << 16 | second << 8
                    target[at] = table[Int(chunk >> 18 & 0x3F)]
                    target[at + 1] = table[Int(chunk >> 12 & 0x3F)]
                    target[at + 2] = rest == 2 ? table[Int(chunk >> 6 & 0x3F)] : UInt8(ascii: "=")
                    target[at + 3] = UInt8(ascii: "=")
                }
            }
        }
    }

    /// Decodes padded standard base64; anything else (wrong length, characters outside the
    /// alphabet, misplaced padding) is an ``ProtocolError/Code/invalidBase64`` error naming the
    /// offset.
    public static func decode(_ text: some Collection<UInt8>) throws(ProtocolError) -> [UInt8] {
        let result: Result<[UInt8], ProtocolError>? = text.withContiguousStorageIfAvailable { decode(buffer: $0) }
        if let result { return try result.get() }
        return try Array(text).withUnsafeBufferPointer { decode(buffer: $0) }.get()
    }

    /// Decodes padded standard base64 from a string.
    public static func decode(_ text: String) throws(ProtocolError) -> [UInt8] {
        var text = text
        return try text.withUTF8 { decode(buffer: $0) }.get()
    }

    private static func invalid(_ offset: Int) -> Result<[UInt8], ProtocolError> {
        .failure(ProtocolError(.invalidBase64, field: "body", "invalid base64 character at offset \(offset)"))
    }

    private static func decode(buffer: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], ProtocolError> {
        let count = buffer.count
        guard count % 4 == 0 else {
            return .failure(ProtocolError(.invalidBase64, field: "body", "base64 length \(count) is not a multiple of 4"))
        }
        guard count > 0 else { return .success([]) }
        var out: [UInt8] = []
        out.reserveCapacity(count / 4 * 3)
        return decodeTable.withUnsafeBufferPointer { table in
            var index = 0
            // Every quad but the last has no padding.
            while index + 4 < count {
                let a = table[Int(buffer[index])], b = table[Int(buffer[index + 1])]
                let c = table[Int(buffer[index + 2])], d = table[Int(buffer[index + 3])]
                if (a | b | c | d) & 0x80 != 0 {
                    for step in 0..<4 where table[Int(buffer[index + step])] == 0xFF { return invalid(index + step) }
                }
                let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out.append(UInt8(truncatingIfNeeded: chunk >> 16))
                out.append(UInt8(truncatingIfNeeded: chunk >> 8))
                out.append(UInt8(truncatingIfNeeded: chunk))
                index += 4
            }
            // The last quad may end in "=" or "==".
            let padByte = UInt8(ascii: "=")
            let padding = buffer[index + 3] == padByte ? (buffer[index + 2] == padByte ? 2 : 1) : 0
            var chunk: UInt32 = 0
            for step in 0..<4 {
                if step >= 4 - padding {
                    chunk <<= 6
                    continue
                }
                let value = table[Int(buffer[index + step])]
                if value == 0xFF { return invalid(index + step) }
                chunk = chunk << 6 | UInt32(value)
            }
            out.append(UInt8(truncatingIfNeeded: chunk >> 16))
            if padding < 2 { out.append(UInt8(truncatingIfNeeded: chunk >> 8)) }
            if padding < 1 { out.append(UInt8(truncatingIfNeeded: chunk)) }
            return .success(out)
        }
    }
}
