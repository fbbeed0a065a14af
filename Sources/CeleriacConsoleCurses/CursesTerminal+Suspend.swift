import CCeleriacCurses
import CeleriacConsole

extension CursesTerminal {
    /// Gives the terminal to another full-screen program (the `$EDITOR` of edit-and-retry) for
    /// the duration of `body`: curses' own modes are saved and the screen is left as the shell
    /// had it; afterwards the modes come back and the next `draw` repaints everything.
    public func suspended<T>(_ body: () throws -> T) rethrows -> T {
        def_prog_mode()
        endwin()
        defer {
            reset_prog_mode()
            doupdate()
            invalidate()
        }
        return try body()
    }
}
