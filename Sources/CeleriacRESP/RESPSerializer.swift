import NIOCore

extension ByteBuffer {
    /// Writes `value` as the given protocol version would carry it. RESP3-only types are
    /// downgraded for RESP2 the way Redis does: maps flatten to arrays, sets and pushes become
    /// arrays, doubles and big numbers become bulk strings, booleans become integers, and an
    /// attribute is left out so only the value it annotates is written.
    public mutating func writeRESP(_ value: RESPValue, version: RESPVersion = .v3) {
        switch value {
        case .simpleString(let text):
            writeInteger(RESPTypeIdentifier.simpleString.rawValue)
            writeLineText(text)
        case .simpleError(let text):
            writeInteger(RESPTypeIdentifier.simpleError.rawValue)
            writeLineText(text)
        case .integer(let number):
            writeInteger(RESPTypeIdentifier.integer.rawValue)
            writeDecimal(number)
            writeCRLF()
        case .bulkString(let bytes):
            writeBulk(bytes)
        case .null:
            if version == .v3 { writeStaticString("_\r\n") } else { writeStaticString("$-1\r\n") }
        case .array(let items):
            writeHeader(.array, items.count)
            for item in items { writeRESP(item, version: version) }
        case .set(let items):
            writeHeader(version == .v3 ? .set : .array, items.count)
            for item in items { writeRESP(item, version: version) }
        case .push(let items):
            writeHeader(version == .v3 ? .push : .array, items.count)
            for item in items { writeRESP(item, version: version) }
        case .map(let pairs):
            if version == .v3 { writeHeader(.map, pairs.count) } else { writeHeader(.array, pairs.count * 2) }
            for pair in pairs {
                writeRESP(pair.key, version: version)
                writeRESP(pair.value, version: version)
            }
        case .double(let number):
            if version == .v3 {
                writeInteger(RESPTypeIdentifier.double.rawValue)
                writeString(RESPDouble.format(number))
                writeCRLF()
            } else {
                writeBulk(Array(RESPDouble.format(number).utf8))
            }
        case .boolean(let flag):
            if version == .v3 { writeStaticString(flag ? "#t\r\n" : "#f\r\n") } else { writeStaticString(flag ? ":1\r\n" : ":0\r\n") }
        case .bigNumber(let text):
            if version == .v3 {
                writeInteger(RESPTypeIdentifier.bigNumber.rawValue)
                writeLineText(text)
            } else {
                writeBulk(Array(text.utf8))
            }
        case .verbatimString(let format, let text):
            if version == .v3 {
                let formatBytes = Array(format.utf8.prefix(3)) + Array(repeating: UInt8(ascii: " "), count: max(0, 3 - format.utf8.count))
                writeInteger(RESPTypeIdentifier.verbatimString.rawValue)
                writeDecimal(Int64(text.count + 4))
                writeCRLF()
                writeBytes(formatBytes)
                writeInteger(UInt8(ascii: ":"))
                writeBytes(text)
                writeCRLF()
            } else {
                writeBulk(text)
            }
        case .bulkError(let text):
            if version == .v3 {
                let bytes = Array(text.utf8)
                writeInteger(RESPTypeIdentifier.bulkError.rawValue)
                writeDecimal(Int64(bytes.count))
                writeCRLF()
                writeBytes(bytes)
                writeCRLF()
            } else {
                writeInteger(RESPTypeIdentifier.simpleError.rawValue)
                writeLineText(text)
            }
        case .attribute(let pairs, let annotated):
            if version == .v3 {
                writeHeader(.attribute, pairs.count)
                for pair in pairs {
                    writeRESP(pair.key, version: version)
                    writeRESP(pair.value, version: version)
                }
            }
            writeRESP(annotated, version: version)
        }
    }

    /// Writes a command as an array of bulk strings, the form every client sends.
    public mutating func writeRESPCommand(_ arguments: [[UInt8]]) {
        writeHeader(.array, arguments.count)
        for argument in arguments { writeBulk(argument) }
    }

    /// Writes a command whose arguments are text.
    public mutating func writeRESPCommand(_ arguments: [String]) {
        writeHeader(.array, arguments.count)
        for argument in arguments {
            writeInteger(RESPTypeIdentifier.bulkString.rawValue)
            writeDecimal(Int64(argument.utf8.count))
            writeCRLF()
            writeString(argument)
            writeCRLF()
        }
    }

    /// `$<len>\r\n<bytes>\r\n`.
    public mutating func writeBulk(_ bytes: [UInt8]) {
        writeInteger(RESPTypeIdentifier.bulkString.rawValue)
        writeDecimal(Int64(bytes.count))
        writeCRLF()
        writeBytes(bytes)
        writeCRLF()
    }

    /// Writes an aggregate header such as `*3\r\n`.
    public mutating func writeHeader(_ type: RESPTypeIdentifier, _ count: Int) {
        writeInteger(type.rawValue)
        writeDecimal(Int64(count))
        writeCRLF()
    }

    /// Writes a decimal number without going through `String`.
    public mutating func writeDecimal(_ number: Int64) {
        if number >= 0 && number < 10 {
            writeInteger(UInt8(48 + number))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 bytes
        var magnitude = number.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - count] = UInt8(48 + magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            if number < 0 {
                raw[23 - count] = UInt8(ascii: "-")
                count += 1
            }
            writeBytes(UnsafeRawBufferPointer(rebasing: raw[(24 - count)...]))
        }
    }

    mutating func writeCRLF() {
        writeInteger(UInt16(0x0D0A), endianness: .big)
    }

    /// Status and error lines cannot hold CR or LF; Redis replaces them with spaces.
    mutating func writeLineText(_ text: String) {
        if text.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            writeBytes(text.utf8.map { $0 == 13 || $0 == 10 ? UInt8(ascii: " ") : $0 })
        } else {
            writeString(text)
        }
        writeCRLF()
    }
}

extension RESPValue {
    /// The value encoded as bytes.
    public func encoded(version: RESPVersion = .v3) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeRESP(self, version: version)
        return Array(buffer.readableBytesView)
    }
}
