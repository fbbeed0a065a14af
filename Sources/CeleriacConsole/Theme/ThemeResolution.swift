/// The theme the console will use, where it came from, and what went wrong on the way.
public struct ThemeResolution: Sendable {
    /// The theme to draw with (the built-in `default` when the requested one failed).
    public var theme: Theme
    /// Where the theme came from: a file path or `built-in NAME`.
    public var source: String
    /// Why the requested theme was not used, for the status bar; nil when all went well.
    public var problem: ThemeError?

    public init(theme: Theme, source: String, problem: ThemeError? = nil) {
        self.theme = theme
        self.source = source
        self.problem = problem
    }
}
