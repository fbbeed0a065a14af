import CeleriacTestSupport
import Foundation
import Testing

/// The admin verbs run as a user runs them: the built `celeriac` binary against a real
/// redis-server, and a Python Celery worker where a worker is needed.
@Suite("celeriac client verbs")
struct ClientVerbTests {
    func celeriac(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 60) async throws -> ProcessOutput {
        try await ProcessRunner.run(ProjectPaths.executable("celeriac"), arguments, input: input, timeout: timeout)
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test(arguments: [
        ["call", "demo.add", "--args", "{\"x\": 1}"],
        ["call", "demo.add", "--kwargs", "[1, 2]"],
        ["call", "demo.add", "--args", "[1"],
        ["call", "demo.add", "--eta", "next tuesday"],
        ["call", "demo.add", "--countdown", "soon"],
        ["inspect", "frobnicate"],
        ["control", "rate_limit", "demo.add", "10/fortnight"],
        ["control", "teleport"],
        ["call", "demo.add", "--broker", "amqp://guest@localhost//"],
        ["purge", "-f", "--broker", "kafka://x"],
    ])
    func badInputIsOneLineAndExitTwo(arguments: [String]) async throws {
        let output = try await celeriac(arguments)
        #expect(output.status == 2)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(output.stdout.isEmpty)
    }

    @Test func purgeAndQueuesReportWhatIsInRedis() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let broker = ["--broker", server.url()]
        for priority in ["0", "0", "4", "9"] {
            let sent = try await celeriac(["call", "demo.add", "--args", "[1, 2]", "--priority", priority, "-Q", "jobs"] + broker)
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        let queues = try await celeriac(["queues", "--json", "--timeout", "0.2"] + broker)
        #expect(queues.status == 0, "\(queues.stderr)")
        let rows = try #require(try json(queues.stdout) as? [[String: Any]])
        let jobs = try #require(rows.first { $0["name"] as? String == "jobs" })
        #expect(jobs["messages"] as? Int == 4)
        #expect(jobs["priorities"] as? [String: Int] == ["0": 2, "3": 1, "6": 0, "9": 1])
        #expect(jobs["consumers"] as? Int == 0)

        let declined = try await celeriac(["purge", "-Q", "jobs"] + broker, input: "no\n")
        #expect(declined.status == 1)
        #expect(declined.stderr.contains("There is no undo"))
        let purged = try await celeriac(["purge", "-f", "-Q", "jobs"] + broker)
        #expect(purged.status == 0)
        #expect(purged.stdout == "Purged 4 messages from 1 known task queue.\n")
        let after = try await celeriac(["queues", "--timeout", "0.2"] + broker)
        #expect(after.stdout.contains("jobs\t0\t0\t0\t0\t0\t0"))
    }

    @Test func callResultInspectControlAndEventsWithAPythonWorker() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url())
        defer { worker.stop() }
        let broker = ["--broker", server.url()]

        let called = try await celeriac(["call", "demo.add", "--args", "[2, 3]"] + broker)
        #expect(called.status == 0, "\(called.stderr)")
        let id = called.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36)
        let result = try await celeriac(["result", id, "--timeout", "30"] + broker)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "5\n")

        let waited = try await celeriac(["call", "demo.mul", "--args", "[6, 7]", "--wait", "--timeout", "30"] + broker)
        #expect(waited.stdout == "42\n")

        let failed = try await celeriac(["call", "demo.fail", "--args", "[\"boom\"]", "--wait", "--timeout", "30"] + broker)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("DemoError('boom')"))
        #expect(failed.stderr.contains("Traceback"))

        let ping = try await celeriac(["inspect", "ping", "--json", "--timeout", "2"] + broker)
        #expect(ping.status == 0, "\(ping.stderr)")
        #expect(try json(ping.stdout) as? [String: [String: String]] == [worker.nodename: ["ok": "pong"]])
        let humanPing = try await celeriac(["inspect", "ping", "--timeout", "2"] + broker)
        #expect(humanPing.stdout.hasPrefix("->  \(worker.nodename): OK\n        pong\n"))
        let stats = try await celeriac(["inspect", "stats", "--json", "-d", worker.nodename] + broker)
        let statsReply = try #require((try json(stats.stdout) as? [String: [String: Any]])?[worker.nodename])
        #expect(statsReply["pid"] as? Int == Int(worker.pid))
        let registered = try await celeriac(["inspect", "registered", "--json"] + broker)
        let names = (try json(registered.stdout) as? [String: [String]])?[worker.nodename] ?? []
        #expect(names.contains("demo.add"))
        let active = try await celeriac(["inspect", "active", "--json"] + broker)
        #expect((try json(active.stdout) as? [String: [Any]])?[worker.nodename] != nil)

        let limited = try await celeriac(["control", "rate_limit", "demo.noop", "2/s", "--json"] + broker)
        #expect(try json(limited.stdout) as? [String: [String: String]] == [worker.nodename: ["ok": "new rate limit set successfully"]])
        // At 2/s, ten tasks cannot all finish in under 3 s (a loose bound, not a timing test).
        let started = Date()
        var ids: [String] = []
        for _ in 0..<10 {
            ids.append(try await celeriac(["call", "demo.noop"] + broker).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        for id in ids { #expect(try await celeriac(["result", id, "--timeout", "60"] + broker).stdout == "null\n") }
        #expect(Date().timeIntervalSince(started) >= 3)

        // events --dump: heartbeats and task events, line by line into a file.
        let dumpFile = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-events-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dumpFile) }
        let dumper = try ChildProcess(ProjectPaths.executable("celeriac").path, ["events", "--dump"] + broker, output: dumpFile.path)
        defer { _ = dumper.terminate(grace: 5) }
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        var sent = false
        while Date() < deadline {
            text = (try? String(contentsOf: dumpFile, encoding: .utf8)) ?? ""
            if !sent, text.contains("Starting capture") {
                _ = try await celeriac(["call", "demo.add", "--args", "[1, 1]"] + broker)
                sent = true
            }
            if text.contains("worker heartbeat"), text.contains("task succeeded") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(text.contains("worker heartbeat"))
        #expect(text.contains("task received"))
        #expect(text.contains("task succeeded"))
    }
}
