/// A filter query that cannot be read: what is wrong and where (0-based column of the query
/// text, and how many characters to underline).
public struct QuerySyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var column: Int
    public var length: Int
    public var message: String

    public init(column: Int, length: Int, message: String) {
        self.column = column
        self.length = max(1, length)
        self.message = message
    }

    public var description: String { "column \(column + 1): \(message)" }
}

extension TaskQuery {
    /// The keys a term may use.
    public static let keys = ["state", "name", "worker", "queue", "args", "kwargs", "since"]

    /// Parses a query. Words are separated by spaces; `"..."` quotes a value with spaces.
    public static func parse(_ text: String) throws(QuerySyntaxError) -> TaskQuery {
        var query = TaskQuery()
        for token in try tokens(text) {
            guard let colon = token.text.firstIndex(of: ":") else {
                query.words.append(token.text)
                continue
            }
            let key = String(token.text[..<colon])
            let value = String(token.text[token.text.index(after: colon)...])
            let keyLength = key.count
            let valueColumn = token.column + keyLength + 1
            guard keys.contains(key) else {
                throw QuerySyntaxError(column: token.column, length: keyLength,
                                       message: "unknown key \"\(key)\" (use \(keys.joined(separator: ", ")))")
            }
            guard !value.isEmpty else {
                throw QuerySyntaxError(column: token.column, length: keyLength + 1, message: "\(key): needs a value")
            }
            switch key {
            case "state":
                let parts = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                var column = valueColumn
                for part in parts {
                    guard let phase = TaskPhase(name: part) else {
                        let known = TaskPhase.allCases.map { $0.celeryName.lowercased() }.joined(separator: ", ")
                        throw QuerySyntaxError(column: column, length: part.count,
                                               message: "unknown state \"\(part)\" (use \(known))")
                    }
                    query.states.insert(phase)
                    column += part.count + 1
                }
            case "name": query.names.append(value)
            case "worker": query.workers.append(value)
            case "queue": query.queues.append(value)
            case "args": query.args.append(value)
            case "kwargs":
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex,
                      value.index(after: equals) != value.endIndex else {
                    throw QuerySyntaxError(column: valueColumn, length: value.count, message: "kwargs: wants key=value")
                }
                query.kwargs.append((key: String(value[..<equals]), value: String(value[value.index(after: equals)...])))
            case "since":
                guard let seconds = parseDuration(value) else {
                    throw QuerySyntaxError(column: valueColumn, length: value.count,
                                           message: "since: wants a duration such as 30s, 10m, 2h or 1d")
                }
                query.since = seconds
            default: break
            }
        }
        return query
    }

    /// `30s`, `10m`, `2h`, `1d` or plain seconds.
    public static func parseDuration(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let last = text.last, let unit = units[last] {
            guard let number = Double(text.dropLast()), number >= 0, number.isFinite else { return nil }
            return number * unit
        }
        guard let number = Double(text), number >= 0, number.isFinite else { return nil }
        return number
    }

    /// Splits at spaces, keeping `"quoted values"` whole; a token remembers its column.
    static func tokens(_ text: String) throws(QuerySyntaxError) -> [(text: String, column: Int)] {
        var result: [(String, Int)] = []
        var current = ""
        var start = 0
        var quoteStart: Int?
        for (column, character) in text.enumerated() {
            if character == "\"" {
                if quoteStart == nil {
                    quoteStart = column
                    if current.isEmpty { start = column }
                } else {
                    quoteStart = nil
                }
                continue
            }
            if character == " ", quoteStart == nil {
                if !current.isEmpty { result.append((current, start)) }
                current = ""
                continue
            }
            if current.isEmpty, quoteStart == nil { start = column }
            current.append(character)
        }
        if let quoteStart { throw QuerySyntaxError(column: quoteStart, length: 1, message: "unclosed quote") }
        if !current.isEmpty { result.append((current, start)) }
        return result
    }
}
