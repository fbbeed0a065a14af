import CeleriacTestSupport
import Foundation
import Testing

/// `celeriac console` in a real terminal (tmux, 160×50) against redis-server and a Python
/// Celery worker: what an operator sees and does, key by key, down to the exit status.
@Suite("celeriac console in a terminal")
struct ConsoleE2ETests {
    struct ScreenWait: Error, CustomStringConvertible {
        var description: String
    }

    func celeriac(_ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(ProjectPaths.executable("celeriac"), arguments, timeout: 60)
    }

    /// Waits for the screen to satisfy `predicate`, or fails with the last screen.
    @discardableResult
    func wait(_ session: TmuxSession, _ what: String, timeout: TimeInterval = 30,
              _ predicate: @escaping (String) -> Bool) throws -> String {
        if let screen = session.waitFor(timeout: timeout, predicate) { return screen }
        throw ScreenWait(description: "no \(what) on screen within \(Int(timeout)) s; the screen:\n\(session.capture())")
    }

    /// The screen line holding `text`, split into its words.
    func words(of screen: String, lineWith text: String) -> [String] {
        guard let line = screen.split(separator: "\n").first(where: { $0.contains(text) }) else { return [] }
        return line.replacingOccurrences(of: "│", with: " ").split(separator: " ").map(String.init)
    }

    @Test func watchRevokeRateLimitPurgeAuditAndQuit() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let worker = try CeleryWorkerProcess(broker: server.url())
        defer { worker.stop() }
        let broker = ["--broker", server.url()]
        for _ in 0..<3 {
            let sent = try celeriac(["call", "demo.add", "--args", "[1, 2]", "-Q", "backlog"] + broker)
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        // A task the worker holds for two minutes: the one to revoke.
        let held = try celeriac(["call", "demo.add", "--args", "[5, 5]", "--countdown", "120"] + broker)
        let heldID = held.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(heldID.count == 36, "\(held.stderr)")

        let binary = ProjectPaths.executable("celeriac").path
        let session = try TmuxSession(command: "\(TmuxSession.shellQuoted(binary)) console --broker \(server.url())",
                                      width: 160, height: 50)
        defer { session.kill() }

        // Overview: the worker (from its snapshot and heartbeats) and the live depth of backlog.
        try wait(session, "the worker and the depth of backlog") { screen in
            screen.contains(worker.nodename) && self.words(of: screen, lineWith: "backlog").contains("3")
        }
        #expect(session.capture().contains("connected"))
        // A task run while the console watches: its events make demo.add a task type.
        let ran = try celeriac(["call", "demo.add", "--args", "[2, 2]", "--wait", "--timeout", "30"] + broker)
        #expect(ran.stdout == "4\n", "\(ran.stderr)")

        // Tasks view: filter down to the held task, revoke it, confirm.
        session.send("2")
        try wait(session, "the Tasks view with the held task") { $0.contains(String(heldID.prefix(8))) }
        session.send("/")
        session.type(heldID)
        session.send("Enter")
        try wait(session, "the filtered tasks") { $0.contains("1 of ") }
        session.send("r")
        try wait(session, "the revoke confirmation") { $0.contains("Revoke task \(heldID)?") }
        session.send("y")
        try wait(session, "the worker's revoke reply") { $0.contains("flagged as revoked") && $0.contains(worker.nodename) }
        session.send("Escape")

        // Task types: set demo.add's rate limit through the prefilled command line.
        session.send("7")
        try wait(session, "demo.add in Task types") { self.words(of: $0, lineWith: "demo.add").first == "demo.add" }
        session.send("l")
        try wait(session, "the rate command line") { $0.contains(":rate demo.add") }
        session.type("5/s")
        session.send("Enter")
        try wait(session, "the rate limit confirmation") { $0.contains("Set the rate limit of demo.add to 5/s?") }
        session.send("y")
        try wait(session, "the rate limit reply") { $0.contains("new rate limit set successfully") }
        try wait(session, "the new limit in the table") { self.words(of: $0, lineWith: "demo.add").contains("5/s") }

        // Queues: purge backlog (the first row), confirm, see it empty.
        session.send("6")
        try wait(session, "the Queues view") { $0.contains("Queues (") && $0.contains("backlog") }
        session.send("P")
        try wait(session, "the purge confirmation") { $0.contains("Purge every message waiting in backlog?") }
        session.send("y")
        try wait(session, "the purge outcome") { $0.contains("purged 3 messages") }
        try wait(session, "backlog at depth 0") { self.words(of: $0, lineWith: "backlog").dropFirst().first == "0" }

        // Audit: the three actions, by this user.
        session.send("9")
        let audit = try wait(session, "the actions in the Audit view") { screen in
            ["revoke", "rate_limit", "purge"].allSatisfy { screen.contains($0) }
        }
        #expect(audit.contains(heldID.prefix(20)))
        #expect(audit.contains("demo.add 5/s"))

        // q goes back to the overview, q again quits; the terminal is given back.
        session.send("q")
        try wait(session, "the overview again") { $0.contains("Cluster") }
        session.send("q")
        #expect(session.exitStatus(timeout: 20) == 0)

        // The worker really holds the revoke and the limit, and backlog is empty.
        let revoked = try celeriac(["inspect", "revoked", "--json"] + broker)
        #expect(revoked.stdout.contains(heldID))
        let queues = try celeriac(["queues", "--json", "--timeout", "0.2"] + broker)
        #expect(queues.stdout.contains(#""name": "backlog""#))
        #expect(queues.stdout.contains(#""messages": 0"#))
        let auditLines = try celeriac(["audit"] + broker).stdout.split(separator: "\n")
        #expect(auditLines.map { $0.split(separator: "\t").dropFirst(2).first ?? "" } == ["revoke", "rate_limit", "purge"])
    }
}
