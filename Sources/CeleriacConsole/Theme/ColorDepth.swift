/// How many colours a terminal can show, from none to 24-bit.
public enum ColorDepth: Int, Comparable, CaseIterable, Hashable, Sendable {
    /// No colour: attributes only.
    case mono = 0
    /// The eight normal ANSI colours.
    case ansi8 = 8
    /// The sixteen ANSI colours.
    case ansi16 = 16
    /// The xterm 256-colour palette.
    case indexed256 = 256
    /// 24-bit colour.
    case truecolor = 16_777_216

    /// The depth of a terminal that reports `count` colours (terminfo `colors`).
    public init(colorCount count: Int) {
        switch count {
        case ..<8: self = .mono
        case 8..<16: self = .ansi8
        case 16..<256: self = .ansi16
        case 256..<16_777_216: self = .indexed256
        default: self = .truecolor
        }
    }

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }
}
