import CeleriacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `celeriac demo` headless, as CI runs it: the bundled broker, two worker children and the
/// load, then a summary whose counts add up — and never an orphan.
@Suite("celeriac demo")
struct DemoCommandTests {
    /// The pids of processes whose command line contains `text`.
    func processes(containing text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text)
        }
    }

    func waitForBrokerURL(in output: String, timeout: TimeInterval = 60) async throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if text.contains("demo: workers online") {
                return text.split(separator: "\n").first { $0.hasPrefix("demo: broker: ") }
                    .map { String($0.dropFirst("demo: broker: ".count)) }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func headlessRunPrintsASummaryThatAddsUp() async throws {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"),
                                           ["demo", "--no-console", "--duration", "20", "--seed", "11"], timeout: 180)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("demo: workers online: demo1@"))
        let summary = output.stdout
        func figure(_ label: String) -> Int? {
            guard let range = summary.range(of: " " + label) else { return nil }
            let digits = summary[..<range.lowerBound].reversed().prefix { $0.isNumber }
            return Int(String(digits.reversed()))
        }
        let sent = try #require(figure("tasks sent"))
        let succeeded = try #require(figure("succeeded"))
        let failed = try #require(figure("failed"))
        let revoked = try #require(figure("revoked"))
        let unfinished = try #require(figure("unfinished"))
        let retries = try #require(figure("retries"))
        #expect(sent > 200)
        #expect(sent == succeeded + failed + revoked + unfinished)
        // The mix's promises: most succeed, some fail, flaky tasks retry, expiring ones are revoked.
        #expect(succeeded > sent / 2)
        #expect(failed > 0)
        #expect(retries > 0)
        #expect(revoked > 0)
        #expect(summary.contains("Peak queue depth"))
    }

    @Test func killingTheDemoLeavesNoWorkerBehind() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString).log").path
        defer { unlink(log) }
        let demo = try ChildProcess(ProjectPaths.executable("celeriac").path, ["demo", "--no-console", "--duration", "600"],
                                    output: log)
        defer { demo.signalGroup(SIGKILL) }
        let url = try #require(await waitForBrokerURL(in: log), "the demo did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let workers = processes(containing: "worker --broker \(url)")
        #expect(workers.count == 2)
        // kill -9: no chance to stop anything in order. The workers' lifeline closes.
        demo.signal(SIGKILL)
        _ = try await offPool { demo.wait(timeout: 10) }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !processes(containing: "worker --broker \(url)").isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(processes(containing: "worker --broker \(url)").isEmpty)
    }

    func redis(_ server: RedisServer, _ arguments: [String]) async throws -> [String] {
        let cli = try #require(ProjectPaths.which("redis-cli"))
        let output = try await ProcessRunner.run(cli, ["-p", String(server.port), "--no-raw"] + arguments)
        return output.stdout.split(separator: "\n").map(String.init)
    }

    /// The task ids of the messages unacked now, by delivery tag.
    func unackedTasks(_ server: RedisServer) async throws -> [String: String] {
        let cli = try #require(ProjectPaths.which("redis-cli"))
        let output = try await ProcessRunner.run(cli, ["-p", String(server.port), "--json", "HGETALL", "unacked"])
        guard let pairs = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: String] else { return [:] }
        var ids: [String: String] = [:]
        for (tag, entry) in pairs {
            guard let fields = try JSONSerialization.jsonObject(with: Data(entry.utf8)) as? [Any],
                  let envelope = fields.first as? [String: Any], let headers = envelope["headers"] as? [String: Any],
                  let id = headers["id"] as? String else { continue }
            ids[tag] = id
        }
        return ids
    }

    @Test func aKilledWorkersAcksLateTasksComeBackAndRun() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString).log").path
        defer { unlink(log) }
        let demo = try ChildProcess(ProjectPaths.executable("celeriac").path,
                                    ["demo", "--no-console", "--broker", server.url(), "--duration", "80", "--rate", "40", "--seed", "4"],
                                    output: log)
        defer { demo.signalGroup(SIGKILL) }
        _ = try #require(await waitForBrokerURL(in: log), "the demo did not start")
        try await Task.sleep(for: .seconds(4))
        let victim = try #require(processes(containing: "worker --broker \(server.url())").first { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("demo2@")
        })
        kill(victim, SIGKILL)
        let atKill = try await unackedTasks(server)
        // Live workers ack within seconds; what is still unacked 20 s later was the dead one's.
        try await Task.sleep(for: .seconds(20))
        let stillThere = try await unackedTasks(server)
        let orphans = atKill.filter { stillThere[$0.key] != nil }
        #expect(!orphans.isEmpty, "the killed worker held no acks-late task")
        // Past the 30 s visibility timeout the survivor puts them back and runs them.
        let deadline = Date().addingTimeInterval(60)
        var missing = Set(orphans.values)
        while Date() < deadline, !missing.isEmpty {
            var stillMissing = Set<String>()
            for id in missing where (try? await redis(server, ["EXISTS", "celery-task-meta-\(id)"]))?.first != "(integer) 1" {
                stillMissing.insert(id)
            }
            missing = stillMissing
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(missing.isEmpty, "never ran again: \(missing)")
        #expect(try await offPool { demo.wait(timeout: 120) } == 0)
    }

    @Test(arguments: [
        ["demo", "--workers", "0"],
        ["demo", "--rate=-1"],
        ["demo", "--duration", "0"],
    ])
    func badOptionsAreOneLine(arguments: [String]) async throws {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), arguments, timeout: 30)
        #expect(output.status == 2)
        #expect(output.stderr.split(separator: "\n").count == 1)
    }

    @Test func withoutATerminalTheDemoRunsHeadless() async throws {
        // ProcessRunner gives no tty: the console cannot start, and the demo says so.
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["demo", "--duration", "4", "--rate", "20"],
                                           environment: ["TERM": "dumb"], timeout: 120)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("running headless for 4 s"))
        #expect(output.stdout.hasPrefix("Demo summary: "))
    }

    @Test func anUnreachableBrokerIsAClearError() async throws {
        let port = FreePort.Refusing()
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"),
                                           ["demo", "--no-console", "--broker", "redis://127.0.0.1:\(port.port)/0"], timeout: 60)
        #expect(output.status == 1)
        #expect(output.stderr.contains("cannot reach the broker at redis://127.0.0.1:\(port.port)/0"))
    }
}
