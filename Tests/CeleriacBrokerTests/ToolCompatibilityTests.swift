import CeleriacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `celeriac broker` with redis-cli, redis-benchmark, and its command line.
@Suite("Broker with Redis tools and its CLI")
struct ToolCompatibilityTests {
    static var redisCLI: URL? { ProjectPaths.which("redis-cli") }

    @Test func redisCLIWorks() async throws {
        let cli = try #require(Self.redisCLI)
        let broker = try BrokerProcess(arguments: ["--appendonly", "no"])
        defer { broker.stop() }
        let port = String(broker.port)
        #expect(try await ProcessRunner.run(cli, ["-p", port, "PING"]).stdout == "PONG\n")
        #expect(try await ProcessRunner.run(cli, ["-p", port, "SET", "greeting", "hello"]).stdout == "OK\n")
        #expect(try await ProcessRunner.run(cli, ["-p", port, "GET", "greeting"]).stdout == "hello\n")
        // Interactive mode reads commands from stdin.
        let interactive = try await ProcessRunner.run(cli, ["-p", port], input: "RPUSH l a b\nLRANGE l 0 -1\n")
        #expect(interactive.stdout.contains("2"))
        #expect(interactive.stdout.contains("a\nb"))
    }

    @Test func monitorShowsAnotherClientsCommand() async throws {
        let cli = try #require(Self.redisCLI)
        let broker = try BrokerProcess(arguments: ["--appendonly", "no"])
        defer { broker.stop() }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let monitor = try ChildProcess(cli.path, ["-p", String(broker.port), "MONITOR"], output: output.path)
        defer { _ = monitor.terminate(grace: 2) }
        var text = ""
        for _ in 0..<500 {
            _ = try await ProcessRunner.run(cli, ["-p", String(broker.port), "SET", "watched-key", "42"])
            text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if text.contains("\"watched-key\"") { break }
            usleep(20_000)
        }
        #expect(text.contains("OK"))
        #expect(text.contains("\"SET\" \"watched-key\" \"42\""))
    }

    @Test func redisBenchmarkRunsCleanly() async throws {
        let benchmark = try #require(ProjectPaths.which("redis-benchmark"))
        let broker = try BrokerProcess(arguments: ["--appendonly", "no"])
        defer { broker.stop() }
        let result = try await ProcessRunner.run(
            benchmark, ["-p", String(broker.port), "-q", "-n", "2000", "-c", "10", "-t", "ping,set,get,lpush,rpop"],
            timeout: 300)
        #expect(result.status == 0)
        for name in ["PING_INLINE", "SET", "GET", "LPUSH", "RPOP"] {
            #expect(result.stdout.contains("\(name): "), "\(name) missing from \(result.stdout)")
        }
    }

    @Test func badOptionsExitWithStatusTwo() async throws {
        let celeriac = ProjectPaths.executable("celeriac")
        for arguments in [["--appendfsync", "sometimes"], ["--maxmemory", "lots"], ["--appendonly", "maybe"],
                          ["--bind", "0.0.0.0", "--appendonly", "no"]] {
            let result = try await ProcessRunner.run(celeriac, ["broker", "--port", "0"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(arguments[0]) || result.stderr.contains("protected-mode"), "\(result.stderr)")
        }
    }

    @Test func busyPortExitsWithStatusOne() async throws {
        let redis = try RedisServer()
        defer { redis.stop() }
        let result = try await ProcessRunner.run(
            ProjectPaths.executable("celeriac"), ["broker", "--port", String(redis.port), "--appendonly", "no"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("already in use"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func shutdownCommandStopsTheBroker() async throws {
        let cli = try #require(Self.redisCLI)
        let broker = try BrokerProcess()
        defer { broker.stop() }
        _ = try await ProcessRunner.run(cli, ["-p", String(broker.port), "SET", "k", "v"])
        _ = try await ProcessRunner.run(cli, ["-p", String(broker.port), "SHUTDOWN"])
        var listening = true
        for _ in 0..<500 where listening {
            listening = FreePort.isListening(broker.port)
            usleep(20_000)
        }
        #expect(!listening)
        #expect(broker.terminate() == 0)
    }
}
