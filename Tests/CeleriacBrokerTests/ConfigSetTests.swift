import CeleriacBroker
import Foundation
import Testing

/// CONFIG SET on the running server: what the server owns (the log, the connection limit,
/// the idle timeout) changes at once, and CONFIG GET says so.
@Suite struct ConfigSetTests {
    @Test func appendOnlySwitchedOnStartsFromASnapshotAndOffStopsLogging() async throws {
        try await withTemporaryFolder { folder in
            try await withBroker(directory: folder, { $0.appendOnly = false }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(command: "SET", "before", "1")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
                try connection.send(command: "CONFIG", "SET", "appendonly", "yes", "appendfsync", "always")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
                try connection.send(command: "CONFIG", "GET", "append*")
                let expected = "*4\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n$11\r\nappendfsync\r\n$6\r\nalways\r\n"
                #expect(try connection.receive(like: expected) == expected)
                try connection.send(command: "SET", "during", "2")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
                // The snapshot is written by a compaction: wait for it.
                var status = try await server.appendOnlyLogStatus()
                for _ in 0..<500 where status.rewrites == 0 || status.inProgress {
                    try await Task.sleep(for: .milliseconds(20))
                    status = try await server.appendOnlyLogStatus()
                }
                #expect(status.rewrites >= 1)
                try connection.send(command: "CONFIG", "SET", "appendonly", "no")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
                try connection.send(command: "SET", "after", "3")
                #expect(try connection.receive(like: "+OK\r\n") == "+OK\r\n")
            }
            // A broker started on the log has what was there while it was on, and only that.
            try await withBroker(directory: folder, { $0.appendOnly = true }) { server in
                let connection = try RawConnection(port: server.port)
                try connection.send(command: "MGET", "before", "during", "after")
                let expected = "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"
                #expect(try connection.receive(like: expected) == expected)
            }
        }
    }

    @Test func maxClientsLoweredAtRunTimeRefusesFurtherConnections() async throws {
        try await withBroker { server in
            let first = try RawConnection(port: server.port)
            try first.send(command: "CONFIG", "SET", "maxclients", "2")
            #expect(try first.receive(like: "+OK\r\n") == "+OK\r\n")
            let second = try RawConnection(port: server.port)
            try second.send(command: "PING")
            #expect(try second.receive(like: "+PONG\r\n") == "+PONG\r\n")
            let third = try RawConnection(port: server.port)
            #expect(try third.receiveUntilClosed() == "-ERR max number of clients reached\r\n")
        }
    }

    @Test func idleTimeoutClosesAnIdleConnection() async throws {
        try await withBroker { server in
            let admin = try RawConnection(port: server.port)
            try admin.send(command: "CONFIG", "SET", "timeout", "1")
            #expect(try admin.receive(like: "+OK\r\n") == "+OK\r\n")
            let idle = try RawConnection(port: server.port)
            try idle.send(command: "PING")
            #expect(try idle.receive(like: "+PONG\r\n") == "+PONG\r\n")
            // Closed by the server after about a second idle (the read gives up after 20 s).
            #expect(try idle.receiveUntilClosed() == "")
        }
    }
}
