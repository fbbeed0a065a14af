// A test-only program for the tmux smoke test of CursesTerminal (not a product): it takes over
// the terminal, draws a titled box with "celeriac screen check ✓" in the default theme, redraws
// on resize, and on `q` gives the terminal back and exits 0 (with `--no-restore` it just exits,
// leaving that to CursesTerminal's exit hook). Any start-up error is printed to standard error
// with exit status 1.
import CeleriacConsole
import CeleriacConsoleCurses
import Foundation

func frame(for terminal: any Terminal) -> Screen {
    var screen = terminal.makeScreen()
    let box = screen.bounds.centered(width: 40, height: 7)
    screen.box(box, title: "Celeriac")
    screen.put("celeriac screen check ✓", in: box.inset(by: 1).row(1), alignment: .center)
    screen.put("press q to quit", in: box.inset(by: 1).row(3), role: .dim, alignment: .center)
    let hints = StatusBar(hints: [KeyHint("q", "quit")], status: terminal.capabilities.isUTF8 ? "utf-8" : "ascii")
    hints.draw(in: screen.bounds.row(screen.height - 1), on: &screen)
    return screen
}

do {
    // Always the built-in default theme, whatever NO_COLOR or CELERIAC_THEME say, so the smoke
    // test can check the colours it sends.
    let terminal = try CursesTerminal(theme: ThemeLoader.fallback)
    terminal.draw(frame(for: terminal))
    while true {
        guard let key = terminal.readKey(timeout: .milliseconds(200)) else { continue }
        if key == .character("q") { break }
        if key == .resize || key == .ctrl("l") {
            terminal.invalidate()
            terminal.draw(frame(for: terminal))
        }
    }
    // `--no-restore` leaves the terminal to the exit hook, which the smoke test checks too.
    if !CommandLine.arguments.contains("--no-restore") { terminal.restore() }
    exit(0)
} catch {
    FileHandle.standardError.write(Data("CursesSmoke: \(error)\n".utf8))
    exit(1)
}
