/// The regular-expression subset ``DestinationMatcher`` supports for `pcre` patterns,
/// compiled to a small tree and run by backtracking with a step budget (so a hostile pattern
/// ends with an error instead of hanging).
struct SimpleRegex {
    private indirect enum Node {
        case literal(Unicode.Scalar)
        case any
        case set(ranges: [ClosedRange<UInt32>], classes: [Character], negated: Bool)
        case start
        case end
        case sequence([Node])
        case alternation([Node])
        case repeated(Node, min: Int, max: Int?)
    }

    private static let maxPatternLength = 1024
    private static let maxSteps = 200_000

    private let root: Node
    private let pattern: String

    init(_ pattern: String) throws(ProtocolError) {
        self.pattern = pattern
        let scalars = Array(pattern.unicodeScalars)
        guard scalars.count <= Self.maxPatternLength else {
            throw ProtocolError(.invalidValue, field: "pattern", "pattern longer than \(Self.maxPatternLength) characters")
        }
        var parser = Parser(scalars: scalars, pattern: pattern)
        let node = try parser.parseAlternation(depth: 0)
        guard parser.index == scalars.count else {
            throw parser.error("unbalanced ')'")
        }
        root = node
    }

    /// Counts backtracking steps; a class so nested continuations share it without inout.
    private final class Budget {
        var steps = 0
        var exhausted = false

        func spend() -> Bool {
            steps += 1
            if steps > SimpleRegex.maxSteps { exhausted = true }
            return !exhausted
        }
    }

    /// Python's `re.match`: does the pattern match at the start of `text`?
    func matchesPrefix(of text: String) throws(ProtocolError) -> Bool {
        let scalars = Array(text.unicodeScalars)
        let budget = Budget()
        let result = match(root, scalars, 0, budget) { _ in true }
        if budget.exhausted {
            throw ProtocolError(.invalidValue, field: "pattern", "pattern '\(pattern)' needs too much backtracking")
        }
        return result
    }

    private func match(_ node: Node, _ text: [Unicode.Scalar], _ position: Int, _ budget: Budget,
                       _ next: (Int) -> Bool) -> Bool
    {
        guard budget.spend() else { return false }
        switch node {
        case .literal(let scalar):
            return position < text.count && text[position] == scalar && next(position + 1)
        case .any:
            return position < text.count && text[position] != "\n" && next(position + 1)
        case .set(let ranges, let classes, let negated):
            guard position < text.count else { return false }
            let scalar = text[position]
            var inSet = ranges.contains { $0.contains(scalar.value) }
            if !inSet { inSet = classes.contains { Self.inClass($0, scalar) } }
            return inSet != negated && next(position + 1)
        case .start:
            return position == 0 && next(position)
        case .end:
            let atEnd = position == text.count || (position == text.count - 1 && text[position] == "\n")
            return atEnd && next(position)
        case .sequence(let nodes):
            return matchSequence(nodes, 0, text, position, budget, next)
        case .alternation(let options):
            for option in options {
                if match(option, text, position, budget, next) { return true }
                if budget.exhausted { return false }
            }
            return false
        case .repeated(let inner, let min, let max):
            return matchRepeat(inner, min: min, max: max, count: 0, text, position, budget, next)
        }
    }

    private func matchSequence(_ nodes: [Node], _ index: Int, _ text: [Unicode.Scalar], _ position: Int,
                               _ budget: Budget, _ next: (Int) -> Bool) -> Bool
    {
        guard index < nodes.count else { return next(position) }
        return match(nodes[index], text, position, budget) { after in
            matchSequence(nodes, index + 1, text, after, budget, next)
        }
    }

    private func matchRepeat(_ inner: Node, min: Int, max: Int?, count: Int, _ text: [Unicode.Scalar], _ position: Int,
                             _ budget: Budget, _ next: (Int) -> Bool) -> Bool
    {
        // Greedy: try one more repetition first (never an empty one, to avoid looping).
        if max.map({ count < $0 }) ?? true {
            let more = match(inner, text, position, budget) { after in
                after > position && matchRepeat(inner, min: min, max: max, count: count + 1, text, after, budget, next)
            }
            if more { return true }
            if budget.exhausted { return false }
        }
        return count >= min && next(position)
    }

    private static func inClass(_ name: Character, _ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch name {
        case "d": return properties.numericType == .decimal
        case "D": return properties.numericType != .decimal
        case "w": return properties.isAlphabetic || properties.numericType != nil || scalar == "_"
        case "W": return !(properties.isAlphabetic || properties.numericType != nil || scalar == "_")
        case "s": return properties.isWhitespace
        case "S": return !properties.isWhitespace
        default: return false
        }
    }

    /// A recursive-descent parser for the supported syntax.
    private struct Parser {
        let scalars: [Unicode.Scalar]
        let pattern: String
        var index = 0

        init(scalars: [Unicode.Scalar], pattern: String) {
            self.scalars = scalars
            self.pattern = pattern
        }

        func error(_ why: String) -> ProtocolError {
            ProtocolError(.invalidValue, field: "pattern", "unsupported or invalid pcre pattern '\(pattern)': \(why)")
        }

        mutating func parseAlternation(depth: Int) throws(ProtocolError) -> Node {
            guard depth < 50 else { throw error("groups nested too deeply") }
            var options = [try parseSequence(depth: depth)]
            while index < scalars.count && scalars[index] == "|" {
                index += 1
                options.append(try parseSequence(depth: depth))
            }
            return options.count == 1 ? options[0] : .alternation(options)
        }

