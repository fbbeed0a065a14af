extension CeleryDateTime {
    /// Parses what Python's `datetime.fromisoformat` reads in practice:
    /// `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM[:SS[.f…]]`, then optionally
    /// `Z` or `±HH:MM[:SS]`. Fractions of 1–6 digits are accepted (longer ones are cut to 6).
    public static func parse(_ text: String, field: String = "datetime") throws(ProtocolError) -> CeleryDateTime {
        var scanner = DateScanner(bytes: Array(text.utf8))
        func fail(_ why: String) -> ProtocolError {
            ProtocolError(.invalidValue, field: field, "'\(text)' is not an ISO-8601 datetime: \(why)")
        }
        guard let year = scanner.digits(4), scanner.expect("-"), let month = scanner.digits(2),
              scanner.expect("-"), let day = scanner.digits(2)
        else { throw fail("expected YYYY-MM-DD") }
        guard (1...12).contains(month), year >= 1, (1...daysInMonth(year, month)).contains(day) else {
            throw fail("no such date")
        }
        var result = CeleryDateTime(year: year, month: month, day: day, utcOffsetSeconds: nil)
        if scanner.atEnd { return result }
        guard scanner.expect("T") || scanner.expect(" ") else { throw fail("expected 'T' after the date") }
        guard let hour = scanner.digits(2), scanner.expect(":"), let minute = scanner.digits(2) else {
            throw fail("expected HH:MM")
        }
        result.hour = hour
        result.minute = minute
        if scanner.expect(":") {
            guard let second = scanner.digits(2) else { throw fail("expected seconds") }
            result.second = second
            if scanner.expect(".") || scanner.expect(",") {
                var micro = 0
                var count = 0
                while let digit = scanner.digit() {
                    if count < 6 { micro = micro * 10 + digit }
                    count += 1
                }
                guard count > 0 else { throw fail("expected digits after the decimal point") }
                for _ in count..<max(count, 6) { micro *= 10 }
                result.microsecond = micro
            }
        }
        guard hour < 24, minute < 60, result.second < 60 else { throw fail("time out of range") }
        if scanner.atEnd { return result }
        if scanner.expect("Z") {
            result.utcOffsetSeconds = 0
        } else {
            let negative: Bool
            if scanner.expect("+") {
                negative = false
            } else if scanner.expect("-") {
                negative = true
            } else {
                throw fail("expected a UTC offset")
            }
            guard let offsetHours = scanner.digits(2), scanner.expect(":"), let offsetMinutes = scanner.digits(2) else {
                throw fail("expected a UTC offset as ±HH:MM")
            }
            var offset = offsetHours * 3600 + offsetMinutes * 60
            if scanner.expect(":") {
                guard let offsetSeconds = scanner.digits(2) else { throw fail("expected offset seconds") }
                offset += offsetSeconds
            }
            guard offset < 86_400 else { throw fail("UTC offset out of range") }
            result.utcOffsetSeconds = negative ? -offset : offset
        }
        guard scanner.atEnd else { throw fail("unexpected text after the datetime") }
        return result
    }
}

/// A minimal cursor over ASCII bytes for the datetime parser.
private struct DateScanner {
    let bytes: [UInt8]
    var position = 0

    var atEnd: Bool { position >= bytes.count }

    mutating func expect(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func digit() -> Int? {
        guard position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 else { return nil }
        defer { position += 1 }
        return Int(bytes[position] - UInt8(ascii: "0"))
    }

    mutating func digits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let next = digit() else { return nil }
            value = value * 10 + next
        }
        return value
    }
}
