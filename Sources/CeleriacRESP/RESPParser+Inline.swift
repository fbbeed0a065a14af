/// Inline commands: a line of space-separated words, as typed into telnet or sent by
/// `redis-cli` in its inline form. Quoting follows Redis's `sdssplitargs`.
extension Cursor {
    /// Parses one inline command. An empty line yields an empty array, which the parser skips.
    mutating func inlineCommand() throws(RESPParseError) -> RESPValue? {
        let start = index
        var position = start
        while position < bytes.count, bytes[position] != 10 {
            position += 1
            if position - start > limits.maxLineLength { throw RESPParseError(.lineTooLong, at: start) }
        }
        guard position < bytes.count else {
            if position - start > limits.maxLineLength { throw RESPParseError(.lineTooLong, at: start) }
            return nil
        }
        var end = position
        if end > start, bytes[end - 1] == 13 { end -= 1 }
        index = position + 1
        let words = try splitArguments(start..<end)
        emptyInline = words.isEmpty
        return .array(words.map { .bulkString($0) })
    }

    /// Splits a line into arguments: bare words, "double quoted" with backslash escapes
    /// (`\n \r \t \b \a \\ \" \xHH`), and 'single quoted' with only `\'` escaped.
    func splitArguments(_ range: Range<Int>) throws(RESPParseError) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var position = range.lowerBound
        let end = range.upperBound
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 || byte == 11 || byte == 12 }
        while true {
            while position < end, isSpace(bytes[position]) { position += 1 }
            guard position < end else { return words }
            var word: [UInt8] = []
            var inDouble = false
            var inSingle = false
            var done = false
            while !done {
                if inDouble {
                    guard position < end else { throw RESPParseError(.unbalancedQuotes, at: position) }
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "\\"), position + 3 < end, bytes[position + 1] == UInt8(ascii: "x"),
                        let high = hexValue(bytes[position + 2]), let low = hexValue(bytes[position + 3])
                    {
                        word.append(high << 4 | low)
                        position += 3
                    } else if byte == UInt8(ascii: "\\"), position + 1 < end {
                        position += 1
                        switch bytes[position] {
                        case UInt8(ascii: "n"): word.append(10)
                        case UInt8(ascii: "r"): word.append(13)
                        case UInt8(ascii: "t"): word.append(9)
                        case UInt8(ascii: "b"): word.append(8)
                        case UInt8(ascii: "a"): word.append(7)
                        default: word.append(bytes[position])
                        }
                    } else if byte == UInt8(ascii: "\"") {
                        // The closing quote must be followed by a space or the end.
                        if position + 1 < end, !isSpace(bytes[position + 1]) {
                            throw RESPParseError(.unbalancedQuotes, at: position + 1)
                        }
                        done = true
                    } else {
                        word.append(byte)
                    }
                } else if inSingle {
                    guard position < end else { throw RESPParseError(.unbalancedQuotes, at: position) }
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "\\"), position + 1 < end, bytes[position + 1] == UInt8(ascii: "'") {
                        position += 1
                        word.append(UInt8(ascii: "'"))
                    } else if byte == UInt8(ascii: "'") {
                        if position + 1 < end, !isSpace(bytes[position + 1]) {
                            throw RESPParseError(.unbalancedQuotes, at: position + 1)
                        }
                        done = true
                    } else {
                        word.append(byte)
                    }
                } else {
                    guard position < end else { break }
                    let byte = bytes[position]
                    switch byte {
                    case 32, 9, 10, 13, 11, 12: done = true
                    case UInt8(ascii: "\""): inDouble = true
                    case UInt8(ascii: "'"): inSingle = true
                    default: word.append(byte)
                    }
                    if done { break }
                }
                position += 1
            }
            words.append(word)
        }
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - 55
        default: return nil
        }
    }
}
