import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The sixteen ANSI colours, numbered as terminals number them (0–7 normal, 8–15 bright).
public enum ANSIColor: Int, CaseIterable, Hashable, Sendable {
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite

    /// The name theme files use (`brightBlack`); `bright-black`, `bright_black`, `gray` and
    /// `grey` (for bright black) are accepted too when parsing.
    public var name: String { "\(self)" }

    /// The colour with that name, or nil.
    public init?(name: String) {
        let folded = name.lowercased().replacingScalar("-", with: "").replacingScalar("_", with: "")
        if folded == "gray" || folded == "grey" {
            self = .brightBlack
            return
        }
        guard let match = ANSIColor.allCases.first(where: { $0.name.lowercased() == folded }) else { return nil }
        self = match
    }

    /// The normal (0–7) colour of a bright one, itself otherwise.
    public var normal: ANSIColor { ANSIColor(rawValue: rawValue % 8) ?? self }

    /// xterm's default RGB for this colour: the reference the nearest-colour search uses (real
    /// terminals let users change these, which is why named colours are never converted to RGB
    /// when the terminal can show them as they are).
    public var rgb: RGB { RGB.xtermANSI[rawValue] }
}
