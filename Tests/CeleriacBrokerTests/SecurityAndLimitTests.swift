import CeleriacBroker
import Foundation
import Testing

/// AUTH gating, protected mode, maxclients, maxmemory and the subscribers' output limit.
@Suite("Broker security and limits")
struct SecurityAndLimitTests {
    @Test func everyCommandFamilyNeedsAuthFirst() async throws {
        try await withBroker({ $0.password = "s3cret"; $0.wrongPasswordDelayMilliseconds = 10 }) { server in
            let connection = try RawConnection(port: server.port)
            let families: [[String]] = [
                ["GET", "k"], ["SET", "k", "v"], ["LPUSH", "q", "x"], ["BRPOP", "q", "1"], ["HSET", "h", "f", "v"],
                ["SADD", "s", "m"], ["ZADD", "z", "1", "m"], ["SUBSCRIBE", "c"], ["PUBLISH", "c", "m"],
                ["EVAL", "return 1", "0"], ["MULTI"], ["KEYS", "*"], ["INFO"], ["CONFIG", "GET", "maxmemory"],
            ]
            for command in families {
                try connection.send(RawConnection.command(command))
                let expected = "-NOAUTH Authentication required.\r\n"
                #expect(try connection.receive(like: expected) == expected, "\(command[0])")
            }
            try connection.send(command: "AUTH", "wrong")
            let wrong = "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
            #expect(try connection.receive(like: wrong) == wrong)
            try connection.send(RawConnection.command(["AUTH", "s3cret"]) + RawConnection.command(["SET", "k", "v"]))
            #expect(try connection.receive(like: "+OK\r\n+OK\r\n") == "+OK\r\n+OK\r\n")

            let hello = try RawConnection(port: server.port)
            try hello.send(RawConnection.command(["HELLO", "3", "AUTH", "default", "s3cret"]) + RawConnection.command(["GET", "k"]))
            let reply = try hello.receive(count: 1)
            #expect(reply == "%")
        }
    }

    @Test func wrongPasswordDelayDoesNotHoldUpOtherClients() async throws {
        try await withBroker({ $0.password = "pw"; $0.wrongPasswordDelayMilliseconds = 60_000 }) { server in
            let guesser = try RawConnection(port: server.port)
            try guesser.send(command: "AUTH", "guess")
            let other = try RawConnection(port: server.port)
            try other.send(RawConnection.command(["AUTH", "pw"]) + RawConnection.command(["PING"]))
            #expect(try other.receive(like: "+OK\r\n+PONG\r\n") == "+OK\r\n+PONG\r\n")
        }
    }

    @Test func protectedModeRefusesAnOpenPublicBind() throws {
        var configuration = BrokerConfiguration()
        configuration.host = "0.0.0.0"
        #expect(throws: BrokerError.protectedMode(host: "0.0.0.0")) { try configuration.validate() }
        configuration.password = "pw"
        try configuration.validate()
        configuration.password = nil
        configuration.protectedMode = false
        try configuration.validate()
    }

    @Test func connectionsBeyondMaxClientsAreRefused() async throws {
        try await withBroker({ $0.maxClients = 2 }) { server in
            let first = try RawConnection(port: server.port)
            let second = try RawConnection(port: server.port)
            try first.send(command: "PING")
            try second.send(command: "PING")
            #expect(try first.receive(like: "+PONG\r\n") == "+PONG\r\n")
            #expect(try second.receive(like: "+PONG\r\n") == "+PONG\r\n")
            let third = try RawConnection(port: server.port)
            #expect(try third.receiveUntilClosed() == "-ERR max number of clients reached\r\n")
        }
    }