        mutating func parseSequence(depth: Int) throws(ProtocolError) -> Node {
            var nodes: [Node] = []
            while index < scalars.count && scalars[index] != "|" && scalars[index] != ")" {
                var atom = try parseAtom(depth: depth)
                atom = try parseQuantifier(atom)
                nodes.append(atom)
            }
            return .sequence(nodes)
        }

        mutating func parseAtom(depth: Int) throws(ProtocolError) -> Node {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case ".": return .any
            case "^": return .start
            case "$": return .end
            case "(":
                if index < scalars.count && scalars[index] == "?" {
                    guard index + 1 < scalars.count && scalars[index + 1] == ":" else {
                        throw error("only (?:…) groups are supported")
                    }
                    index += 2
                }
                let inner = try parseAlternation(depth: depth + 1)
                guard index < scalars.count && scalars[index] == ")" else { throw error("missing ')'") }
                index += 1
                return inner
            case "[": return try parseSet()
            case "\\": return try parseEscape(inSet: false)
            case "*", "+", "?", "{":
                if scalar == "{" && !looksLikeQuantifier(from: index - 1) { return .literal(scalar) }
                throw error("nothing to repeat at position \(index - 1)")
            default: return .literal(scalar)
            }
        }

        func looksLikeQuantifier(from start: Int) -> Bool {
            var position = start + 1
            var sawDigit = false
            while position < scalars.count, scalars[position].properties.numericType == .decimal, scalars[position].isASCII {
                sawDigit = true
                position += 1
            }
            guard sawDigit, position < scalars.count else { return false }
            if scalars[position] == "}" { return true }
            guard scalars[position] == "," else { return false }
            position += 1
            while position < scalars.count, scalars[position].properties.numericType == .decimal, scalars[position].isASCII {
                position += 1
            }
            return position < scalars.count && scalars[position] == "}"
        }

        mutating func parseEscape(inSet: Bool) throws(ProtocolError) -> Node {
            guard index < scalars.count else { throw error("trailing backslash") }
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "d", "D", "w", "W", "s", "S":
                return .set(ranges: [], classes: [Character(scalar)], negated: false)
            case "A" where !inSet: return .start
            case "Z" where !inSet: return .sequence([.end])
            case "n": return .literal("\n")
            case "t": return .literal("\t")
            case "r": return .literal("\r")
            default:
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    throw error("escape \\\(scalar) is not supported")
                }
                return .literal(scalar)
            }
        }

        mutating func parseSet() throws(ProtocolError) -> Node {
            var ranges: [ClosedRange<UInt32>] = []
            var classes: [Character] = []
            var negated = false
            if index < scalars.count && scalars[index] == "^" {
                negated = true
                index += 1
            }
            var first = true
            while index < scalars.count {
                let scalar = scalars[index]
                if scalar == "]" && !first {
                    index += 1
                    return .set(ranges: ranges, classes: classes, negated: negated)
                }
                first = false
                index += 1
                var low: Unicode.Scalar
                if scalar == "\\" {
                    let escaped = try parseEscape(inSet: true)
                    switch escaped {
                    case .set(_, let named, _):
                        classes.append(contentsOf: named)
                        continue
                    case .literal(let literal):
                        low = literal
                    default:
                        throw error("unsupported escape in a class")
                    }
                } else {
                    low = scalar
                }
                if index + 1 < scalars.count && scalars[index] == "-" && scalars[index + 1] != "]" {
                    var high = scalars[index + 1]
                    index += 2
                    if high == "\\" {
                        guard case .literal(let literal) = try parseEscape(inSet: true) else {
                            throw error("bad range in a class")
                        }
                        high = literal
                    }
                    guard low.value <= high.value else { throw error("bad character range") }
                    ranges.append(low.value...high.value)
                } else {
                    ranges.append(low.value...low.value)
                }
            }
            throw error("unterminated character set")
        }

        mutating func parseQuantifier(_ atom: Node) throws(ProtocolError) -> Node {
            guard index < scalars.count else { return atom }
            var result: Node
            switch scalars[index] {
            case "*":
                index += 1
                result = .repeated(atom, min: 0, max: nil)
            case "+":
                index += 1
                result = .repeated(atom, min: 1, max: nil)
            case "?":
                index += 1
                result = .repeated(atom, min: 0, max: 1)
            case "{" where looksLikeQuantifier(from: index):
                index += 1
                let low = readNumber() ?? 0
                var high: Int? = low
                if scalars[index] == "," {
                    index += 1
                    high = readNumber()
                }
                index += 1  // }
                if let high, high < low { throw error("bad repeat interval") }
                guard low <= 1000, (high ?? 0) <= 1000 else { throw error("repeat count too large") }
                result = .repeated(atom, min: low, max: high)
            default:
                return atom
            }
            // A lazy marker gives the same yes/no answer for an unanchored-end match.
            if index < scalars.count && scalars[index] == "?" { index += 1 }
            if index < scalars.count && (scalars[index] == "*" || scalars[index] == "+") {
                throw error("multiple repeat")
            }
            return result
        }

        mutating func readNumber() -> Int? {
            var value: Int?
            while index < scalars.count, scalars[index].isASCII, scalars[index].properties.numericType == .decimal {
                value = (value ?? 0) * 10 + Int(scalars[index].value - 48)
                index += 1
                if (value ?? 0) > 100_000 { value = 100_000 }
            }
            return value
        }
    }
}
