/// A terminal the console draws on and reads keys from. `CursesTerminal` (in
/// CeleriacConsoleCurses) is the real one; `MemoryTerminal` is for tests.
///
/// The console's UI loop owns the terminal: it is not `Sendable` and every call comes from that
/// one loop. `readKey` blocks up to its timeout, so run the loop on a thread of its own rather
/// than on the cooperative pool.
public protocol Terminal: AnyObject {
    /// The current size; it changes after a `.resize` key.
    var size: TerminalSize { get }
    /// What the terminal can show.
    var capabilities: TerminalCapabilities { get }
    /// The theme `draw` styles roles with (degraded to the terminal's colours when set).
    var theme: Theme { get set }

    /// Shows `screen`, sending only what changed since the last frame (see `Screen.diff`).
    /// A screen of another size than the terminal is clipped or padded with blanks.
    func draw(_ screen: Screen)
    /// Forgets what is on the terminal so the next `draw` repaints everything (Ctrl-L).
    func invalidate()
    /// The next key, mouse event or resize, waiting at most `timeout` (nil waits forever, zero
    /// only looks). Nil when the time ran out.
    func readKey(timeout: Duration?) -> Key?
    /// Rings the bell (or flashes).
    func bell()
    /// Gives the terminal back to the shell: normal mode, cursor shown, screen restored. Safe to
    /// call more than once.
    func restore()
}

extension Terminal {
    /// A blank screen of the terminal's size and charset, ready for a view to draw into.
    public func makeScreen() -> Screen {
        Screen(width: size.width, height: size.height, charset: capabilities.charset)
    }
}
