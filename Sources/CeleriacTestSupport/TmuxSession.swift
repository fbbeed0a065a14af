import Foundation

/// Drives a program in a real terminal: a detached tmux session on a private socket (so a
/// user's own tmux is never touched), with keys sent and the screen read back as text.
public final class TmuxSession: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let socket: String
    public let name = "celeriac"
    private let tmux: URL
    private let config: String
    private let statusFile: String
    private let lock = NSLock()
    private var killed = false

    /// Starts `command` (a shell command line) in a new session of `width`×`height` cells.
    public init(command: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        guard let tmux = ProjectPaths.which("tmux") else {
            throw Failure(description: "tmux is not installed: run scripts/bootstrap.sh --test")
        }
        self.tmux = tmux
        socket = "celeriac-test-\(UUID().uuidString.prefix(8))"
        // `remain-on-exit` keeps the pane after the program ends so its last screen and exit
        // status can still be read; set from the config so it holds from the first instant.
        config = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).conf").path
        _ = FileManager.default.createFile(atPath: config, contents: Data("set -g remain-on-exit on\n".utf8))
        // The pane's shell writes the program's exit status to a file: tmux's own
        // `pane_dead_status` appears only once its server has reaped the child, which on a
        // loaded machine can come long after the pane is marked dead.
        statusFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).status").path
        let exports = environment.map { "export \($0.key)=\(Self.shellQuoted($0.value));" }.joined(separator: " ")
        let program = "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 bash -c \(Self.shellQuoted(exports + " " + command))"
        let output = try run([
            "new-session", "-d", "-s", name, "-x", String(width), "-y", String(height),
            "\(program); echo $? > \(Self.shellQuoted(statusFile))",
        ])
        guard output.status == 0 else { throw Failure(description: "tmux new-session failed: \(output.stderr)") }
    }

    /// Quotes `text` for a POSIX shell, so tmux's own `sh -c` passes it through unchanged.
    public static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(tmux, ["-L", socket, "-f", config] + arguments, timeout: 10)
    }

    /// The visible screen as text, one line per row.
    public func capture() -> String {
        (try? run(["capture-pane", "-p", "-t", name]))?.stdout ?? ""
    }

    /// The visible screen with its colour and attribute escapes (`capture-pane -e`).
    public func captureWithEscapes() -> String {
        (try? run(["capture-pane", "-p", "-e", "-t", name]))?.stdout ?? ""
    }

    /// Resizes the window, as a user resizing the terminal would.
    public func resize(width: Int, height: Int) {
        _ = try? run(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    /// Sends keys as tmux names them (`q`, `Enter`, `Escape`, `C-l`, `Tab`, `Down`, ...).
    public func send(_ keys: String...) {
        _ = try? run(["send-keys", "-t", name] + keys)
    }

    /// Sends literal text, typed character by character.
    public func type(_ text: String) {
        _ = try? run(["send-keys", "-t", name, "-l", text])
    }

    /// Waits until `predicate` holds for the screen, up to `timeout` seconds; returns the last
    /// screen read, or nil when the wait ran out.
    public func waitFor(timeout: TimeInterval = 20, _ predicate: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let screen = capture()
            if predicate(screen) { return screen }
            usleep(100_000)
        } while Date() < deadline
        return nil
    }

    /// Waits until the screen shows `text`.
    public func waitFor(_ text: String, timeout: TimeInterval = 20) -> String? {
        waitFor(timeout: timeout) { $0.contains(text) }
    }

    /// Whether the program in the pane has exited (its exit status has been written).
    public var programExited: Bool {
        readStatus() != nil
    }

    /// The exit status of the program once it has exited; waits up to `timeout` seconds for it.
    public func exitStatus(timeout: TimeInterval = 10) -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let status = readStatus() { return status }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    /// The exit status of the program once it has exited, waiting up to ten seconds.
    public var exitStatus: Int? { exitStatus() }

    private func readStatus() -> Int? {
        guard let data = FileManager.default.contents(atPath: statusFile),
              let text = String(data: data, encoding: .utf8),
              text.hasSuffix("\n")
        else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Ends the session and its server.
    public func kill() {
        lock.lock()
        defer { lock.unlock() }
        guard !killed else { return }
        killed = true
        _ = try? run(["kill-server"])
        unlink(config)
        unlink(statusFile)
        // The server leaves its socket file behind.
        let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        unlink("\(folder)/tmux-\(getuid())/\(socket)")
    }

    deinit { kill() }
}
