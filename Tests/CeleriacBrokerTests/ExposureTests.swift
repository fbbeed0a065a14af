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
    /// kernel prints them (`0100007F` is 127.0.0.1, `00000000` any IPv4 address). With `pid`,
    /// only the sockets that process holds (a parallel test may get the same free port).
    static func listeners(port: Int, pid: Int32? = nil) -> [String] {
        let hexPort = String(format: "%04X", port)
        let owned = pid.map(socketInodes(of:))
        var found: [String] = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: String(contentsOfFile:) stops after the first 4 KB of a /proc
            // file, and with parallel tests the table holds hundreds of sockets.
            let text = FileHandle(forReadingAtPath: table).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, fields[3] == "0A" else { continue }
                if let owned, !owned.contains(String(fields[9])) { continue }
                let local = fields[1].split(separator: ":")
                if local.count == 2, local[1] == hexPort { found.append(String(local[0])) }
            }
        }
        return found
    }

    /// The inodes of the sockets `pid` has open (`/proc/<pid>/fd/N -> socket:[inode]`).
    static func socketInodes(of pid: Int32) -> Set<String> {
        let folder = "/proc/\(pid)/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Set(descriptors.compactMap { name -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(name)"),
                  target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst("socket:[".count).dropLast())
        })
    }

    @Test func defaultBindIsLoopbackOnly() async throws {
        let broker = try BrokerProcess(arguments: ["--appendonly", "no"])
        defer { broker.stop() }
        var listening: [String] = []
        for _ in 0..<100 where listening.isEmpty {
            listening = Self.listeners(port: broker.port, pid: broker.pid)
            if listening.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(listening == ["0100007F"], "the broker's own listening sockets on port \(broker.port)")
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
