import CeleriacTestSupport
import Foundation
import Testing

/// The real ncurses backend, through the test-only `CursesSmoke` program: refusals without a
/// terminal, and one real frame in a detached tmux pane on a private tmux socket.
@Suite("CursesTerminal")
struct CursesTerminalTests {
    static let smoke = ProjectPaths.executable("CursesSmoke")

    @Test func refusesADumbTerminal() throws {
        let output = try ProcessRunner.run(CursesTerminalTests.smoke, [], environment: ["TERM": "dumb"], timeout: 30)
        #expect(output.status == 1)
        #expect(output.stderr.contains("TERM=dumb cannot move the cursor"))
        #expect(output.stdout.isEmpty)
    }

    @Test func refusesAnUnsetTerm() throws {
        let output = try ProcessRunner.run(CursesTerminalTests.smoke, [], environment: ["TERM": ""], timeout: 30)
        #expect(output.status == 1)
        #expect(output.stderr.contains("TERM is not set"))
    }

    @Test func refusesPipesInsteadOfDrawingGarbage() throws {
        let output = try ProcessRunner.run(CursesTerminalTests.smoke, [], environment: ["TERM": "xterm-256color"],
                                           timeout: 30)
        #expect(output.status == 1)
        #expect(output.stderr.contains("standard input and output must be a terminal"))
        #expect(output.stdout.isEmpty)
    }

    @Test(.enabled(if: ProjectPaths.which("tmux") != nil, "needs tmux"))
    func drawsInARealTerminalAndRestoresIt() throws {
        let pane = try TmuxPane(command: CursesTerminalTests.smoke.path, locale: "C.UTF-8", term: "tmux-256color")
        defer { pane.close() }
        let frame = try pane.waitFor { $0.contains("celeriac screen check ✓") }
        #expect(frame.contains("┌ Celeriac ─"))
        #expect(frame.contains("└────"))
        let rows = frame.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.count >= 30)
        #expect(rows.dropFirst(29).first?.hasPrefix(" q quit") == true)
        #expect(rows.dropFirst(29).first?.hasSuffix("utf-8") == true)
        // Colours reach the terminal: the status bar's 256-colour background (palette 236).
        let styled = try pane.capture(escapes: true)
        #expect(styled.contains("48;5;236"), "\(styled.split(separator: "\n").last ?? "")")

        // A resize is a .resize key: the program redraws centred in the new size.
        try pane.resize(width: 60, height: 20)
        // (Waits for the whole new frame: tmux may be captured while the redraw is under way.)
        let resized = try pane.waitFor { text in
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.dropFirst(19).first?.hasPrefix(" q quit") == true
                && lines.contains { $0.hasPrefix("          │       celeriac screen check ✓") }
        }
        #expect(resized.split(separator: "\n").filter { $0.contains("celeriac screen check") }.count == 1)
        try pane.send("q")
        let after = try pane.waitFor { $0.contains("smoke-exit=") }
        #expect(after.contains("smoke-exit=0"))
        // The terminal is back to normal: the console's frame is gone.
        #expect(!after.contains("celeriac screen check"))
        #expect(!after.contains("Celeriac"))
    }

    @Test(.enabled(if: ProjectPaths.which("tmux") != nil, "needs tmux"))
    func exitWithoutRestoreStillGivesTheTerminalBack() throws {
        let pane = try TmuxPane(command: CursesTerminalTests.smoke.path, arguments: ["--no-restore"],
                                locale: "C.UTF-8", term: "tmux-256color")
        defer { pane.close() }
        _ = try pane.waitFor { $0.contains("celeriac screen check") }
        try pane.send("q")
        let after = try pane.waitFor { $0.contains("smoke-exit=") }
        #expect(after.contains("smoke-exit=0"))
        #expect(!after.contains("celeriac screen check"))
    }

    @Test(.enabled(if: ProjectPaths.which("tmux") != nil, "needs tmux"))
    func ctrlCGivesTheTerminalBackBeforeDying() throws {
        let pane = try TmuxPane(command: CursesTerminalTests.smoke.path, locale: "C.UTF-8", term: "tmux-256color")
        defer { pane.close() }
        _ = try pane.waitFor { $0.contains("celeriac screen check") }
        try pane.send("C-c")
        let after = try pane.waitFor { $0.contains("smoke-exit=") }
        // Killed by SIGINT (128 + 2) after the handler restored the screen.
        #expect(after.contains("smoke-exit=130"))
        #expect(!after.contains("celeriac screen check"))
    }

    @Test(.enabled(if: ProjectPaths.which("tmux") != nil, "needs tmux"))
    func fallsBackToASCIIOutsideAUTF8Locale() throws {
        let pane = try TmuxPane(command: CursesTerminalTests.smoke.path, locale: "C", term: "screen")
        defer { pane.close() }
        let frame = try pane.waitFor { $0.contains("celeriac screen check") }
        // TERM=screen has 8 colours: the theme's 256-colour backgrounds were degraded.
        #expect(!(try pane.capture(escapes: true).contains("48;5;")))
        #expect(frame.contains("+ Celeriac -"))
        #expect(frame.contains("celeriac screen check ?"))
        #expect(frame.contains("ascii"))
        #expect(!frame.contains("┌"))
        try pane.send("q")
        #expect(try pane.waitFor { $0.contains("smoke-exit=") }.contains("smoke-exit=0"))
    }
}

