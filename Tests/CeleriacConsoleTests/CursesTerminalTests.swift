import CeleriacTestSupport
import Foundation
import Testing

/// The real ncurses backend, through the test-only `CursesSmoke` program: refusals without a
/// terminal, and one real frame in a detached tmux pane on a private tmux socket.
@Suite("CursesTerminal")
struct CursesTerminalTests {
    static let smoke = ProjectPaths.executable("CursesSmoke")

    @Test func refusesADumbTerminal() async throws {
        let output = try await ProcessRunner.run(CursesTerminalTests.smoke, [], environment: ["TERM": "dumb"], timeout: 30)
        #expect(output.status == 1)
        #expect(output.stderr.contains("TERM=dumb cannot move the cursor"))
        #expect(output.stdout.isEmpty)
    }

    @Test func refusesAnUnsetTerm() async throws {
        let output = try await ProcessRunner.run(CursesTerminalTests.smoke, [], environment: ["TERM": ""], timeout: 30)
        #expect(output.status == 1)
        #expect(output.stderr.contains("TERM is not set"))
    }

    @Test func refusesPipesInsteadOfDrawingGarbage() async throws {
        let output = try await ProcessRunner.run(CursesTerminalTests.smoke, [], environment: ["TERM": "xterm-256color"],
                                           timeout: 30)
        #expect(output.status == 1)
        #expect(output.stderr.contains("standard input and output must be a terminal"))
        #expect(output.stdout.isEmpty)
    }

    @Test(.enabled(if: ProjectPaths.which("tmux") != nil, "needs tmux"))
    func drawsInARealTerminalAndRestoresIt() throws {
        let pane = try smokePane(locale: "C.UTF-8", term: "tmux-256color")
        defer { pane.kill() }
        let frame = try pane.waitUntil { $0.contains("celeriac screen check ✓") }
        #expect(frame.contains("┌ Celeriac ─"))
        #expect(frame.contains("└────"))
        let rows = frame.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.count >= 30)
        #expect(rows.dropFirst(29).first?.hasPrefix(" q quit") == true)
        #expect(rows.dropFirst(29).first?.hasSuffix("utf-8") == true)
        // Colours reach the terminal: the status bar's 256-colour background (palette 236).
        let styled = pane.captureWithEscapes()
        #expect(styled.contains("48;5;236"), "\(styled.split(separator: "\n").last ?? "")")

        // A resize is a .resize key: the program redraws centred in the new size.
        pane.resize(width: 60, height: 20)
        // (Waits for the whole new frame: tmux may be captured while the redraw is under way.)
        let resized = try pane.waitUntil { text in
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.dropFirst(19).first?.hasPrefix(" q quit") == true
                && lines.contains { $0.hasPrefix("          │       celeriac screen check ✓") }
        }
        #expect(resized.split(separator: "\n").filter { $0.contains("celeriac screen check") }.count == 1)
        pane.send("q")
        let after = try pane.waitUntil { $0.contains("smoke-exit=") }
        #expect(after.contains("smoke-exit=0"))
        // The terminal is back to normal: the console's frame is gone.
        #expect(!after.contains("celeriac screen check"))
        #expect(!after.contains("Celeriac"))
    }

    @Test(.enabled(if: ProjectPaths.which("tmux") != nil, "needs tmux"))
    func exitWithoutRestoreStillGivesTheTerminalBack() throws {
        let pane = try smokePane(arguments: ["--no-restore"], locale: "C.UTF-8", term: "tmux-256color")
        defer { pane.kill() }
        _ = try pane.waitUntil { $0.contains("celeriac screen check") }
        pane.send("q")
        let after = try pane.waitUntil { $0.contains("smoke-exit=") }
        #expect(after.contains("smoke-exit=0"))
        #expect(!after.contains("celeriac screen check"))
    }

    @Test(.enabled(if: ProjectPaths.which("tmux") != nil, "needs tmux"))
    func ctrlCGivesTheTerminalBackBeforeDying() throws {
        let pane = try smokePane(locale: "C.UTF-8", term: "tmux-256color")
        defer { pane.kill() }
        _ = try pane.waitUntil { $0.contains("celeriac screen check") }
        pane.send("C-c")
        let after = try pane.waitUntil { $0.contains("smoke-exit=") }
        // Killed by SIGINT (128 + 2) after the handler restored the screen.
        #expect(after.contains("smoke-exit=130"))
        #expect(!after.contains("celeriac screen check"))
    }

    @Test(.enabled(if: ProjectPaths.which("tmux") != nil, "needs tmux"))
    func fallsBackToASCIIOutsideAUTF8Locale() throws {
        let pane = try smokePane(locale: "C", term: "screen")
        defer { pane.kill() }
        let frame = try pane.waitUntil { $0.contains("celeriac screen check") }
        // TERM=screen has 8 colours: the theme's 256-colour backgrounds were degraded.
        #expect(!pane.captureWithEscapes().contains("48;5;"))
        #expect(frame.contains("+ Celeriac -"))
        #expect(frame.contains("celeriac screen check ?"))
        #expect(frame.contains("ascii"))
        #expect(!frame.contains("┌"))
        pane.send("q")
        #expect(try pane.waitUntil { $0.contains("smoke-exit=") }.contains("smoke-exit=0"))
    }
}

/// The smoke program in a real 100×30 terminal (TmuxSession). The shell line keeps the pane open
/// after the program ends, so the test sees what it left on the terminal and its exit status;
/// it traps SIGINT with a handler (not by ignoring it, which the program would inherit) so that
/// it survives a Ctrl-C sent to the program and reports the status.
func smokePane(arguments: [String] = [], locale: String, term: String) throws -> TmuxSession {
    let line = "trap 'true' INT; env TERM=\(term) LANG=\(locale) LC_ALL=\(locale) SWIFT_BACKTRACE=enable=no "
        + "\(TmuxSession.shellQuoted(CursesTerminalTests.smoke.path)) " + arguments.joined(separator: " ")
        + "; echo smoke-exit=$?; sleep 60"
    return try TmuxSession(command: line, width: 100, height: 30)
}

extension TmuxSession {
    /// Polls the pane until `done` holds and returns its text; fails the test with what the
    /// pane shows otherwise.
    func waitUntil(_ done: (String) -> Bool) throws -> String {
        guard let text = waitFor(timeout: 20, done) else {
            throw SmokeError(message: "the pane never showed what was expected; it shows:\n\(capture())")
        }
        return text
    }
}

struct SmokeError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
