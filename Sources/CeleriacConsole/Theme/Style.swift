/// What one role looks like: foreground, background and attributes.
public struct Style: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default,
                attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// The terminal's default look.
    public static let plain = Style()

    /// The style as a terminal of `depth` can show it. At `.mono` colours vanish, so a style
    /// that stood out by its background (a selection bar, the status bar) gets `reverse`
    /// instead and stays visible.
    public func degraded(to depth: ColorDepth) -> Style {
        var result = Style(foreground: foreground.degraded(to: depth), background: background.degraded(to: depth),
                           attributes: attributes)
        if depth == .mono, background != .default { result.attributes.insert(.reverse) }
        return result
    }
}