/// A detached 100×30 tmux session on a private socket (`tmux -L celeriac-test-…`), so the test
/// never touches the user's tmux. `close()` kills that server and everything in it.
struct TmuxPane {
    let tmux: URL
    let socket: String

    init(command: String, arguments: [String] = [], locale: String, term: String) throws {
        guard let tmux = ProjectPaths.which("tmux") else { throw TmuxError(message: "tmux is not installed") }
        self.tmux = tmux
        socket = "celeriac-test-\(UInt32.random(in: 0...UInt32.max))"
        // The shell line keeps the pane open after the program ends, so the test can see what
        // it left on the terminal and its exit status.
        // The shell traps SIGINT (with a handler, not by ignoring it, which the program would
        // inherit) so that it survives a Ctrl-C sent to the program and reports its status.
        let line = "trap 'true' INT; env TERM=\(term) LANG=\(locale) LC_ALL=\(locale) SWIFT_BACKTRACE=enable=no '\(command)' "
            + arguments.joined(separator: " ") + "; "
            + "echo smoke-exit=$?; sleep 60"
        // The tmux server this starts keeps every descriptor it inherits (a test's pipes, other
        // programs' descriptors), so the client is started through bash (dash cannot close
        // descriptors above 9), which closes everything above stderr first; and it is started
        // with default signals (see `CleanSpawn`) so that `kill-server` can end the pane.
        let closeAndRun = "for fd in $(ls /proc/$$/fd); do if [ \"$fd\" -gt 2 ]; then eval \"exec $fd>&-\"; fi; "
            + "done 2>/dev/null; exec \"$@\" </dev/null >/dev/null 2>&1"
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment.removeValue(forKey: "TMUX")
        let status = try CleanSpawn.run(
            "/bin/bash",
            ["-c", closeAndRun, "bash", tmux.path, "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "100",
             "-y", "30", "-s", "smoke", line],
            environment: environment)
        guard status == 0 else { throw TmuxError(message: "tmux new-session exited with status \(status)") }
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(tmux, ["-L", socket] + arguments, environment: ["TERM": "xterm-256color", "TMUX": ""],
                              timeout: 30)
    }

    /// The pane's text, with the colour and attribute escapes when `escapes` is set.
    func capture(escapes: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", "smoke"] + (escapes ? ["-e"] : [])).stdout
    }

    /// Resizes the pane's window, as a user resizing the terminal would.
    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "smoke", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Types `keys` into the pane.
    func send(_ keys: String) throws { try run(["send-keys", "-t", "smoke", keys]) }

    /// Polls the pane (up to about 20 seconds) until `done` holds, and returns its text.
    func waitFor(_ done: (String) -> Bool) throws -> String {
        var text = ""
        for _ in 0..<200 {
            text = try capture()
            if done(text) { return text }
            usleep(100_000)
        }
        throw TmuxError(message: "the pane never showed what was expected; it shows:\n\(text)")
    }

    func close() {
        _ = try? run(["kill-server"])
        // The server leaves its socket file behind; remove it too.
        let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(folder)/tmux-\(getuid())/\(socket)")
    }
}

struct TmuxError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
