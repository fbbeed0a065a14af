@testable import CeleriacBroker
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `CONFIG SET appendonly yes` while the broker runs: until the first compaction lands the
/// old file stays whole, a failed compaction is reported by INFO and retried, and no write
/// acknowledged in that window is lost (by a restart after it lands, or by a shutdown before).
@Suite struct LogSwitchOnTests {
    /// An old log, as an earlier `appendonly yes` run left it: it describes another dataset.
    static let oldLog = "*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$1\r\n0\r\n"

    /// Prepares `folder` with the old log and a directory where the compaction's temporary
    /// file goes, which makes every compaction fail until it is removed; returns its path.
    static func prepare(_ folder: URL) throws -> (log: String, obstacle: String) {
        let log = folder.appendingPathComponent("appendonly.aof").path
        try oldLog.write(toFile: log, atomically: true, encoding: .utf8)
        // The server runs in this process: its temporary file is named with our pid.
        let obstacle = log + ".rewrite-\(getpid())"
        try FileManager.default.createDirectory(atPath: obstacle, withIntermediateDirectories: false)
        return (log, obstacle)
    }

    /// INFO persistence's fields, read over the wire.
    static func persistence(_ connection: RawConnection) throws -> [String: String] {
        try connection.send(command: "INFO", "persistence")
        let header = try connection.receive(until: "\r\n")
        let length = try #require(Int(header.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)))
        let body = try connection.receive(count: length + 2)
        var fields: [String: String] = [:]
        for line in body.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    /// INFO persistence, read again every `interval` until `done` holds of it or `attempts` run
    /// out (the caller's expectations then say what was missing).
    static func persistence(_ connection: RawConnection, attempts: Int = 250, every interval: Duration = .milliseconds(20),
                            until done: ([String: String]) -> Bool) async throws -> [String: String] {
        var fields = try persistence(connection)
        for _ in 0..<attempts where !done(fields) {
            try await Task.sleep(for: interval)
            fields = try persistence(connection)
        }
        return fields
    }

    @Test func aFailedFirstCompactionKeepsTheOldFileIsReportedAndRetried() async throws {
        try await withTemporaryFolder { folder in
            let (log, obstacle) = try Self.prepare(folder)
            try await withBroker(directory: folder, { $0.appendOnly = false }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(command: "SET", "before", "1")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
                try connection.send(command: "CONFIG", "SET", "appendonly", "yes")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
                try connection.send(command: "SET", "during", "2")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")

                var fields = try await Self.persistence(connection) { $0["aof_last_bgrewrite_status"] == "err" }
                #expect(fields["aof_last_bgrewrite_status"] == "err")
                #expect(fields["aof_rewrites_consecutive_failures"].flatMap { Int($0) } ?? 0 >= 1)
                #expect(fields["aof_rewrite_scheduled"] == "1" || fields["aof_rewrite_in_progress"] == "1")
                #expect(fields["aof_rewrites"] == "0")
                // Nothing was written over the old file while the compaction could not land.
                #expect(try String(contentsOfFile: log, encoding: .utf8) == Self.oldLog)

                try FileManager.default.removeItem(atPath: obstacle)
                // The retry (1 s, then 2 s …) lands once the obstacle is gone.
                fields = try await Self.persistence(connection, attempts: 300, every: .milliseconds(50)) {
                    $0["aof_last_bgrewrite_status"] == "ok" && $0["aof_rewrites"] != "0"
                }
                #expect(fields["aof_last_bgrewrite_status"] == "ok")
                #expect(fields["aof_rewrites_consecutive_failures"] == "0")
                #expect(fields["aof_rewrites"] == "1")
                try connection.send(command: "SET", "after", "3")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
            }
            // The log holds the dataset as it was switched on, and every write since.
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(command: "MGET", "before", "during", "after", "old")
                let expected = "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$-1\r\n"
                #expect(try connection.receive(like: expected) == expected)
            }
        }
    }

    @Test func aShutdownBeforeTheFirstCompactionLandsWritesTheDataset() async throws {
        try await withTemporaryFolder { folder in
            _ = try Self.prepare(folder)
            try await withBroker(directory: folder, { $0.appendOnly = false }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(command: "RPUSH", "queue", "a", "b")
                #expect(try connection.receive(like: ":2\r\n") == ":2\r\n")
                try connection.send(command: "CONFIG", "SET", "appendonly", "yes")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
                try connection.send(command: "RPUSH", "queue", "c")
                #expect(try connection.receive(like: ":3\r\n") == ":3\r\n")
                let fields = try await Self.persistence(connection) { $0["aof_last_bgrewrite_status"] == "err" }
                #expect(fields["aof_last_bgrewrite_status"] == "err")
            }
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(command: "LRANGE", "queue", "0", "-1")
                let expected = "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"
                #expect(try connection.receive(like: expected) == expected)
                try connection.send(command: "EXISTS", "old")
                #expect(try connection.receive(like: ":0\r\n") == ":0\r\n")
            }
        }
    }
}
