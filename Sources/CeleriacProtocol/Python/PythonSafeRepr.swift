/// Celery's `celery.utils.saferepr.saferepr`, which Celery uses for the `argsrepr` and
/// `kwargsrepr` headers (with `maxlen` 1024 and `maxlevels` 3) and the `task-sent` event.
///
/// It differs from ``PythonRepr``: strings are always in single quotes with only `'` escaped
/// (newlines stay raw), each string or number longer than the remaining budget is cut at its
/// last space with `...`, containers past `maxlevels` show as `[...]`, and once the budget is
/// spent the output ends with `, ...` and the closing brackets of the open containers.
public struct PythonSafeRepr {
    /// The length budget Celery gives `argsrepr`/`kwargsrepr`.
    public static let celeryMaxLength = 1024
    /// Celery's default `task_repr_maxlevels`.
    public static let celeryMaxLevels = 3

    /// `saferepr(args_tuple, 1024, maxlevels=3)` as Celery computes `argsrepr`.
    public static func argsrepr(_ args: [JSONValue], maxLength: Int? = celeryMaxLength,
                                maxLevels: Int = celeryMaxLevels) -> String
    {
        PythonSafeRepr(maxLength: maxLength, maxLevels: maxLevels).render(.tuple(args))
    }

    /// `saferepr(kwargs_dict, 1024, maxlevels=3)` as Celery computes `kwargsrepr`.
    public static func kwargsrepr(_ kwargs: JSONObject, maxLength: Int? = celeryMaxLength,
                                  maxLevels: Int = celeryMaxLevels) -> String
    {
        PythonSafeRepr(maxLength: maxLength, maxLevels: maxLevels).render(.value(.object(kwargs)))
    }

    /// `saferepr(value, maxLength, maxlevels=maxLevels)` of a JSON value (arrays are lists).
    public static func saferepr(_ value: JSONValue, maxLength: Int? = nil, maxLevels: Int = celeryMaxLevels) -> String {
        PythonSafeRepr(maxLength: maxLength, maxLevels: maxLevels).render(.value(value))
    }

    /// The top-level thing being rendered: args are a Python tuple, everything else JSON.
    enum Root {
        case tuple([JSONValue])
        case value(JSONValue)
    }

    let maxLength: Int?
    let maxLevels: Int

    private enum Token {
        case open(String, closer: String)
        case close(String)
        case separator(String)
        case elided(String)
        case key(String)
        case quoted(String)
        case text(String)
    }

    /// A container being walked: its children as values, where we are, and how it closes.
    private struct Frame {
        enum Children {
            case elements([JSONValue])
            case members([JSONObject.Member])
        }

        let children: Children
        let closer: String
        var index = 0
        /// For objects: 0 = key next, 1 = ": " next, 2 = value next.
        var phase = 0
        var started = false

        var count: Int {
            switch children {
            case .elements(let elements): return elements.count
            case .members(let members): return members.count
            }
        }
    }

    private func render(_ root: Root) -> String {
        var output = ""
        var budget = maxLength
        var frames: [Frame] = []
        var level = 0
        var pendingValue: JSONValue?
        var pendingTuple: [JSONValue]?

        switch root {
        case .tuple(let values): pendingTuple = values
        case .value(let value): pendingValue = value
        }

        // Produces the next token, walking the structure without recursion.
        func nextToken() -> Token? {
            if let values = pendingTuple {
                pendingTuple = nil
                return container(.elements(values), opener: "(", closer: values.count == 1 ? ",)" : ")")
            }
            if let value = pendingValue {
                pendingValue = nil
                return valueToken(value)
            }
            while let last = frames.indices.last {
                var frame = frames[last]
                if !frame.started {
                    frame.started = true
                    frames[last] = frame
                    continue
                }
                if frame.index >= frame.count {
                    frames.removeLast()
                    return .close(frame.closer)
                }
                switch frame.children {
                case .elements(let elements):
                    if frame.phase == 1 {
                        frame.phase = 0
                        frames[last] = frame
                        return .separator(", ")
                    }
                    let element = elements[frame.index]
                    frame.index += 1
                    frame.phase = frame.index < frame.count ? 1 : 0
                    frames[last] = frame
                    return valueToken(element)
                case .members(let members):
                    let member = members[frame.index]
                    switch frame.phase {
                    case 0:
                        frame.phase = 1
                        frames[last] = frame
                        return .key(member.key)
                    case 1:
                        frame.phase = 2
                        frames[last] = frame
                        return .separator(": ")
                    case 2:
                        frame.phase = 3
                        frames[last] = frame
                        return valueToken(member.value)
                    default:
                        frame.index += 1
                        frame.phase = 0
                        frames[last] = frame
                        if frame.index < frame.count { return .separator(", ") }
                        continue
                    }
                }
            }
            return nil
        }

        func container(_ children: Frame.Children, opener: String, closer: String) -> Token {
            if maxLevels > 0 && level >= maxLevels {
                return .elided(opener + "..." + closer)
            }
            frames.append(Frame(children: children, closer: closer))
            return .open(opener, closer: closer)
        }

        func valueToken(_ value: JSONValue) -> Token {
            switch value {
            case .null: return .text("None")
            case .bool(let flag): return .text(flag ? "True" : "False")
            case .int(let number): return .text(String(number))
            case .bigInt(let digits): return .text(digits)
            case .double(let number): return .text(PythonFloat.repr(number))
            case .string(let text): return .quoted(text)
            case .array(let elements): return container(.elements(elements), opener: "[", closer: "]")
            case .object(let object): return container(.members(object.members), opener: "{", closer: "}")
            }
        }

        var openClosers: [String] = []
        while let token = nextToken() {
            if let remaining = budget, remaining <= 0 {
                if case .close(let closer) = token {
                    // The cut value was the last one in its container: just close it.
                    output += closer
                    _ = openClosers.popLast()
                    level -= 1
                    continue
                }
                // An opener that was cut never shows, so neither does its closer.
                output += ", ..."
                for closer in openClosers.reversed() { output += closer }
                return output
            }
            let piece: String
            switch token {
            case .open(let opener, let closer):
                piece = opener
                openClosers.append(closer)
                level += 1
            case .close(let closer):
                piece = closer
                _ = openClosers.popLast()
                level -= 1
            case .separator(let text), .elided(let text):
                piece = text
            case .key(let text), .quoted(let text):
                piece = Self.formatChars(text, budget)
            case .text(let text):
                piece = Self.truncate(text, budget)
            }
            output += piece
            if let remaining = budget { budget = remaining - piece.unicodeScalars.count }
        }
        return output
    }

    /// Celery's `_format_chars`: single quotes, only `'` escaped, the text truncated.
    static func formatChars(_ text: String, _ budget: Int?) -> String {
        var escaped = ""
        for scalar in truncate(text, budget).unicodeScalars {
            if scalar == "'" { escaped += "\\'" } else { escaped.unicodeScalars.append(scalar) }
        }
        return "'" + escaped + "'"
    }

    /// Celery's `truncate`: at `maxlen` characters or more, keep the first `maxlen`, cut back
    /// to the last space (if any), and add `...`.
    static func truncate(_ text: String, _ budget: Int?) -> String {
        guard let limit = budget, limit > 0 else { return text }
        let scalars = text.unicodeScalars
        guard scalars.count >= limit else { return text }
        var head = String(String.UnicodeScalarView(scalars.prefix(limit)))
        if let space = head.unicodeScalars.lastIndex(of: " ") {
            head = String(head.unicodeScalars[..<space])
        }
        return head + "..."
    }
}
