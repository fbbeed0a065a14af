import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `celeriac console` in a real terminal (tmux, 160×50) against redis-server, a Python Celery
/// worker and a Celeriac worker: what an operator sees and does, key by key, down to the exit
/// status.
@Suite("celeriac console in a terminal")
struct ConsoleE2ETests {
    struct ScreenWait: Error, CustomStringConvertible {
        var description: String
    }

    func celeriac(_ arguments: [String]) async throws -> ProcessOutput {
        try await ProcessRunner.run(ProjectPaths.executable("celeriac"), arguments, timeout: 60)
    }

    /// Waits for the screen to satisfy `predicate`, or fails with the last screen.
    @discardableResult
    func wait(_ session: TmuxSession, _ what: String, timeout: TimeInterval = 30,
              _ predicate: @escaping @Sendable (String) -> Bool) async throws -> String {
        // Polled on a thread of its own: the cooperative pool stays free for other tests.
        if let screen = try await offPool({ session.waitFor(timeout: timeout, predicate) }) { return screen }
        throw ScreenWait(description: "no \(what) on screen within \(Int(timeout)) s; the screen:\n\(session.capture())")
    }

    /// Waits until `celeriac result` shows the retried task's value (its stored result is the
    /// failure until the retry has run).
    func succeeded(_ id: String, broker: [String]) async throws {
        let deadline = Date().addingTimeInterval(30)
        while try await celeriac(["result", id, "--timeout", "5"] + broker).stdout != "21\n" {
            guard Date() < deadline else { throw ScreenWait(description: "no result 21 stored for \(id)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The screen line holding `text`, split into its words.
    func words(of screen: String, lineWith text: String) -> [String] {
        guard let line = screen.split(separator: "\n").first(where: { $0.contains(text) }) else { return [] }
        return line.replacingOccurrences(of: "│", with: " ").split(separator: " ").map(String.init)
    }

    @Test func watchRevokeRetryEditRateLimitPurgeAuditAndQuit() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url())
        defer { worker.stop() }
        // The Celeriac worker consumes its own queue and keeps what fails for good.
        let celeriacWorker = try await CeleriacWorkerProcess(broker: server.url(), arguments: ["-n", "cel@localhost", "-Q", "cel", "-c", "2"])
        defer { celeriacWorker.stop() }
        let broker = ["--broker", server.url()]
        // demo.flaky(21) sent as its 19th retry runs out of retries and lands in the failure
        // store; retried (retry 21) it succeeds, and with args [0] too.
        let app = try await App(configuration: try Configuration(broker: server.url()))
        var options = SendOptions(queue: "cel")
        options.retries = 19
        let retried = try await app.producer.send("demo.flaky", args: [21], options: options).id
        let edited = try await app.producer.send("demo.flaky", args: [21], options: options).id
        await app.close()
        // The "editor": turns the args [21] into [0].
        let editor = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-editor-\(UUID().uuidString).sh")
        try "#!/bin/sh\nsed -i 's/\\[21\\]/[0]/' \"$1\"\n".write(to: editor, atomically: true, encoding: .utf8)
        chmod(editor.path, 0o755)
        defer { try? FileManager.default.removeItem(at: editor) }
        for _ in 0..<3 {
            let sent = try await celeriac(["call", "demo.add", "--args", "[1, 2]", "-Q", "backlog"] + broker)
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        // A task the worker holds for two minutes: the one to revoke.
        let held = try await celeriac(["call", "demo.add", "--args", "[5, 5]", "--countdown", "120"] + broker)
        let heldID = held.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(heldID.count == 36, "\(held.stderr)")

        let binary = ProjectPaths.executable("celeriac").path
        let session = try TmuxSession(command: "\(TmuxSession.shellQuoted(binary)) console --broker \(server.url())",
                                      width: 160, height: 50, environment: ["EDITOR": editor.path, "VISUAL": ""])
        defer { session.kill() }

        // Overview: both workers (from their snapshots and heartbeats) and the live depth of backlog.
        try await wait(session, "the workers and the depth of backlog") { screen in
            screen.contains(worker.nodename) && screen.contains("cel@localhost")
                && self.words(of: screen, lineWith: "backlog").contains("3")
        }
        #expect(session.capture().contains("connected"))
        // A task run while the console watches: its events make demo.add a task type.
        let ran = try await celeriac(["call", "demo.add", "--args", "[2, 2]", "--wait", "--timeout", "30"] + broker)
        #expect(ran.stdout == "4\n", "\(ran.stderr)")

        // Tasks view: filter down to the held task, revoke it, confirm.
        session.send("2")
        try await wait(session, "the Tasks view with the held task") { $0.contains(String(heldID.prefix(8))) }
        session.send("/")
        session.type(heldID)
        session.send("Enter")
        try await wait(session, "the filtered tasks") { $0.contains("1 of ") }
        session.send("r")
        try await wait(session, "the revoke confirmation") { $0.contains("Revoke task \(heldID)?") }
        session.send("y")
        // Both workers answer: the replies are listed in a dialog.
        try await wait(session, "the workers' revoke replies") { $0.contains("flagged as revoked") && $0.contains(worker.nodename) }
        session.send("Escape")
        session.send("Escape")

        // Failures: retry one stored failure as it was, and edit the other's arguments.
        session.send("4")
        try await wait(session, "both stored failures") { $0.contains(String(retried.prefix(8))) && $0.contains(String(edited.prefix(8))) }
        session.send("/")
        session.type(retried)
        session.send("Enter")
        session.send("y")
        try await wait(session, "the retry confirmation") { $0.contains("Retry task \(retried)?") }
        session.send("y")
        try await wait(session, "the retry outcome") { $0.contains("re-published to cel") }
        try await succeeded(retried, broker: broker)
        session.send("Escape")
        session.send("/")
        session.type(edited)
        session.send("Enter")
        session.send("e")
        try await wait(session, "the edited retry's confirmation") { $0.contains("Retry task \(edited) with new arguments?") }
        session.send("y")
        try await wait(session, "the edited retry's outcome") { $0.contains("re-published to cel with new arguments") }
        try await succeeded(edited, broker: broker)
        session.send("Escape")

        // Task types: set demo.add's rate limit through the prefilled command line.
        session.send("7")
        try await wait(session, "demo.add in Task types") { self.words(of: $0, lineWith: "demo.add").first == "demo.add" }
        session.send("l")
        try await wait(session, "the rate command line") { $0.contains(":rate demo.add") }
        session.type("2/s")
        session.send("Enter")
        try await wait(session, "the rate limit confirmation") { $0.contains("Set the rate limit of demo.add to 2/s?") }
        session.send("y")
        try await wait(session, "the rate limit reply") { $0.contains("new rate limit set successfully") }
        session.send("Escape")
        try await wait(session, "the new limit in the table") { self.words(of: $0, lineWith: "demo.add").contains("2/s") }
        // The limit holds: at 2/s the Python worker needs at least 3.5 s for eight tasks sent at
        // once (a lower bound, so a slow machine cannot make it fail).
        let client = try await App(configuration: try Configuration(broker: server.url()))
        let started = Date()
        let limited = try await client.producer.sendMany((0..<8).map { ("demo.add", [.integer($0), 1], JSONObject(), SendOptions()) })
        for result in limited { _ = try await result.get(timeout: 60) }
        #expect(Date().timeIntervalSince(started) >= 3)
        await client.close()

        // Queues: purge backlog (the first row), confirm, see it empty.
        session.send("6")
        try await wait(session, "the Queues view") { $0.contains("Queues (") && $0.contains("backlog") }
        session.send("P")
        try await wait(session, "the purge confirmation") { $0.contains("Purge every message waiting in backlog?") }
        session.send("y")
        try await wait(session, "the purge outcome") { $0.contains("purged 3 messages") }
        try await wait(session, "backlog at depth 0") { self.words(of: $0, lineWith: "backlog").dropFirst().first == "0" }

        // Audit: the three actions, by this user.
        session.send("9")
        let audit = try await wait(session, "the actions in the Audit view") { screen in
            ["revoke", "retry", "edit_retry", "rate_limit", "purge"].allSatisfy { screen.contains($0) }
        }
        #expect(audit.contains(heldID.prefix(20)))
        #expect(audit.contains("demo.add 2/s"))

        // A terminal below 80×24 gets the console's message; back at full size, the view returns.
        session.resize(width: 70, height: 20)
        try await wait(session, "the too-small message") { $0.contains("Terminal too small: 70×20") }
        session.resize(width: 160, height: 50)
        try await wait(session, "the Audit view again") { $0.contains("Audit (") }

        // q goes back to the overview, q again quits; the terminal is given back.
        session.send("q")
        try await wait(session, "the overview again") { $0.contains("Cluster") }
        session.send("q")
        #expect(session.exitStatus(timeout: 20) == 0)

        // The worker really holds the revoke and the limit, and backlog is empty.
        let revoked = try await celeriac(["inspect", "revoked", "--json"] + broker)
        #expect(revoked.stdout.contains(heldID))
        let queues = try await celeriac(["queues", "--json", "--timeout", "0.2"] + broker)
        #expect(queues.stdout.contains(#""name": "backlog""#))
        #expect(queues.stdout.contains(#""messages": 0"#))
        let auditLines = try await celeriac(["audit"] + broker).stdout.split(separator: "\n")
        #expect(auditLines.map { $0.split(separator: "\t").dropFirst(2).first ?? "" }
                == ["revoke", "retry", "edit_retry", "rate_limit", "purge"])
    }

    @Test func aRecordingReplaysInATerminalReadOnly() async throws {
        let session = ProjectPaths.root.appendingPathComponent("Tests/CeleriacConsoleTests/Fixtures/demo-session.jsonl").path
        let binary = ProjectPaths.executable("celeriac").path
        let tmux = try TmuxSession(command: "\(TmuxSession.shellQuoted(binary)) console --replay \(TmuxSession.shellQuoted(session)) "
                                   + "--speed 50 --read-only --view workers", width: 120, height: 40)
        defer { tmux.kill() }
        try await wait(tmux, "the recorded workers") { $0.contains("w1@host1") && $0.contains("w2@host2") }
        tmux.send("2")
        try await wait(tmux, "the recorded tasks") { $0.contains("demo.add") }
        tmux.send("r")
        try await wait(tmux, "the read-only refusal") { $0.contains("read-only: Revoke") }
        tmux.send("q")
        tmux.send("q")
        #expect(tmux.exitStatus(timeout: 20) == 0)
    }
}
