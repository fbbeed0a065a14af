import CCeleriacCurses
import CeleriacConsole
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real terminal, driven by ncursesw.
///
/// Start-up checks `TERM` and that standard input and output are terminals, and throws a
/// `CursesTerminalError` with a clear message otherwise. It then sets the locale from the
/// environment (a non-UTF-8 locale makes screens ASCII), starts curses (`newterm`, cbreak, no
/// echo, keypad, mouse, colours with the terminal's default colours allowed) and installs
/// SIGINT/SIGTERM handlers and an exit hook that give the terminal back before the process
/// ends. ncurses' own SIGWINCH handling turns window size changes into `.resize` keys.
public final class CursesTerminal: Terminal {
    public private(set) var size: TerminalSize
    public let capabilities: TerminalCapabilities
    public var theme: Theme {
        didSet {
            effectiveTheme = theme.degraded(to: depth)
            styles.reset()
            invalidate()
        }
    }

    private let screenHandle: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let depth: ColorDepth
    private var effectiveTheme: Theme
    private let styles: CursesStyles
    private var previous: Screen?
    private var restored = false

    /// Takes over the terminal. `environment` is read for `TERM` (tests pass their own).
    public init(theme: Theme, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(CursesTerminalError)
    {
        guard let term = environment["TERM"], !term.isEmpty else {
            throw CursesTerminalError(.termUnset, "TERM is not set, so the console cannot tell what terminal "
                                      + "this is; run it in a terminal emulator, or set TERM (for example TERM=xterm-256color)")
        }
        guard term != "dumb" && term != "unknown" else {
            throw CursesTerminalError(.dumbTerminal, "TERM=\(term) cannot move the cursor, so the console cannot "
                                      + "draw here; run it in a full terminal, or use `--once` for one frame as text")
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CursesTerminalError(.notATerminal, "standard input and output must be a terminal for the console "
                                      + "(they are redirected); use `--once` to print one frame as text")
        }
        setlocale(LC_ALL, "")
        let codeset = celeriac_codeset().map { String(cString: $0) } ?? ""
        let isUTF8 = ["UTF-8", "UTF8"].contains(codeset.uppercased())
        guard let handle = newterm(term, celeriac_stdout(), celeriac_stdin()) else {
            throw CursesTerminalError(.initFailed, "ncurses cannot drive TERM=\(term) (no terminfo entry?); "
                                      + "try TERM=xterm-256color")
        }
        set_term(handle)
        guard let window = celeriac_stdscr() else {
            endwin()
            delscreen(handle)
            throw CursesTerminalError(.initFailed, "ncurses started without a screen for TERM=\(term)")
        }
        screenHandle = handle
        self.window = window
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        var colorCount = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(celeriac_colors())
        }
        let mouse = mousemask(celeriac_mouse_mask_wanted(), nil)
        mouseinterval(0)
        capabilities = TerminalCapabilities(colorCount: colorCount, isUTF8: isUTF8, hasMouse: mouse != 0)
        // Curses colour numbers stop at 255: truecolor terminals get the 256-colour palette.
        depth = min(capabilities.colorDepth, .indexed256)
        styles = CursesStyles(colorsEnabled: colorCount >= 8, pairLimit: Int(celeriac_color_pairs()))
        self.theme = theme
        effectiveTheme = theme.degraded(to: depth)
        size = TerminalSize(width: Int(celeriac_width(window)), height: Int(celeriac_height(window)))
        curs_set(0)
        CursesTerminal.installSignalHandlers()
    }

    deinit { restore() }

    public func draw(_ screen: Screen) {
        guard !restored else { return }
        if previous == nil { werase(window) }
        for run in screen.diff(from: previous) { draw(run) }
        if let cursor = screen.cursor, cursor.x < size.width, cursor.y < size.height {
            curs_set(1)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        wrefresh(window)
        previous = screen
    }

    /// Draws one run clipped to the window: a wide character that would be cut becomes a space.
    private func draw(_ run: ScreenRun) {
        guard run.y < size.height, run.x < size.width else { return }
        var text: [wchar_t] = []
        var column = run.x
        for cell in run.cells {
            if column >= size.width { break }
            defer { column += 1 }
            if cell.isContinuation { continue }
            if cell.width == 2 && column + 1 >= size.width {
                text.append(wchar_t(32))
                continue
            }
            for scalar in cell.grapheme.unicodeScalars { text.append(wchar_t(bitPattern: scalar.value)) }
        }
        guard !text.isEmpty else { return }
        let style = styles.attributes(for: effectiveTheme[run.role])
        celeriac_attr_set(window, style.attributes, style.pair)
        text.withUnsafeBufferPointer { buffer in
            _ = mvwaddnwstr(window, Int32(run.y), Int32(run.x), buffer.baseAddress, Int32(buffer.count))
        }
    }

    public func invalidate() {
        previous = nil
        clearok(window, true)
    }

    public func readKey(timeout: Duration?) -> Key? {
        guard !restored else { return nil }
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            let milliseconds = max(0, min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            wtimeout(window, Int32(milliseconds))
        } else {
            wtimeout(window, -1)
        }
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if result == celeriac_err() {
            if CursesTerminal.inputHungUp() { hangUp() }
            return nil
        }
        if result == celeriac_key_code_yes() {
            let code = Int32(bitPattern: UInt32(character))
            if code == celeriac_key_mouse() {
                var event = MEVENT()
                guard getmouse(&event) == celeriac_ok() else { return nil }
                return CursesKeys.mouse(event)
            }
            if code == celeriac_key_resize() {
                size = TerminalSize(width: Int(celeriac_width(window)), height: Int(celeriac_height(window)))
                invalidate()
            }
            return CursesKeys.key(code: code)
        }
        return CursesKeys.key(character: UInt32(character))
    }

    public func bell() {
        guard !restored else { return }
        beep()
    }

    public func restore() {
        guard !restored else { return }
        restored = true
        curs_set(1)
        endwin()
        delscreen(screenHandle)
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// Whether the terminal went away (its window closed, the ssh link dropped): `wget_wch`
    /// then fails at once instead of waiting, and a UI loop would spin.
    private static func inputHungUp() -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        return descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// Ends the process as a terminal hang-up would (SIGHUP), after restoring what can be.
    private func hangUp() -> Never {
        restore()
        signal(SIGHUP, SIG_DFL)
        raise(SIGHUP)
        _exit(129)
    }

    /// Whether the exit hook is registered (once per process, however many terminals are made).
    nonisolated(unsafe) private static var exitHookInstalled = false

    private static func installSignalHandlers() {
        signal(SIGINT, restoreTerminalAndDie)
        signal(SIGTERM, restoreTerminalAndDie)
        if !exitHookInstalled {
            exitHookInstalled = true
            atexit(restoreTerminalAtExit)
        }
    }
}

/// Gives the terminal back when the program calls `exit` without `restore()`.
private func restoreTerminalAtExit() {
    if !isendwin() { endwin() }
}

/// Puts the terminal back in normal mode and dies of the same signal, so that Ctrl-C or a kill
/// never leaves the user's shell in curses mode.
private func restoreTerminalAndDie(_ signalNumber: Int32) {
    endwin()
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
