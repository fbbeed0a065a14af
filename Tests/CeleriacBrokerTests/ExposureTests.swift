import CeleriacBroker
import CeleriacTestSupport
import Foundation
import Testing

/// What the running `celeriac broker` exposes (issue #10): where it listens by default, that an
/// open public bind is refused before anything listens, and that its log never shows the
/// password, even after a wrong guess.
@Suite("Broker exposure")
struct ExposureTests {
    /// The listening sockets of `port` in /proc/net/tcp and tcp6: their local addresses as the
    /// kernel prints them (`0100007F` is 127.0.0.1, `00000000` any IPv4 address).
    static func listeners(port: Int) -> [String] {
        let hexPort = String(format: "%04X", port)
        var found: [String] = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = (try? String(contentsOfFile: table, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 3, fields[3] == "0A" else { continue }
                let local = fields[1].split(separator: ":")
                if local.count == 2, local[1] == hexPort { found.append(String(local[0])) }
            }
        }
        return found
    }

    @Test func defaultBindIsLoopbackOnly() throws {
        let broker = try BrokerProcess(arguments: ["--appendonly", "no"])
        defer { broker.stop() }
        #expect(Self.listeners(port: broker.port) == ["0100007F"])
    }

    @Test func publicBindWithoutPasswordNeverListens() async throws {
        let port = FreePort.next()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-exposure-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), [
            "broker", "--bind", "0.0.0.0", "--port", String(port), "--dir", folder.path, "--appendonly", "no",
        ], timeout: 30)
        #expect(output.status != 0)
        #expect((output.stdout + output.stderr).contains("refusing to listen on 0.0.0.0 without a password"))
        #expect(Self.listeners(port: port).isEmpty)
    }

    @Test func brokerLogNeverShowsThePassword() throws {
        let secret = "pw-\(UUID().uuidString.prefix(12))"
        let broker = try BrokerProcess(password: secret, arguments: ["--appendonly", "no", "--loglevel", "debug"])
        defer { broker.stop() }
        let guesser = try RawConnection(port: broker.port)
        try guesser.send(command: "AUTH", secret + "x")
        let wrong = "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        #expect(try guesser.receive(like: wrong) == wrong)
        let client = try RawConnection(port: broker.port)
        try client.send(RawConnection.command(["AUTH", secret]) + RawConnection.command(["PING"]))
        #expect(try client.receive(like: "+OK\r\n+PONG\r\n") == "+OK\r\n+PONG\r\n")
        broker.terminate()
        let log = broker.log
        #expect(!log.isEmpty)
        #expect(!log.contains(secret), "the broker log shows the password:\n\(log)")
    }
}
