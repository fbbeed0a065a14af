/// Cursors for SCAN, HSCAN and SSCAN: a slot position in a ``SlottedTable`` (0 starts a
/// scan, and a reply's cursor 0 ends it).
enum ScanCursor {
    static func parse(_ argument: [UInt8]) throws(CommandError) -> UInt64 {
        guard !argument.isEmpty, argument.count <= 20, argument.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = UInt64(String(decoding: argument, as: UTF8.self))
        else { throw CommandError("ERR invalid cursor") }
        return value
    }
}

/// MATCH / COUNT / TYPE options of the SCAN family.
struct ScanOptions {
    var pattern: [UInt8]?
    var count = 10
    var type: String?

    static func parse(_ args: [[UInt8]], from start: Int, allowType: Bool) throws(CommandError) -> ScanOptions {
        var options = ScanOptions()
        var index = start
        while index < args.count {
            guard index + 1 < args.count else { throw CommandError.syntax }
            let value = args[index + 1]
            if ArgumentParsing.matches(args[index], "count") {
                let count = try ArgumentParsing.requireInteger(value)
                guard count >= 1 else { throw CommandError.syntax }
                options.count = Int(min(count, 1_000_000))
            } else if ArgumentParsing.matches(args[index], "match") {
                options.pattern = value == [UInt8(ascii: "*")] ? nil : value
            } else if allowType, ArgumentParsing.matches(args[index], "type") {
                options.type = ArgumentParsing.lowercased(value)
            } else {
                throw CommandError.syntax
            }
            index += 2
        }
        return options
    }
}
