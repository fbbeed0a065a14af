@testable import CeleriacBroker
import CeleriacTestSupport
import Foundation
import Testing

/// The append-only log: crash safety with `always`, truncated and corrupt logs, compaction,
/// and loading the log into a real redis-server.
@Suite("Broker durability")
struct DurabilityTests {
    @Test func acknowledgedWritesSurviveKillNine() throws {
        let broker = try BrokerProcess(arguments: ["--appendfsync", "always"])
        defer { broker.stop() }
        let writer = try RawConnection(port: broker.port)
        let count = 10_000
        var request = ""
        for index in 0..<count { request += RawConnection.command(["SET", "key:\(index)", "value-\(index)"]) }
        try writer.send(request)
        let acknowledgements = String(repeating: "+OK\r\n", count: count)
        #expect(try writer.receive(like: acknowledgements) == acknowledgements)
        broker.kill9()
        try broker.restart()
        let reader = try RawConnection(port: broker.port)
        try reader.send(command: "DBSIZE")
        #expect(try reader.receive(like: ":10000\r\n") == ":10000\r\n")
        var reads = ""
        var expected = ""
        for index in 0..<count {
            reads += RawConnection.command(["GET", "key:\(index)"])
            let value = "value-\(index)"
            expected += "$\(value.utf8.count)\r\n\(value)\r\n"
        }
        try reader.send(reads)
        #expect(try reader.receive(like: expected) == expected)
    }

