/// Maps every `Role` to a `Style`. Themes come from TOML files (see `ThemeLoader`); the four
/// shipped ones are also compiled in (`BuiltinThemes`) so the binary works anywhere.
public struct Theme: Hashable, Sendable {
    /// The theme's name (`default`, `light`, …, or the file's `name`).
    public var name: String
    /// The style of every role; complete by construction.
    public private(set) var styles: [Role: Style]

    /// A theme from a complete or partial mapping; roles it leaves out take their style from
    /// `base` (or are plain when there is no base).
    public init(name: String, styles: [Role: Style], base: Theme? = nil) {
        self.name = name
        var all: [Role: Style] = [:]
        for role in Role.allCases { all[role] = styles[role] ?? base?.styles[role] ?? .plain }
        self.styles = all
    }

    /// The style of `role`.
    public subscript(role: Role) -> Style {
        get { styles[role] ?? .plain }
        set { styles[role] = newValue }
    }

    /// The theme as a terminal of `depth` shows it (every style degraded, see
    /// `TerminalColor.degraded(to:)` and `Style.degraded(to:)`).
    public func degraded(to depth: ColorDepth) -> Theme {
        var copy = self
        for role in Role.allCases { copy.styles[role] = self[role].degraded(to: depth) }
        return copy
    }

    /// The last-resort theme if even the built-in `default` could not be parsed: no colours,
    /// with the roles that must stand out in reverse or bold. Tests make sure the built-in
    /// themes parse, so this is never seen in practice.
    public static let emergency: Theme = {
        let reverse = Style(attributes: .reverse)
        let bold = Style(attributes: .bold)
        return Theme(name: "emergency", styles: [
            .selection: reverse, .statusBar: reverse, .statusBarAlert: reverse, .tabActive: reverse,
            .cursor: reverse, .buttonActive: reverse, .header: bold, .title: bold, .error: bold, .alert: bold,
        ])
    }()
}
