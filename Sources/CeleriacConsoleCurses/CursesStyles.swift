import CCeleriacCurses
import CeleriacConsole

/// Turns styles into curses attributes and colour pairs, allocating pairs on demand and caching
/// them. When the terminal runs out of pairs (`COLOR_PAIRS`), further styles keep their
/// attributes and use the terminal's default colours.
final class CursesStyles {
    private struct PairKey: Hashable {
        var foreground: Int16
        var background: Int16
    }

    private var pairs: [PairKey: Int16] = [:]
    private var nextPair: Int16 = 1
    private let pairLimit: Int
    private let colorsEnabled: Bool

    init(colorsEnabled: Bool, pairLimit: Int) {
        self.colorsEnabled = colorsEnabled
        self.pairLimit = min(pairLimit, Int(Int16.max))
    }

    /// Forgets the pairs (after a theme change); they are redefined as styles are drawn.
    func reset() {
        pairs = [:]
        nextPair = 1
    }

    /// The curses attributes and pair number of `style` (already degraded to the terminal).
    func attributes(for style: Style) -> (attributes: attr_t, pair: Int16) {
        var attributes = celeriac_a_normal()
        if style.attributes.contains(.bold) { attributes |= celeriac_a_bold() }
        if style.attributes.contains(.dim) { attributes |= celeriac_a_dim() }
        if style.attributes.contains(.underline) { attributes |= celeriac_a_underline() }
        if style.attributes.contains(.reverse) { attributes |= celeriac_a_reverse() }
        if style.attributes.contains(.italic) { attributes |= celeriac_a_italic() }
        return (attributes, pair(foreground: style.foreground, background: style.background))
    }

    private func pair(foreground: TerminalColor, background: TerminalColor) -> Int16 {
        guard colorsEnabled else { return 0 }
        let key = PairKey(foreground: CursesStyles.number(foreground), background: CursesStyles.number(background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let known = pairs[key] { return known }
        guard Int(nextPair) < pairLimit else { return 0 }
        let number = nextPair
        guard init_pair(number, key.foreground, key.background) != celeriac_err() else { return 0 }
        pairs[key] = number
        nextPair += 1
        return number
    }

    /// The curses colour number: -1 for the default colour (with `use_default_colors`).
    private static func number(_ color: TerminalColor) -> Int16 {
        switch color {
        case .default: return -1
        case .ansi(let ansi): return Int16(ansi.rawValue)
        case .indexed(let index): return Int16(index)
        case .rgb:
            // Themes are degraded to at most 256 colours before drawing; this is a safe guess.
            if case .indexed(let index) = color.degraded(to: .indexed256) { return Int16(index) }
            return -1
        }
    }
}
