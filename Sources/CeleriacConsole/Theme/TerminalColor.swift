import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A colour as a theme names it.
///
/// Theme files write `"default"` (the terminal's own colour), one of the sixteen ANSI names
/// (`"red"`, `"brightBlack"`, …), a 256-colour palette index (`208` or `"208"`), or `"#rrggbb"`.
public enum TerminalColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's default foreground or background.
    case `default`
    /// One of the sixteen ANSI colours.
    case ansi(ANSIColor)
    /// An xterm 256-colour palette index.
    case indexed(UInt8)
    /// A 24-bit colour.
    case rgb(RGB)

    /// The spelling a theme file would use.
    public var description: String {
        switch self {
        case .default: return "default"
        case .ansi(let color): return color.name
        case .indexed(let index): return "\(index)"
        case .rgb(let rgb): return rgb.description
        }
    }

    /// Parses a theme file's colour string; nil when it is none of the accepted forms.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.lowercased() == "default" || trimmed.lowercased() == "none" {
            self = .default
        } else if let ansi = ANSIColor(name: trimmed) {
            self = .ansi(ansi)
        } else if trimmed.hasPrefix("#") {
            guard let rgb = RGB(hex: trimmed) else { return nil }
            self = .rgb(rgb)
        } else if let index = UInt8(trimmed) {
            self = .indexed(index)
        } else {
            return nil
        }
    }
}
