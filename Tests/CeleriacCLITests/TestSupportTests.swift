import CeleriacTestSupport
import Foundation
import Testing

/// The helpers every other suite relies on must themselves work against the real tools.
@Suite("test support")
struct TestSupportTests {
    @Test func redisServerStartsAndStops() async throws {
        let server = try RedisServer()
        #expect(FreePort.isListening(server.port))
        let reply = try await ProcessRunner.run(try #require(ProjectPaths.which("redis-cli")), ["-p", String(server.port), "PING"])
        #expect(reply.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "PONG")
        server.stop()
        #expect(!FreePort.isListening(server.port))
    }

    @Test func tmuxDrivesARealTerminal() throws {
        let session = try TmuxSession(command: "printf 'hello from tmux\\n'; read line; echo \"got:$line\"", width: 80, height: 10)
        defer { session.kill() }
        #expect(session.waitFor("hello from tmux") != nil)
        session.type("abc")
        session.send("Enter")
        #expect(session.waitFor("got:abc") != nil)
        #expect(session.waitFor(timeout: 5) { _ in session.programExited } != nil)
        #expect(session.exitStatus == 0)
    }

    @Test func tmuxReportsAFailingExitStatus() throws {
        let session = try TmuxSession(command: "exit 3", width: 40, height: 5)
        defer { session.kill() }
        #expect(session.exitStatus() == 3)
    }

    @Test func pythonCeleryIsInstalled() async throws {
        let python = try #require(ProjectPaths.venvProgram("python"))
        let output = try await ProcessRunner.run(python, ["-c", "import celery, kombu, redis, flower; print(celery.__version__)"])
        #expect(output.status == 0)
        #expect(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "5.7.0")
    }
}
