import CeleriacProtocol

/// Pretty-printed JSON as styled `TextPane` lines (keys, strings, numbers, literals and
/// punctuation in their roles), indented by two spaces.
public enum PrettyJSON {
    public static func lines(_ value: JSONValue) -> [TextPane.Line] {
        var lines: [TextPane.Line] = []
        var current: [TextPane.Span] = []
        func emit(_ text: String, _ role: Role) { current.append(TextPane.Span(text, role: role)) }
        func newline(_ indent: Int) {
            lines.append(TextPane.Line(spans: current))
            current = [TextPane.Span(String(repeating: " ", count: indent * 2), role: .text)]
        }
        func write(_ value: JSONValue, _ indent: Int) {
            switch value {
            case .null: emit("null", .jsonLiteral)
            case .bool(let b): emit(b ? "true" : "false", .jsonLiteral)
            case .int, .bigInt, .double: emit(JSONWriter.string(value), .jsonNumber)
            case .string: emit(JSONWriter.string(value), .jsonString)
            case .array(let items):
                guard !items.isEmpty else { return emit("[]", .jsonPunctuation) }
                emit("[", .jsonPunctuation)
                for (i, item) in items.enumerated() {
                    newline(indent + 1)
                    write(item, indent + 1)
                    if i < items.count - 1 { emit(",", .jsonPunctuation) }
                }
                newline(indent)
                emit("]", .jsonPunctuation)
            case .object(let object):
                guard !object.isEmpty else { return emit("{}", .jsonPunctuation) }
                emit("{", .jsonPunctuation)
                for (i, member) in object.members.enumerated() {
                    newline(indent + 1)
                    emit(JSONWriter.string(.string(member.key)), .jsonKey)
                    emit(": ", .jsonPunctuation)
                    write(member.value, indent + 1)
                    if i < object.count - 1 { emit(",", .jsonPunctuation) }
                }
                newline(indent)
                emit("}", .jsonPunctuation)
            }
        }
        write(value, 0)
        lines.append(TextPane.Line(spans: current))
        return lines
    }
}
