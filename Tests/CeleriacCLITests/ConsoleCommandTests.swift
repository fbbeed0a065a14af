import CeleriacTestSupport
import Foundation
import Testing

/// `celeriac console` without a terminal (`--once`, usage errors) and `celeriac audit`, run
/// as a user runs them: the built binary against a real redis-server.
@Suite("celeriac console --once and celeriac audit")
struct ConsoleCommandTests {
    func celeriac(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) async throws -> ProcessOutput {
        try await ProcessRunner.run(ProjectPaths.executable("celeriac"), arguments, environment: environment, timeout: timeout)
    }

    static var session: String {
        ProjectPaths.root.appendingPathComponent("Tests/CeleriacConsoleTests/Fixtures/demo-session.jsonl").path
    }

    @Test(arguments: [
        (["console", "--once", "--size", "120"], "--size"),
        (["console", "--once", "--size", "0x40"], "--size"),
        (["console", "--size", "120x40"], "--size"),
        (["console", "--once", "--view", "galaxy"], "--view"),
        (["console", "--once", "--max-tasks", "lots"], "--max-tasks"),
        (["console", "--once", "--speed", "10"], "--speed"),
        (["console", "--once", "--replay", "/nonexistent/recording.jsonl"], "--replay"),
        (["console", "--once", "--replay", session, "--speed", "0"], "--speed"),
        (["console", "--once", "--replay", session, "--record", "/tmp/x.jsonl"], "--record"),
        (["console", "--once", "--broker", "kafka://x"], "broker"),
        (["audit", "-n", "0"], "-n"),
    ])
    func usageErrorsAreOneLineNamingTheOption(arguments: [String], option: String) async throws {
        let output = try await celeriac(arguments)
        #expect(output.status == 2, "\(output.stderr)")
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(lines.first?.contains(option) == true, "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func onceFromARecordingPrintsTheFrame() async throws {
        let output = try await celeriac(["console", "--once", "--replay", Self.session, "--view", "workers", "--size", "100x30"],
                                  environment: ["LANG": "C.UTF-8"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 30)
        // Trailing blanks are trimmed; the boxes span the whole width.
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(lines.filter { $0.hasPrefix("┌") }.allSatisfy { $0.count == 100 })
        #expect(output.stdout.contains("w1@host1"))
        #expect(output.stdout.contains("w2@host2"))
        // The Workers tab is the one shown.
        #expect(output.stdout.contains("Workers (2 of 2 online)") || output.stdout.contains("Workers (0 of 2 online)"))
        // Below 80×24 the console says so instead of drawing.
        let small = try await celeriac(["console", "--once", "--replay", Self.session, "--size", "60x20"])
        #expect(small.stdout.contains("Terminal too small: 60×20") || small.stdout.contains("Terminal too small: 60x20"))
    }

    @Test func onceAgainstALiveClusterNamesTheWorkerAndQueues() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url())
        defer { worker.stop() }
        let broker = ["--broker", server.url()]
        for _ in 0..<2 { #expect(try await celeriac(["call", "demo.add", "--args", "[1, 2]", "-Q", "backlog"] + broker).status == 0) }
        let output = try await celeriac(["console", "--once", "--view", "overview", "--size", "120x40"] + broker,
                                  environment: ["LANG": "C.UTF-8"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains(worker.nodename))
        let backlog = try #require(output.stdout.split(separator: "\n").first { $0.contains("backlog") })
        #expect(backlog.split(separator: " ").contains("2"), "\(backlog)")
        #expect(output.stdout.contains("connected"))

        // --record keeps what one round read; --replay shows it again without the broker.
        let recording = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-once-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: recording) }
        let recorded = try await celeriac(["console", "--once", "--record", recording.path] + broker)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let lines = try String(contentsOf: recording, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains(#""kind": "snapshot""#) && $0.contains(worker.nodename) })
        #expect(lines.contains { $0.contains(#""kind": "depths""#) && $0.contains("backlog") })
        let replayed = try await celeriac(["console", "--once", "--replay", recording.path, "--view", "workers", "--size", "120x40"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stderr.isEmpty, "\(replayed.stderr)")
        #expect(replayed.stdout.contains(worker.nodename))

        // The workers view of the same cluster, in ASCII for a non-UTF-8 locale.
        let ascii = try await celeriac(["console", "--once", "--view", "workers", "--size", "120x40"] + broker,
                                 environment: ["LANG": "C"])
        #expect(ascii.status == 0, "\(ascii.stderr)")
        #expect(ascii.stdout.contains(worker.nodename))
        let isASCII = ascii.stdout.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(isASCII)
    }

    @Test func onceWithoutABrokerFailsWithOneLine() async throws {
        let refusing = FreePort.Refusing()
        let output = try await celeriac(["console", "--once", "--broker", "redis://127.0.0.1:\(refusing.port)/0"])
        #expect(output.status == 1)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.last?.hasPrefix("Error: cannot reach the broker") == true, "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func auditPrintsTheRecordsOldestFirstAndSaysWhatIsUnreadable() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let redisCLI = try #require(ProjectPaths.which("redis-cli"))
        func push(_ entry: String) async throws {
            let output = try await ProcessRunner.run(redisCLI, ["-p", String(server.port), "LPUSH", "celeriac.audit", entry])
            #expect(output.status == 0, "\(output.stderr)")
        }
        let broker = ["--broker", server.url()]
        #expect(try await celeriac(["audit"] + broker).stdout == "No actions recorded.\n")
        try await push(#"{"timestamp": 1795559256.5, "user": "ops", "host": "box", "action": "revoke", "target": "abc", "outcome": "w1@h: ok"}"#)
        try await push("not json")
        try await push(#"{"timestamp": 1795559300.0, "user": "ops", "host": "box", "action": "purge", "target": "slow", "outcome": "broker: purged 3 messages"}"#)

        let text = try await celeriac(["audit"] + broker)
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("\tops@box\trevoke\tabc\tw1@h: ok"))
        #expect(lines[0].hasPrefix("2026-11-24T22:27:36"))
        #expect(lines[1].hasPrefix("unreadable audit entry: not JSON"))
        #expect(lines[2].hasSuffix("\tops@box\tpurge\tslow\tbroker: purged 3 messages"))

        let newest = try await celeriac(["audit", "-n", "1", "--json"] + broker)
        #expect(newest.stdout == #"[{"timestamp": 1795559300.0, "user": "ops", "host": "box", "action": "purge", "target": "slow", "outcome": "broker: purged 3 messages"}]"# + "\n")
    }
}

extension ConsoleCommandTests {
    @Test func alertsFromAFileFireAndABrokenFileIsReportedNotFatal() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("alerts.toml")
        try "[rules.slow-backlog]\nkind = \"queue_depth\"\nqueue = \"slow\"\nabove = 3\n".write(to: good, atomically: true, encoding: .utf8)
        let fired = try await celeriac(["console", "--once", "--replay", Self.session, "--alerts", good.path, "--size", "120x40"])
        #expect(fired.status == 0, "\(fired.stderr)")
        #expect(fired.stdout.contains("slow-backlog: queue slow has 6 messages (> 3)"))

        let broken = folder.appendingPathComponent("broken.toml")
        try "[rules.x]\nkind = \"queue_depth\"\nabove = \"many\"\n".write(to: broken, atomically: true, encoding: .utf8)
        let output = try await celeriac(["console", "--once", "--replay", Self.session, "--alerts", broken.path, "--size", "120x40"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("warning: --alerts: \(broken.path):3: rules.x.above: must be a whole number"))
        #expect(output.stdout.contains("No alert rules loaded"))
    }
}

extension ConsoleCommandTests {
    @Test func aBrokenThemeIsReportedWithFileLineAndKeyAndTheFrameStillPrints() async throws {
        let theme = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-theme-\(UUID().uuidString).toml")
        try "inherits = \"default\"\n[roles]\nselecton = \"red\"\n".write(to: theme, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: theme) }
        let output = try await celeriac(["console", "--once", "--replay", Self.session, "--theme", theme.path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("\(theme.path):3"), "\(output.stderr)")
        #expect(output.stderr.contains("selecton"))
        #expect(output.stdout.contains("w1@host1"))
    }
}