    @Test func maxMemoryRefusesWritesButServesReads() async throws {
        try await withBroker({ $0.maxMemory = 200_000 }) { server in
            let connection = try RawConnection(port: server.port)
            let value = String(repeating: "x", count: 10_000)
            var refused = false
            for index in 0..<100 where !refused {
                try connection.send(command: "SET", "key\(index)", value)
                let head = try connection.receive(count: 1)
                if head == "+" {
                    _ = try connection.receive(count: 4)
                } else {
                    let expected = "OOM command not allowed when used memory > 'maxmemory'.\r\n"
                    #expect(head == "-")
                    #expect(try connection.receive(like: expected) == expected)
                    refused = true
                }
            }
            #expect(refused)
            try connection.send(command: "GET", "key0")
            let expected = "$10000\r\n\(value)\r\n"
            #expect(try connection.receive(like: expected) == expected)
            try connection.send(command: "DEL", "key0")
            #expect(try connection.receive(like: ":1\r\n") == ":1\r\n")
        }
    }

    @Test func slowSubscriberIsDisconnectedAtTheOutputLimit() async throws {
        try await withBroker({ $0.pubsubHardLimit = 256 * 1024; $0.pubsubSoftLimit = 128 * 1024 }) { server in
            let subscriber = try RawConnection(port: server.port)
            try subscriber.send(command: "SUBSCRIBE", "feed")
            let confirmation = "*3\r\n$9\r\nsubscribe\r\n$4\r\nfeed\r\n:1\r\n"
            #expect(try subscriber.receive(like: confirmation) == confirmation)
            // The subscriber never reads again. Publish far more than the kernel's socket
            // buffers and the limit can hold.
            let publisher = try RawConnection(port: server.port)
            let message = String(repeating: "m", count: 16 * 1024)
            var receivers = 1
            var sent = 0
            while receivers > 0 && sent < 4000 {
                try publisher.send(command: "PUBLISH", "feed", message)
                let reply = try publisher.receive(count: 4)
                receivers = reply == ":1\r\n" ? 1 : 0
                sent += 1
            }
            #expect(receivers == 0, "the subscriber was still connected after \(sent) messages")
            try publisher.send(command: "PUBSUB", "NUMSUB", "feed")
            let expected = "*2\r\n$4\r\nfeed\r\n:0\r\n"
            #expect(try publisher.receive(like: expected) == expected)
        }
    }
}

/// `--maxmemory` while a worker goes on: over the limit, new messages are refused with -OOM,
/// but what is already queued can still be popped and acknowledged the way kombu does it
/// (acks only delete), so a full broker drains instead of wedging.
@Suite("Broker out of memory")
struct OutOfMemoryTests {
    @Test func popsAndAcksGoOnWhileWritesAreRefused() async throws {
        try await withBroker({ $0.maxMemory = 300_000 }) { server in
            let worker = try RawConnection(port: server.port)
            // Three queued messages before the broker fills up.
            try worker.send(command: "LPUSH", "celery", "m1", "m2", "m3")
            #expect(try worker.receive(like: ":3\r\n") == ":3\r\n")
            let filler = try RawConnection(port: server.port)
            let value = String(repeating: "x", count: 10_000)
            var index = 0
            var full = false
            while !full && index < 200 {
                try filler.send(command: "SET", "fill\(index)", value)
                full = try filler.receive(count: 1) == "-"
                _ = try filler.receive(until: "\r\n")
                index += 1
            }
            #expect(full, "the broker never reached maxmemory")
            let oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
            try filler.send(command: "LPUSH", "celery", "m4")
            #expect(try filler.receive(like: oom) == oom)

            // The worker's side: pop, then kombu's ack (ZREM + HDEL in a transaction).
            try worker.send(command: "BRPOP", "celery", "1")
            let popped = "*2\r\n$6\r\ncelery\r\n$2\r\nm1\r\n"
            #expect(try worker.receive(like: popped) == popped)
            try worker.send(command: "RPOP", "celery")
            #expect(try worker.receive(like: "$2\r\nm2\r\n") == "$2\r\nm2\r\n")
            try worker.send(RawConnection.command(["MULTI"]) + RawConnection.command(["ZREM", "unacked_index", "tag1"])
                + RawConnection.command(["HDEL", "unacked", "tag1"]) + RawConnection.command(["EXEC"]))
            let acked = "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:0\r\n:0\r\n"
            #expect(try worker.receive(like: acked) == acked)
            try worker.send(command: "LLEN", "celery")
            #expect(try worker.receive(like: ":1\r\n") == ":1\r\n")
        }
    }
}
