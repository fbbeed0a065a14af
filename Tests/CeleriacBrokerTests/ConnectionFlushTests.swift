@testable import CeleriacBroker
import CeleriacRESP
import Foundation
import NIOCore
import NIOEmbedded
import Testing

/// How the connection handler reads and answers: replies are written through the handler's own
/// context at the end of the loop iteration, frames split anywhere are reassembled, requests larger than a receive buffer are answered whole, and a
/// reply whose peer has gone is dropped without disturbing anyone else.
@Suite("broker connection reads and flushes")
struct ConnectionFlushTests {
    typealias Harness = ConnectionHandlerTests.Harness

    static func command(_ words: String...) -> String { RawConnection.command(words) }

    /// A pipeline as queue clients send it, and redis-server's replies to it.
    static let pipeline = command("SET", "k", "v") + command("GET", "k") + "PING\r\n" + command("LPUSH", "q", "a", "b")
        + command("RPOP", "q") + command("GET", "missing") + command("ECHO", "end")
    static let replies = "+OK\r\n$1\r\nv\r\n+PONG\r\n:2\r\n$1\r\na\r\n$-1\r\n$3\r\nend\r\n"

    @Test func aPipelineSplitAtEveryByteBoundaryIsAnsweredInOrder() throws {
        let bytes = Array(Self.pipeline.utf8)
        for cut in 1..<bytes.count {
            let harness = Harness()
            let channel = try harness.connect()
            var written: [String] = []
            for part in [bytes[..<cut], bytes[cut...]] {
                try channel.writeInbound(ByteBuffer(bytes: part))
                harness.loop.run()
                written += try ConnectionHandlerTests.outbound(channel)
            }
            #expect(written.joined() == Self.replies, "cut after byte \(cut)")
        }
    }

    @Test func aPipelineReadOneByteAtATimeIsAnsweredInOrder() throws {
        let harness = Harness()
        let channel = try harness.connect()
        var written: [String] = []
        for byte in Array(Self.pipeline.utf8) {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            harness.loop.run()
            written += try ConnectionHandlerTests.outbound(channel)
        }
        #expect(written.joined() == Self.replies)
    }

    @Test func aRequestSpanningManyReadsIsAnsweredWhole() throws {
        let harness = Harness()
        let channel = try harness.connect()
        let value = String(repeating: "0123456789abcdef", count: 20_000)
        let bytes = Array((Self.command("SET", "big", value) + Self.command("STRLEN", "big") + Self.command("GET", "big")).utf8)
        var written: [String] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 4_096)
            try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
            harness.loop.run()
            written += try ConnectionHandlerTests.outbound(channel)
            offset = end
        }
        #expect(written.joined() == "+OK\r\n:\(value.utf8.count)\r\n$\(value.utf8.count)\r\n\(value)\r\n")
    }

    /// Over a real socket: a request far larger than NIO's receive buffer (64 KB at most)
    /// arrives over many reads and is answered once, then the connection goes on.
    @Test func aRequestLargerThanTheReceiveBufferIsAnsweredOverASocket() async throws {
        try await withBroker { server in
            let connection = try RawConnection(port: server.port)
            let value = String(repeating: "x", count: 1_000_000)
            try connection.send(Self.command("SET", "big", value) + Self.command("STRLEN", "big") + Self.command("PING"))
            #expect(try connection.receive(like: "+OK\r\n:1000000\r\n+PONG\r\n") == "+OK\r\n:1000000\r\n+PONG\r\n")
            try connection.send(Self.command("GET", "big"))
            let reply = "$1000000\r\n" + value + "\r\n"
            #expect(try connection.receive(like: reply) == reply)
        }
    }

    /// A push queued for a subscriber that disconnects before the end-of-iteration flush: the
    /// flush meets a closed channel, and the publisher and the server carry on.
    @Test func aReplyForAPeerThatClosedIsDropped() throws {
        let harness = Harness()
        let subscriber = try harness.connect()
        let publisher = try harness.connect()
        #expect(try ConnectionHandlerTests.exchange(subscriber, Self.command("SUBSCRIBE", "news"), loop: harness.loop)
            == ["*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"])
        // The replies wait for the end of the loop iteration; the subscriber leaves first.
        try publisher.writeInbound(ByteBuffer(string: Self.command("PUBLISH", "news", "hi")))
        try subscriber.close().wait()
        harness.loop.run()
        #expect(try ConnectionHandlerTests.outbound(publisher) == [":1\r\n"])
        #expect(try ConnectionHandlerTests.exchange(publisher, Self.command("PING"), loop: harness.loop) == ["+PONG\r\n"])
        #expect(harness.server.connectionCount == 1)
    }

    /// A real client that sends a request and closes at once: the server's reply meets a
    /// closed socket, and the server keeps serving others.
    @Test func aClientThatLeavesBeforeItsReplyDoesNotDisturbOthers() async throws {
        try await withBroker { server in
            for _ in 0..<20 {
                let leaving = try RawConnection(port: server.port)
                try leaving.send(Self.command("SET", "k", String(repeating: "v", count: 100_000)) + Self.command("GET", "k"))
            }
            let staying = try RawConnection(port: server.port)
            try staying.send(Self.command("PING"))
            #expect(try staying.receive(like: "+PONG\r\n") == "+PONG\r\n")
        }
    }
}
