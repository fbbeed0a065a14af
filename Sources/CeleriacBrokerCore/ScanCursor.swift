/// Cursors for SCAN, HSCAN and SSCAN.
///
/// A cursor is a position in a fixed order: the 63-bit FNV-1a hash of each element. The order
/// does not depend on insertions or deletions, so every element present for the whole scan is
/// returned (Redis's guarantee), and elements with equal hashes are always returned together
/// so none is skipped at a page boundary. Each call sorts the candidates: O(n log n) per page,
/// fine for the occasional administrative scan.
enum ScanCursor {
    static func parse(_ argument: [UInt8]) throws(CommandError) -> UInt64 {
        guard !argument.isEmpty, argument.count <= 20, argument.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = UInt64(String(decoding: argument, as: UTF8.self))
        else { throw CommandError("ERR invalid cursor") }
        return value
    }

    /// Stable 63-bit hash, never 0 (0 is the start/end cursor).
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01B3
        }
        return max(1, value >> 1)
    }

    /// The elements with hash ≥ `cursor`, at least `count` of them, and the next cursor
    /// (0 when done).
    static func page(_ elements: [[UInt8]], after cursor: UInt64, count: Int) -> (items: [[UInt8]], next: UInt64) {
        let hashed = elements.map { (hash($0), $0) }.filter { $0.0 >= cursor }.sorted { $0.0 < $1.0 }
        var items: [[UInt8]] = []
        var index = 0
        while index < hashed.count {
            if items.count >= count && hashed[index].0 != hashed[index - 1].0 { break }
            items.append(hashed[index].1)
            index += 1
        }
        return (items, index < hashed.count ? hashed[index].0 : 0)
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
