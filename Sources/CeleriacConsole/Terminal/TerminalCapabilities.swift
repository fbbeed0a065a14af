/// What a terminal can show, so the console can pick a charset and degrade its theme.
public struct TerminalCapabilities: Hashable, Sendable {
    /// How many colours it reports (terminfo `colors`; 0 or 1 for none).
    public var colorCount: Int
    /// Whether the locale is UTF-8, so box drawing and block characters can be used.
    public var isUTF8: Bool
    /// Whether mouse events are reported.
    public var hasMouse: Bool

    public init(colorCount: Int, isUTF8: Bool, hasMouse: Bool = false) {
        self.colorCount = colorCount
        self.isUTF8 = isUTF8
        self.hasMouse = hasMouse
    }

    /// The colour depth the theme must be degraded to.
    public var colorDepth: ColorDepth { ColorDepth(colorCount: colorCount) }

    /// The charset screens for this terminal should use.
    public var charset: Charset { isUTF8 ? .unicode : .ascii }
}
