extension Character {
    /// How many terminal columns the character takes: 0 for control characters and lone
    /// combining marks, 2 for East Asian wide and fullwidth characters and emoji shown as
    /// pictures, 1 otherwise. Combining marks after a base character are part of the same
    /// `Character`, so they add nothing. This follows what glibc's `wcwidth` (and so ncurses)
    /// reports for the first scalar, so the screen grid and the terminal agree.
    public var displayWidth: Int {
        guard let first = unicodeScalars.first else { return 0 }
        // An emoji presentation selector makes a text-default emoji (like ❤) wide.
        if unicodeScalars.count > 1, unicodeScalars.contains("\u{FE0F}"), first.properties.isEmoji {
            return 2
        }
        return first.displayWidth
    }
}

extension Unicode.Scalar {
    /// The column width of one scalar (see `Character.displayWidth`).
    public var displayWidth: Int {
        let v = value
        if v == 0 { return 0 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (v >= 0x1160 && v <= 0x11FF) { return 0 }
        if properties.isEmojiPresentation { return 2 }
        return Unicode.Scalar.isWide(v) ? 2 : 1
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks.
    static func isWide(_ v: UInt32) -> Bool {
        for range in wideRanges where range.contains(v) { return true }
        return false
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1B000...0x1B2FF,
        0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}

extension StringProtocol {
    /// The number of terminal columns the text takes.
    public var displayWidth: Int { reduce(0) { $0 + $1.displayWidth } }
}
