import CeleriacProtocol
import CeleriacTestSupport
import Foundation

/// Access to the captured Celery 5.7 traffic in `shared/fixtures/celery-5.7`.
enum Fixtures {
    static var directory: URL { ProjectPaths.celeryFixtures }

    /// Every `.json` fixture file name, sorted.
    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
    }

    /// A fixture file parsed with our own parser.
    static func load(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONParser.parse([UInt8](data))
    }

    /// The raw wire strings of a fixture: every string outside the human-oriented members
    /// (`decoded`, `scenario`, `captured`, `note`), which are pretty-printed or prose.
    static func rawStrings(_ value: JSONValue) -> [String] {
        var out: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .string(let text): out.append(text)
            case .array(let items): items.forEach(walk)
            case .object(let object):
                for member in object.members where !["decoded", "scenario", "captured", "note"].contains(member.key) {
                    walk(member.value)
                }
            default: break
            }
        }
        walk(value)
        return out
    }

    /// Every raw wire string of every fixture, with the file it came from.
    static func allRawStrings() throws -> [(file: String, text: String)] {
        var out: [(String, String)] = []
        for name in try names() {
            for text in rawStrings(try load(name)) { out.append((name, text)) }
        }
        return out
    }

    /// Raw strings that are kombu envelopes.
    static func envelopes() throws -> [(file: String, text: String)] {
        try allRawStrings().filter { $0.text.hasPrefix(#"{"body": "#) }
    }

    /// The last argument of a single-command fixture (`command`), as raw bytes.
    static func commandValue(_ name: String) throws -> String {
        let value = try load(name)
        guard let command = value["command"]?.arrayValue, let last = command.last?.stringValue else {
            throw FixtureError(message: "\(name) has no command")
        }
        return last
    }
}

struct FixtureError: Error {
    let message: String
}
