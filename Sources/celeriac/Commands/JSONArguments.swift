import ArgumentParser
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Parsing of JSON and time options shared by the verbs.
enum JSONArguments {
    /// `--args`: a JSON array.
    static func array(_ text: String?, option: String) throws -> [JSONValue] {
        guard let text else { return [] }
        let value = try parse(text, option: option)
        guard case .array(let items) = value else {
            throw usageError("\(option) must be a JSON array, got \(value.kindName): \(text)")
        }
        return items
    }

    /// `--kwargs`: a JSON object.
    static func object(_ text: String?, option: String) throws -> JSONObject {
        guard let text else { return JSONObject() }
        let value = try parse(text, option: option)
        guard case .object(let object) = value else {
            throw usageError("\(option) must be a JSON object, got \(value.kindName): \(text)")
        }
        return object
    }

    static func parse(_ text: String, option: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw usageError("\(option) is not valid JSON: \(error)")
        }
    }

    /// An ISO-8601 date (a naive one is taken as UTC, as Celery does with `utc=True`).
    static func date(_ text: String, option: String) throws -> Date {
        do {
            return try CeleryDateTime.parse(text, field: option).date
        } catch {
            throw usageError("\(option) must be an ISO-8601 date such as 2030-01-02T03:04:05+00:00: \(text)")
        }
    }

    /// Seconds as a non-negative finite number.
    static func seconds(_ text: String, option: String) throws -> Double {
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw usageError("\(option) must be a number of seconds: \(text)")
        }
        return value
    }
}

/// JSON laid out like Python's `json.dumps(value, indent=4)` for human output.
enum PrettyJSON {
    static func render(_ value: JSONValue, indent: Int = 4, level: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent * (level + 1))
        let close = String(repeating: " ", count: indent * level)
        switch value {
        case .array(let items) where !items.isEmpty:
            return "[\n" + items.map { pad + render($0, indent: indent, level: level + 1) }.joined(separator: ",\n") + "\n" + close + "]"
        case .object(let object) where !object.isEmpty:
            return "{\n" + object.members.map { member in
                pad + JSONWriter.string(.string(member.key)) + ": " + render(member.value, indent: indent, level: level + 1)
            }.joined(separator: ",\n") + "\n" + close + "}"
        default:
            return JSONWriter.string(value)
        }
    }

    /// Every line indented by `spaces`.
    static func indented(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }
}
