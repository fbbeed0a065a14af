import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds the line of a key in TOML source text. TOMLKit reports lines only for syntax errors,
/// so semantic errors (an unknown role, a bad colour) locate their key with this small scanner
/// of table headers and `key =` lines. It understands `[table]` headers, dotted and quoted keys
/// and inline tables (a key inside `x = { ... }` is reported on the line of `x`).
struct TOMLLineLocator {
    private struct Entry {
        var path: [String]
        var line: Int
    }

    private var entries: [Entry] = []

    init(_ source: String) {
        var section: [String] = []
        var number = 0
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = TOMLLineLocator.stripComment(String(raw)).trimmingWhitespace()
            if line.hasPrefix("[[") { continue }
            if line.hasPrefix("["), let close = line.lastIndex(of: "]") {
                section = TOMLLineLocator.keyPath(String(line[line.index(after: line.startIndex)..<close]))
                entries.append(Entry(path: section, line: number))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = TOMLLineLocator.keyPath(String(line[..<equals]))
            guard !key.isEmpty else { continue }
            entries.append(Entry(path: section + key, line: number))
        }
    }

    /// The line of `path` or, when the key itself is inside an inline table, of the nearest
    /// enclosing key. Nil when nothing matches.
    func line(of path: [String]) -> Int? {
        var best: Entry?
        for entry in entries where entry.path.count <= path.count && Array(path.prefix(entry.path.count)) == entry.path {
            if best == nil || entry.path.count > (best?.path.count ?? 0) { best = entry }
        }
        return best?.line
    }

    private static func stripComment(_ line: String) -> String {
        var inString: Character?
        var result = ""
        for character in line {
            if let quote = inString {
                if character == quote { inString = nil }
            } else if character == "\"" || character == "'" {
                inString = character
            } else if character == "#" {
                break
            }
            result.append(character)
        }
        return result
    }

    private static func keyPath(_ text: String) -> [String] {
        text.split(separator: ".").map {
            String($0.trimmingWhitespace().drop { $0 == "\"" || $0 == "'" }.reversed().drop { $0 == "\"" || $0 == "'" }.reversed())
        }.filter { !$0.isEmpty }
    }
}