    /// A log that cannot be written (a full or failing disk): the write in flight is kept and
    /// retried, later writes and PING get Redis's MISCONF while reads go on, INFO says `err`,
    /// and once the disk works again everything is written and nothing was lost.
    @Test func aFailingLogRefusesWritesUntilTheDiskWorksAgain() async throws {
        try await withTemporaryFolder { folder in
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                // Swap the log's descriptor for a read-only one: every write fails with EBADF.
                let saved = try await server.loop.submit { () -> Int32 in
                    guard let file = server.appendOnlyFile else { return -1 }
                    let saved = dup(file.fd)
                    let readOnly = open("/dev/null", O_RDONLY)
                    dup2(readOnly, file.fd)
                    close(readOnly)
                    return saved
                }.get()
                try #require(saved >= 0)
                try connection.send(command: "SET", "first", "1")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
                let refusal = "-MISCONF Errors writing to the AOF file: Bad file descriptor\r\n"
                try connection.send(command: "SET", "second", "2")
                #expect(try connection.receive(like: refusal) == refusal)
                try connection.send(command: "PING")
                #expect(try connection.receive(like: refusal) == refusal)
                try connection.send(command: "GET", "first")
                #expect(try connection.receive(like: "$1\r\n1\r\n") == "$1\r\n1\r\n")
                try connection.send(command: "INFO", "persistence")
                #expect(try connection.receive(until: "aof_current_size").contains("aof_last_write_status:err"))
                _ = try connection.receive(until: "\r\n\r\n")

                try await server.loop.submit {
                    guard let file = server.appendOnlyFile else { return }
                    dup2(saved, file.fd)
                    close(saved)
                }.get()
                // The log's one-second tick writes the kept record and lifts the refusal.
                var answer = ""
                for _ in 0..<50 where answer != "+OK\r\n" {
                    try await Task.sleep(for: .milliseconds(100))
                    try connection.send(command: "SET", "second", "2")
                    answer = try connection.receive(until: "\r\n")
                }
                #expect(answer == "+OK\r\n")
            }
            // Both writes are in the log: a broker started on it has them.
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(RawConnection.command(["GET", "first"]) + RawConnection.command(["GET", "second"]))
                #expect(try connection.receive(like: "$1\r\n1\r\n$1\r\n2\r\n") == "$1\r\n1\r\n$1\r\n2\r\n")
            }
        }
    }

    @Test func gracefulShutdownKeepsEverysecWrites() throws {
        let broker = try BrokerProcess(arguments: ["--appendfsync", "everysec"])
        defer { broker.stop() }
        let connection = try RawConnection(port: broker.port)
        try connection.send(command: "RPUSH", "list", "a", "b", "c")
        #expect(try connection.receive(like: ":3\r\n") == ":3\r\n")
        #expect(broker.terminate() == 0)
        #expect(broker.log.contains("shutting down"))
        try broker.restart()
        let again = try RawConnection(port: broker.port)
        try again.send(command: "LLEN", "list")
        #expect(try again.receive(like: ":3\r\n") == ":3\r\n")
        // The broker listens before it logs its start line: a loaded machine reads the log in between.
        for _ in 0..<100 where !broker.log.contains("1 keys loaded") { usleep(50_000) }
        #expect(broker.log.contains("1 keys loaded"))
    }

    @Test func truncatedLastRecordIsDroppedWithWarning() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("appendonly.aof")
            let good = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n" + RawConnection.command(["SET", "a", "1"])
            let partial = "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$5\r\n12"
            try Data((good + partial).utf8).write(to: path)
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(RawConnection.command(["GET", "a"]) + RawConnection.command(["EXISTS", "b"])
                    + RawConnection.command(["SET", "c", "3"]))
                let expected = "$1\r\n1\r\n:0\r\n+OK\r\n"
                #expect(try connection.receive(like: expected) == expected)
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            let backup = try #require(files.first { $0.hasPrefix("appendonly.aof.truncated-") })
            #expect(try Data(contentsOf: folder.appendingPathComponent(backup)) == Data((good + partial).utf8))
            // The new record follows the good prefix, so the log loads cleanly again.
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(RawConnection.command(["MGET", "a", "b", "c"]))
                let expected = "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n"
                #expect(try connection.receive(like: expected) == expected)
            }
        }
    }

    @Test func corruptLogRefusesToStartAndIsLeftAlone() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("appendonly.aof")
            let good = RawConnection.command(["SET", "a", "1"])
            let content = Data((good + RawConnection.command(["NOSUCHCOMMAND", "x"]) + good).utf8)
            try content.write(to: path)
            var configuration = BrokerConfiguration()
            configuration.port = 0
            configuration.directory = folder.path
            let server = BrokerServer(configuration: configuration)
            do {
                try await server.start()
                server.shutdown()
                try await server.waitUntilStopped()
                Issue.record("a corrupt log was loaded")
            } catch let error as BrokerError {
                guard case .corruptLog(_, let offset, _) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(offset == good.utf8.count)
                #expect(error.description.contains("at byte \(good.utf8.count)"))
                #expect(error.description.contains("truncate -s"))
            }
            #expect(try Data(contentsOf: path) == content)
        }
    }

    @Test func compactedLogGivesTheSameDataset() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("appendonly.aof")
            let before = try await withBroker(directory: folder, { $0.appendOnly = true; $0.rewriteMinSize = 1 << 40 }) { server in
                let connection = try RawConnection(port: server.port)
                var request = ""
                for index in 0..<500 {
                    request += RawConnection.command(["INCR", "counter"])
                    request += RawConnection.command(["RPUSH", "list", "item-\(index)"])
                    request += RawConnection.command(["HSET", "hash", "field-\(index % 20)", "\(index)"])
                }
                request += RawConnection.command(["SELECT", "2"]) + RawConnection.command(["SADD", "set", "x", "y"])
                request += RawConnection.command(["EXPIRE", "set", "100000"])
                try connection.send(request + RawConnection.command(["ECHO", "end-of-batch"]))
                _ = try connection.receive(until: "end-of-batch\r\n")
                let sizeBefore = try await server.appendOnlyLogStatus().size
                try connection.send(command: "BGREWRITEAOF")
                let started = "+Background append only file rewriting started\r\n"
                #expect(try connection.receive(like: started) == started)
                var status = try await server.appendOnlyLogStatus()
                for _ in 0..<500 where status.rewrites == 0 {
                    try await Task.sleep(for: .milliseconds(20))
                    status = try await server.appendOnlyLogStatus()
                }
                #expect(status.rewrites == 1)
                #expect(status.size < sizeBefore / 4)
                // Writes after compaction go to the new file.
                try connection.send(RawConnection.command(["SELECT", "0"]) + RawConnection.command(["SET", "after", "yes"]))
                #expect(try connection.receive(like: "+OK\r\n+OK\r\n") == "+OK\r\n+OK\r\n")
                return sizeBefore
            }
            let size = try FileManager.default.attributesOfItem(atPath: path.path)[.size] as? Int ?? 0
            #expect(size < before / 4)
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(RawConnection.command(["GET", "counter"]) + RawConnection.command(["LLEN", "list"])
                    + RawConnection.command(["LINDEX", "list", "499"]) + RawConnection.command(["HGET", "hash", "field-7"])
                    + RawConnection.command(["GET", "after"]) + RawConnection.command(["SELECT", "2"])
                    + RawConnection.command(["SCARD", "set"]) + RawConnection.command(["TTL", "set"]))
                let expected = "$3\r\n500\r\n:500\r\n$8\r\nitem-499\r\n$3\r\n487\r\n$3\r\nyes\r\n+OK\r\n:2\r\n:"
                #expect(try connection.receive(like: expected) == expected)
            }
        }
    }

    @Test func automaticCompactionWhenTheLogDoubles() async throws {
        try await withBroker({ $0.appendOnly = true; $0.rewriteMinSize = 4096 }) { server in
            let connection = try RawConnection(port: server.port)
            // Each round (~7 KB) lets the compaction it started finish before the next: what a
            // rewrite in flight receives is carried into the new base, and on a loaded machine a
            // rewrite racing every round could carry nearly all of it (133 KB was seen once).
            var status = try await server.appendOnlyLogStatus()
            for _ in 0..<20 {
                var request = ""
                for _ in 0..<100 { request += RawConnection.command(["SET", "same", String(repeating: "v", count: 40)]) }
                try connection.send(request)
                _ = try connection.receive(like: String(repeating: "+OK\r\n", count: 100))
                status = try await server.appendOnlyLogStatus()
                for _ in 0..<500 where status.inProgress {
                    try await Task.sleep(for: .milliseconds(20))
                    status = try await server.appendOnlyLogStatus()
                }
            }
            // 140 KB were appended; a base is at most one round plus the key, so the file stays
            // below twice that plus a round.
            #expect(status.rewrites >= 2)
            #expect(status.size < 30_000)
        }
    }

    @Test func redisServerLoadsTheLog() async throws {
        try await withTemporaryFolder { folder in
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(RawConnection.command(["SET", "s", "text"]) + RawConnection.command(["RPUSH", "l", "a", "b"])
                    + RawConnection.command(["SELECT", "3"]) + RawConnection.command(["HSET", "h", "f", "v"])
                    + RawConnection.command(["ZADD", "z", "1.5", "m"]) + RawConnection.command(["PING"]))
                _ = try connection.receive(like: "+OK\r\n:2\r\n+OK\r\n:1\r\n:1\r\n+PONG\r\n")
            }
            // Redis 7's multi-part AOF: the broker's file becomes the single "incr" part.
            let redisDir = folder.appendingPathComponent("redis")
            let parts = redisDir.appendingPathComponent("appendonlydir")
            try FileManager.default.createDirectory(at: parts, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: folder.appendingPathComponent("appendonly.aof"), to: parts.appendingPathComponent("appendonly.aof.1.incr.aof"))
            try Data("file appendonly.aof.1.incr.aof seq 1 type i\n".utf8).write(to: parts.appendingPathComponent("appendonly.aof.manifest"))
            let redis = try RedisServer(arguments: ["--appendonly", "yes", "--dir", redisDir.path])
            defer { redis.stop() }
            let connection = try RawConnection(port: redis.port)
            // redis-server listens before it has loaded the log and answers -LOADING meanwhile.
            var ready = false
            for _ in 0..<500 where !ready {
                try connection.send(command: "PING")
                ready = try connection.receive(until: "\r\n") == "+PONG\r\n"
                if !ready { usleep(10_000) }
            }
            try connection.send(RawConnection.command(["GET", "s"]) + RawConnection.command(["LRANGE", "l", "0", "-1"])
                + RawConnection.command(["SELECT", "3"]) + RawConnection.command(["HGET", "h", "f"])
                + RawConnection.command(["ZSCORE", "z", "m"]))
            let expected = "$4\r\ntext\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n+OK\r\n$1\r\nv\r\n$3\r\n1.5\r\n"
            let log = (try? String(contentsOf: redis.directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
            let got = try connection.receive(like: expected)
            #expect(got == expected, "\(got.debugDescription)\n\(log)")
        }
    }
}
