/// The range forms of the sorted-set commands: by rank, by score, by member.
enum ZRangeMode {
    case rank, score, lex
}

/// `min max` of the BYSCORE forms: `(` excludes, `-inf` / `+inf`.
struct ScoreRange {
    var min: Double
    var max: Double
    var minExclusive = false
    var maxExclusive = false

    init(min minArgument: [UInt8], max maxArgument: [UInt8]) throws(CommandError) {
        let error = CommandError("ERR min or max is not a float")
        func parse(_ argument: [UInt8]) throws(CommandError) -> (Double, Bool) {
            if argument.first == UInt8(ascii: "(") {
                guard let value = ArgumentParsing.double(Array(argument.dropFirst())) else { throw error }
                return (value, true)
            }
            guard let value = ArgumentParsing.double(argument) else { throw error }
            return (value, false)
        }
        (min, minExclusive) = try parse(minArgument)
        (max, maxExclusive) = try parse(maxArgument)
    }

    /// Positions (ascending order) of the entries inside the range.
    func positions(in zset: SortedSetValue) -> Range<Int> {
        let lower = zset.firstIndex { minExclusive ? $0.score > min : $0.score >= min }
        let upper = zset.firstIndex { maxExclusive ? $0.score >= max : $0.score > max }
        return lower < upper ? lower..<upper : lower..<lower
    }
}

/// `min max` of BYLEX: `[` includes, `(` excludes, `-` and `+` are the extremes.
struct LexRange {
    enum Bound {
        case minimum, maximum
        case value([UInt8], inclusive: Bool)
    }

    var min: Bound
    var max: Bound

    init(min minArgument: [UInt8], max maxArgument: [UInt8]) throws(CommandError) {
        func parse(_ argument: [UInt8]) throws(CommandError) -> Bound {
            switch argument.first {
            case UInt8(ascii: "-") where argument.count == 1: return .minimum
            case UInt8(ascii: "+") where argument.count == 1: return .maximum
            case UInt8(ascii: "["): return .value(Array(argument.dropFirst()), inclusive: true)
            case UInt8(ascii: "("): return .value(Array(argument.dropFirst()), inclusive: false)
            default: throw CommandError("ERR min or max not valid string range item")
            }
        }
        min = try parse(minArgument)
        max = try parse(maxArgument)
    }

    /// Positions of the members inside the range (meaningful when all scores are equal).
    func positions(in zset: SortedSetValue) -> Range<Int> {
        let lower: Int
        switch min {
        case .minimum: lower = 0
        case .maximum: lower = zset.count
        case .value(let bytes, let inclusive):
            lower = zset.firstIndex { inclusive ? !$0.member.lexicographicallyPrecedes(bytes) : bytes.lexicographicallyPrecedes($0.member) }
        }
        let upper: Int
        switch max {
        case .minimum: upper = 0
        case .maximum: upper = zset.count
        case .value(let bytes, let inclusive):
            upper = zset.firstIndex { inclusive ? bytes.lexicographicallyPrecedes($0.member) : !$0.member.lexicographicallyPrecedes(bytes) }
        }
        return lower < upper ? lower..<upper : lower..<lower
    }
}
