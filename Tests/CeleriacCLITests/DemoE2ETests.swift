import CeleriacTestSupport
import Foundation
import Testing

/// `celeriac demo` in a real terminal (tmux, 120×40): the whole system as a newcomer first sees
/// it, driven key by key — revoke, retry, rate limit — then `q`, the summary, and no process left.
@Suite("celeriac demo in a terminal")
struct DemoE2ETests {
    struct ScreenWait: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    func wait(_ session: TmuxSession, _ what: String, timeout: TimeInterval = 60,
              _ predicate: @escaping @Sendable (String) -> Bool) async throws -> String {
        // Polled on a thread of its own: the cooperative pool stays free for other tests.
        if let screen = try await offPool({ session.waitFor(timeout: timeout, predicate) }) { return screen }
        throw ScreenWait(description: "no \(what) on screen within \(Int(timeout)) s; the screen:\n\(session.capture())")
    }

    /// The words of the first screen line holding `text`.
    func words(of screen: String, lineWith text: String) -> [String] {
        guard let line = screen.split(separator: "\n").first(where: { $0.contains(text) }) else { return [] }
        return line.replacingOccurrences(of: "│", with: " ").split(separator: " ").map(String.init)
    }

    /// The number after `label` on the screen (`done 26.7`).
    func figure(after label: String, in screen: String) -> Double? {
        guard let range = screen.range(of: label + " ") else { return nil }
        return Double(screen[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// demo.add's Rate/s in the Task types view (the sixth column).
    func addRate(_ screen: String) -> Double? {
        let row = words(of: screen, lineWith: "demo.add ")
        return row.count > 5 ? Double(row[5]) : nil
    }

    @Test func revokeRetryRateLimitAndQuit() async throws {
        let binary = ProjectPaths.executable("celeriac").path
        let session = try TmuxSession(command: "\(TmuxSession.shellQuoted(binary)) demo --seed 5", width: 120, height: 40)
        defer { session.kill() }

        // Both workers online, tasks flowing.
        let overview = try await wait(session, "both workers and throughput", timeout: 90) { screen in
            screen.contains("demo1@") && screen.contains("demo2@") && screen.contains("2 up")
                && (self.figure(after: "done", in: screen) ?? 0) > 0
        }
        // The workers' pids, as the overview's worker table shows them (name, status, beat, pid).
        let workerPIDs = ["demo1@", "demo2@"].compactMap { Int32(words(of: overview, lineWith: $0).dropFirst(3).first ?? "") }
        #expect(workerPIDs.count == 2, "\(overview)")

        // Revoke a task held for its countdown.
        session.send("2")
        try await wait(session, "the Tasks view") { $0.contains(" tasks\n") && $0.contains("Received") }
        session.send("/")
        session.type("state:received name:demo.add")
        session.send("Enter")
        try await wait(session, "a held task", timeout: 60) { $0.contains(" of ") && $0.contains("RECEIVED") }
        session.send("r")
        try await wait(session, "the revoke confirmation") { $0.contains("Revoke task ") }
        session.send("y")
        try await wait(session, "the workers' revoke replies") { $0.contains("flagged as revoked") }
        // Close the outcome, then clear the filter (it applies to every view).
        session.send("Escape")
        try await Task.sleep(for: .milliseconds(300))
        session.send("Escape")
        try await Task.sleep(for: .milliseconds(300))

        // Retry a failure from the Failures view.
        session.send("4")
        // The oldest failure (the last row) is certainly in the store already.
        try await wait(session, "failures kept in the store", timeout: 90) { $0.contains("demo.fail") && $0.contains(" yes ") }
        session.send("G")
        try await Task.sleep(for: .milliseconds(300))
        session.send("y")
        try await wait(session, "the retry confirmation") { $0.contains("Retry task ") }
        session.send("y")
        try await wait(session, "the retry outcome") { $0.contains("re-published to ") }
        session.send("Escape")

        // Rate-limit demo.add to 6/m per worker and watch its rate fall.
        session.send("7")
        let before = try await wait(session, "demo.add's rate", timeout: 90) { (self.addRate($0) ?? 0) > 3 }
        let rateBefore = try #require(addRate(before))
        session.send(":")
        session.type("rate demo.add 6/m")
        session.send("Enter")
        try await wait(session, "the rate limit confirmation") { $0.contains("Set the rate limit of demo.add to 6/m?") }
        session.send("y")
        try await wait(session, "the rate limit replies") { $0.contains("new rate limit set successfully") }
        // The rate is the last minute's average: it falls as limited seconds replace free ones.
        try await wait(session, "demo.add's rate falling", timeout: 90) { (self.addRate($0) ?? rateBefore) < rateBefore * 0.6 }

        // Back to the overview, then q: the demo stops everything and prints its summary.
        // (the first q may close the outcome or leave the filter; at most three reach the overview)
        for _ in 0..<3 where session.waitFor(timeout: 2, { $0.contains("Cluster") }) == nil {
            session.send("q")
        }
        try await wait(session, "the overview again") { $0.contains("Cluster") }
        session.send("q")
        #expect(session.exitStatus(timeout: 90) == 0)
        let after = session.capture()
        #expect(after.contains("Demo summary:"), "\(after)")
        // No worker outlived the demo.
        let survivors = workerPIDs.filter { pid in
            let line = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return line.contains("worker")
        }
        #expect(survivors.isEmpty)
    }

    @Test func aKilledWorkerGoesOfflineWithinTheHeartbeatWindow() async throws {
        let binary = ProjectPaths.executable("celeriac").path
        let session = try TmuxSession(command: "\(TmuxSession.shellQuoted(binary)) demo --seed 9", width: 120, height: 40)
        defer { session.kill() }
        let overview = try await wait(session, "both workers", timeout: 90) { $0.contains("2 up") && $0.contains("demo2@") }
        let victim = try #require(Int32(words(of: overview, lineWith: "demo2@").dropFirst(3).first ?? ""), "\(overview)")
        kill(victim, SIGKILL)
        // Celery's rule: offline once two heartbeat intervals (2 s each) pass without one.
        let after = try await wait(session, "demo2 offline", timeout: 30) { screen in
            screen.contains("1 up") && self.words(of: screen, lineWith: "demo2@").contains("offline")
        }
        #expect(words(of: after, lineWith: "demo1@").contains("online"))
        for _ in 0..<3 where session.waitFor(timeout: 2, { $0.contains("Cluster") }) == nil { session.send("q") }
        session.send("q")
        #expect(session.exitStatus(timeout: 90) == 0)
    }
}
