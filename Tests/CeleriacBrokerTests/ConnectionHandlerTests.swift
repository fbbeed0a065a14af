@testable import CeleriacBroker
import CeleriacRESP
import Foundation
import NIOCore
import NIOEmbedded
import Testing

/// The connection handler on `EmbeddedChannel`s sharing one `EmbeddedEventLoop` with the
/// engine: framing, pipelining, blocking, refusals and delays, byte for byte and with no
/// socket or thread involved.
@Suite("broker connection handler on EmbeddedChannel")
struct ConnectionHandlerTests {
    /// A server on an embedded loop and a way to open connections to it.
    final class Harness {
        let loop = EmbeddedEventLoop()
        let server: BrokerServer

        init(_ configure: (inout BrokerConfiguration) -> Void = { _ in }) {
            var configuration = BrokerConfiguration()
            configuration.appendOnly = false
            configure(&configuration)
            server = BrokerServer(configuration: configuration, loop: loop)
        }

        func connect() throws -> EmbeddedChannel {
            let channel = EmbeddedChannel(loop: loop)
            try channel.pipeline.syncOperations.addHandler(
                BrokerConnectionHandler(server: server, parser: RESPParser(limits: BrokerServer.requestLimits, allowInline: true)))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50_000)).wait()
            return channel
        }
    }

    /// Writes `text` as one read, runs the loop (the flush happens at its end) and returns
    /// everything written back, one string per outbound buffer.
    static func exchange(_ channel: EmbeddedChannel, _ text: String, loop: EmbeddedEventLoop) throws -> [String] {
        if !text.isEmpty { try channel.writeInbound(ByteBuffer(string: text)) }
        loop.run()
        return try outbound(channel)
    }

    static func outbound(_ channel: EmbeddedChannel) throws -> [String] {
        var writes: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { writes.append(String(buffer: buffer)) }
        return writes
    }

    static func command(_ words: String...) -> String {
        "*\(words.count)\r\n" + words.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }

    @Test func aPipelineIsAnsweredInOrderWithOneWrite() throws {
        let harness = Harness()
        let channel = try harness.connect()
        let pipeline = Self.command("SET", "k", "v") + Self.command("GET", "k") + Self.command("INCR", "n") + Self.command("PING")
        #expect(try Self.exchange(channel, pipeline, loop: harness.loop) == ["+OK\r\n$1\r\nv\r\n:1\r\n+PONG\r\n"])
    }

    @Test func aFrameSplitAcrossReadsIsAnsweredOnceComplete() throws {
        let harness = Harness()
        let channel = try harness.connect()
        let frame = Self.command("ECHO", "hello world")
        let cut = frame.index(frame.startIndex, offsetBy: 9)
        #expect(try Self.exchange(channel, String(frame[..<cut]), loop: harness.loop) == [])
        #expect(try Self.exchange(channel, String(frame[cut...]), loop: harness.loop) == ["$11\r\nhello world\r\n"])
    }

    @Test func inlineCommandsWorkAsInRedisCLI() throws {
        let harness = Harness()
        let channel = try harness.connect()
        #expect(try Self.exchange(channel, "PING\r\nECHO hi\r\n", loop: harness.loop) == ["+PONG\r\n$2\r\nhi\r\n"])
    }

    /// Redis's wording, checked against redis-server 7.0.15.
    @Test(arguments: [
        ("*1\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"),
        ("*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        ("*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        ("ECHO \"open\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
    ])
    func aMalformedFrameGetsAProtocolErrorAndTheConnectionCloses(frame: String, reply: String) throws {
        let harness = Harness()
        let channel = try harness.connect()
        // The good command before it is answered; the one after it is not.
        let replies = try Self.exchange(channel, Self.command("PING") + frame + Self.command("PING"), loop: harness.loop)
        #expect(replies.joined() == "+PONG\r\n" + reply)
        #expect(!channel.isActive)
    }

    @Test func aBlockedPopIsAnsweredByAnotherConnectionsPush() throws {
        let harness = Harness()
        let waiter = try harness.connect()
        let pusher = try harness.connect()
        // The command after the BLPOP waits behind it, as in Redis.
        #expect(try Self.exchange(waiter, Self.command("BLPOP", "q", "0") + Self.command("PING"), loop: harness.loop) == [])
        #expect(try Self.exchange(pusher, Self.command("LPUSH", "q", "job"), loop: harness.loop) == [":1\r\n"])
        #expect(try Self.outbound(waiter).joined() == "*2\r\n$1\r\nq\r\n$3\r\njob\r\n+PONG\r\n")
        #expect(try Self.exchange(pusher, Self.command("LLEN", "q"), loop: harness.loop) == [":0\r\n"])
    }

    @Test func aBlockedPopTimesOutWithANullArray() throws {
        let harness = Harness()
        let channel = try harness.connect()
        #expect(try Self.exchange(channel, Self.command("BRPOP", "q", "0.2"), loop: harness.loop) == [])
        // The engine keeps deadlines in wall-clock time (as Redis does), so real time must pass.
        Thread.sleep(forTimeInterval: 0.3)
        harness.loop.advanceTime(by: .milliseconds(500))
        #expect(try Self.outbound(channel) == ["*-1\r\n"])
    }

    @Test func aWrongPasswordIsAnsweredAfterTheDelay() throws {
        let harness = Harness { $0.password = "secret"; $0.wrongPasswordDelayMilliseconds = 100 }
        let channel = try harness.connect()
        #expect(try Self.exchange(channel, Self.command("GET", "k"), loop: harness.loop) == ["-NOAUTH Authentication required.\r\n"])
        #expect(try Self.exchange(channel, Self.command("AUTH", "guess") + Self.command("PING"), loop: harness.loop) == [])
        harness.loop.advanceTime(by: .milliseconds(100))
        let replies = try Self.outbound(channel).joined()
        #expect(replies.hasPrefix("-WRONGPASS"))
        // The command queued behind the refused AUTH is still refused: nobody got in.
        #expect(replies.hasSuffix("-NOAUTH Authentication required.\r\n"))
        #expect(try Self.exchange(channel, Self.command("AUTH", "secret") + Self.command("PING"), loop: harness.loop)
            == ["+OK\r\n+PONG\r\n"])
    }

    @Test func connectionsPastMaxClientsAreRefused() throws {
        let harness = Harness { $0.maxClients = 1 }
        let first = try harness.connect()
        let second = try harness.connect()
        harness.loop.run()
        #expect(try Self.outbound(second) == ["-ERR max number of clients reached\r\n"])
        #expect(!second.isActive)
        #expect(try Self.exchange(first, Self.command("PING"), loop: harness.loop) == ["+PONG\r\n"])
        #expect(harness.server.connectionCount == 1)
    }

    @Test func quitAnswersThenCloses() throws {
        let harness = Harness()
        let channel = try harness.connect()
        #expect(try Self.exchange(channel, Self.command("QUIT") + Self.command("PING"), loop: harness.loop) == ["+OK\r\n"])
        #expect(!channel.isActive)
        #expect(harness.server.connectionCount == 0)
    }

    @Test func aSubscriberGetsPublishedMessagesAsPushes() throws {
        let harness = Harness()
        let subscriber = try harness.connect()
        let publisher = try harness.connect()
        #expect(try Self.exchange(subscriber, Self.command("SUBSCRIBE", "news"), loop: harness.loop)
            == ["*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"])
        #expect(try Self.exchange(publisher, Self.command("PUBLISH", "news", "hi"), loop: harness.loop) == [":1\r\n"])
        #expect(try Self.outbound(subscriber) == ["*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n"])
    }
}
