import CeleriacBroker
import Testing

/// The connection handler over a real socket: framing, pipelining, inline commands, protocol
/// errors, blocked clients resuming their pipeline.
@Suite("Broker connections")
struct ConnectionProtocolTests {
    @Test func pipelinedCommandsAreAnsweredInOrder() async throws {
        try await withBroker { server in
            let connection = try RawConnection(port: server.port)
            let request = RawConnection.command(["SET", "k", "v"]) + RawConnection.command(["GET", "k"])
                + "INCR n\r\n" + RawConnection.command(["ECHO", "hi"]) + "PING\r\n"
                + RawConnection.command(["RPUSH", "l", "a", "b"]) + RawConnection.command(["LRANGE", "l", "0", "-1"])
            try connection.send(request)
            let expected = "+OK\r\n$1\r\nv\r\n:1\r\n$2\r\nhi\r\n+PONG\r\n:2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"
            #expect(try connection.receive(like: expected) == expected)
        }
    }

    @Test func inlineCommandsWithQuotes() async throws {
        try await withBroker { server in
            let connection = try RawConnection(port: server.port)
            try connection.send("SET greeting \"hello world\"\r\nGET greeting\r\n")
            let expected = "+OK\r\n$11\r\nhello world\r\n"
            #expect(try connection.receive(like: expected) == expected)
        }
    }

    @Test func malformedFrameGetsProtocolErrorAndClosesOnlyThatConnection() async throws {
        try await withBroker { server in
            let other = try RawConnection(port: server.port)
            try other.send(command: "SET", "kept", "1")
            #expect(try other.receive(like: "+OK\r\n") == "+OK\r\n")

            let bad = try RawConnection(port: server.port)
            try bad.send(RawConnection.command(["PING"]) + "*2\r\n$3\r\nGET\r\n$x\r\n")
            let answer = try bad.receiveUntilClosed()
            // Redis's wording, as redis-server 7.0.15 answers the same bytes.
            #expect(answer == "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n")

            try other.send(command: "GET", "kept")
            #expect(try other.receive(like: "$1\r\n1\r\n") == "$1\r\n1\r\n")
        }
    }

    @Test func oversizedBulkIsRefusedFromItsHeader() async throws {
        try await withBroker { server in
            let connection = try RawConnection(port: server.port)
            try connection.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$600000000\r\n")
            let answer = try connection.receiveUntilClosed()
            #expect(answer == "-ERR Protocol error: invalid bulk length\r\n")
        }
    }

    @Test func unknownCommandKeepsTheConnection() async throws {
        try await withBroker { server in
            let connection = try RawConnection(port: server.port)
            try connection.send(RawConnection.command(["NOSUCH", "a"]) + RawConnection.command(["PING"]))
            let expected = "-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n+PONG\r\n"
            #expect(try connection.receive(like: expected) == expected)
        }
    }

    @Test func blockedClientResumesItsPipelineWhenServed() async throws {
        try await withBroker { server in
            let waiter = try RawConnection(port: server.port)
            try waiter.send(RawConnection.command(["BRPOP", "queue", "0"]) + RawConnection.command(["ECHO", "after"]))
            // Make sure the BRPOP is parked before pushing.
            let probe = try RawConnection(port: server.port)
            for _ in 0..<500 {
                try probe.send(command: "CLIENT", "LIST")
                let header = try probe.receive(count: 1)
                #expect(header == "$")
                var length = ""
                while true {
                    let c = try probe.receive(count: 1)
                    if c == "\r" { break }
                    length += c
                }
                let body = try probe.receive(count: (Int(length) ?? 0) + 3)
                if body.contains("cmd=brpop") { break }
            }
            try probe.send(command: "LPUSH", "queue", "job")
            #expect(try probe.receive(like: ":1\r\n") == ":1\r\n")
            let expected = "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n$5\r\nafter\r\n"
            #expect(try waiter.receive(like: expected) == expected)
        }
    }

    @Test func blockingTimeoutAnswersNull() async throws {
        try await withBroker { server in
            let connection = try RawConnection(port: server.port)
            try connection.send(RawConnection.command(["BRPOP", "empty", "0.05"]) + RawConnection.command(["PING"]))
            let expected = "*-1\r\n+PONG\r\n"
            #expect(try connection.receive(like: expected) == expected)
        }
    }

    /// The engine counts MONITOR clients so commands skip the feed when there are none; RESET
    /// and a second MONITOR must keep that count right.
    @Test func monitorAfterResetGetsEachCommandOnce() async throws {
        try await withBroker { server in
            let monitor = try RawConnection(port: server.port)
            try monitor.send(RawConnection.command(["MONITOR"]) + RawConnection.command(["RESET"])
                + RawConnection.command(["MONITOR"]) + RawConnection.command(["MONITOR"]))
            #expect(try monitor.receive(like: "+OK\r\n+RESET\r\n+OK\r\n+OK\r\n") == "+OK\r\n+RESET\r\n+OK\r\n+OK\r\n")
            let other = try RawConnection(port: server.port)
            for key in ["first", "second"] {
                try other.send(command: "SET", key, "1")
                #expect(try other.receive(like: "+OK\r\n") == "+OK\r\n")
                let line = try monitor.receive(until: "\r\n")
                #expect(line.contains("\"SET\" \"\(key)\" \"1\""), "\(line)")
            }
            let quiet = try RawConnection(port: server.port)
            try quiet.send(command: "MONITOR")
            #expect(try quiet.receive(like: "+OK\r\n") == "+OK\r\n")
        }
    }

    @Test func quitRepliesThenCloses() async throws {
        try await withBroker { server in
            let connection = try RawConnection(port: server.port)
            try connection.send(RawConnection.command(["QUIT"]) + RawConnection.command(["PING"]))
            #expect(try connection.receiveUntilClosed() == "+OK\r\n")
        }
    }
}
