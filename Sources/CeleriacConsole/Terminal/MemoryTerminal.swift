/// A terminal in memory for tests of the UI loop: keys are queued in advance, frames are kept,
/// and the runs each `draw` would send are recorded so tests can check that redraws are minimal.
public final class MemoryTerminal: Terminal {
    public private(set) var size: TerminalSize
    public var capabilities: TerminalCapabilities
    public var theme: Theme

    /// Keys `readKey` will return, first first.
    public var pendingKeys: [Key]
    /// The last screen drawn.
    public private(set) var lastScreen: Screen?
    /// The runs of every `draw`, one list per call.
    public private(set) var drawnRuns: [[ScreenRun]] = []
    /// How many times the bell rang.
    public private(set) var bells = 0
    /// Whether `restore` was called.
    public private(set) var restored = false

    public init(size: TerminalSize = TerminalSize(width: 80, height: 24),
                capabilities: TerminalCapabilities = TerminalCapabilities(colorCount: 256, isUTF8: true),
                theme: Theme = ThemeLoader.fallback, keys: [Key] = []) {
        self.size = size
        self.capabilities = capabilities
        self.theme = theme
        self.pendingKeys = keys
    }

    public func draw(_ screen: Screen) {
        drawnRuns.append(screen.diff(from: lastScreen))
        lastScreen = screen
    }

    public func invalidate() { lastScreen = nil }

    public func readKey(timeout: Duration?) -> Key? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    public func bell() { bells += 1 }

    public func restore() { restored = true }

    /// Changes the size as a terminal window would, queueing the `.resize` key.
    public func resize(to newSize: TerminalSize) {
        size = newSize
        pendingKeys.append(.resize)
    }
}
