import CeleriacRESP
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import CeleriacRedis

@Suite("Channel handler on an embedded channel")
struct RedisChannelHandlerTests {
    let endpoint = "redis://127.0.0.1:6379/0"

    private func makeChannel(subscriberMode: Bool = false, onPush: RedisChannelHandler.PushHandler? = nil) throws -> (EmbeddedChannel, RedisChannelHandler) {
        let handler = RedisChannelHandler(endpoint: endpoint, subscriberMode: subscriberMode, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), onPush: onPush)
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
        return (channel, handler)
    }

    private func send(_ arguments: [String], on handler: RedisChannelHandler, channel: EmbeddedChannel, timeout: TimeAmount? = nil) -> EventLoopFuture<RESPValue> {
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        handler.send(RedisCommand(arguments).encoded, waiter: .promise(promise), timeout: timeout)
        return promise.futureResult
    }

    /// On an embedded loop callbacks run at once, so this tells whether the future completed.
    private func isDone<T>(_ future: EventLoopFuture<T>) -> Bool {
        let done = NIOLockedValueBox(false)
        future.whenComplete { _ in done.withLockedValue { $0 = true } }
        return done.withLockedValue { $0 }
    }

    private func feed(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    @Test func writesCommandsAndMatchesRepliesInOrder() throws {
        let (channel, handler) = try makeChannel()
        let first = send(["GET", "a"], on: handler, channel: channel)
        let second = send(["INCR", "n"], on: handler, channel: channel)
        let third = send(["GET", "missing"], on: handler, channel: channel)
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: written) == "*2\r\n$3\r\nGET\r\n$1\r\na\r\n")
        // Replies split at awkward places: the parser must wait for whole frames.
        try feed("$5\r\nhel", to: channel)
        #expect(!isDone(first))
        try feed("lo\r\n:4", to: channel)
        try feed("2\r\n_\r\n", to: channel)
        #expect(try first.wait() == .bulk("hello"))
        #expect(try second.wait() == .integer(42))
        #expect(try third.wait() == .null)
        #expect(channel.isActive)
    }

    @Test func pipelineIsOneWriteAndCollectsEveryReply() async throws {
        let (channel, handler) = try makeChannel()
        var pipeline = RedisPipeline()
        pipeline.append(["SET", "a", "1"])
        pipeline.append(["LPUSH", "a", "x"])
        pipeline.append(["GET", "a"])
        let results = await withUnsafeContinuation { continuation in
            let collector = RedisPipelineCollector(expected: 3, continuation: continuation)
            handler.sendBatch(pipeline, collector: collector, timeout: nil)
            let written = try? channel.readOutbound(as: ByteBuffer.self)
            #expect(written == pipeline.encoded)
            #expect((try? channel.readOutbound(as: ByteBuffer.self)) == nil)
            try? feed("+OK\r\n-WRONGTYPE wrong kind\r\n$1\r\n1\r\n", to: channel)
        }
        #expect(results.count == 3)
        #expect(try results[0].get() == .simpleString("OK"))
        #expect(throws: RedisError.server("WRONGTYPE wrong kind")) { try results[1].get() }
        #expect(try results[2].get() == .bulk("1"))
    }

    @Test func protocolErrorFailsEveryCommandInFlightAndCloses() throws {
        let (channel, handler) = try makeChannel()
        let first = send(["PING"], on: handler, channel: channel)
        let second = send(["PING"], on: handler, channel: channel)
        let third = send(["PING"], on: handler, channel: channel)
        try feed("+PONG\r\n?xx\r\n", to: channel)
        #expect(try first.wait() == .simpleString("PONG"))
        for future in [second, third] {
            #expect {
                try future.wait()
            } throws: { error in
                guard case .protocolError(let message) = error as? RedisError else { return false }
                return message.contains("unknown type byte '?'")
            }
        }
        #expect(!channel.isActive)
        // A command after the failure fails at once instead of hanging.
        let late = send(["PING"], on: handler, channel: channel)
        #expect(throws: RedisError.self) { try late.wait() }
    }

    @Test func errorRepliesFailOnlyTheirCommand() throws {
        let (channel, handler) = try makeChannel()
        let bad = send(["LPUSH", "string-key", "x"], on: handler, channel: channel)
        let good = send(["PING"], on: handler, channel: channel)
        try feed("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+PONG\r\n", to: channel)
        #expect(throws: RedisError.server("WRONGTYPE Operation against a key holding the wrong kind of value")) { try bad.wait() }
        #expect(try good.wait() == .simpleString("PONG"))
        #expect(channel.isActive)
    }

    @Test func pushFramesGoToThePushHandler() throws {
        let pushes = NIOLockedValueBox<[RESPValue]>([])
        let (channel, handler) = try makeChannel(subscriberMode: true) { value in pushes.withLockedValue { $0.append(value) } }
        let ping = send(["PING"], on: handler, channel: channel)
        try feed(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n+PONG\r\n", to: channel)
        #expect(try ping.wait() == .simpleString("PONG"))
        #expect(pushes.withLockedValue { $0 } == [
            .push([.bulk("message"), .bulk("ch"), .bulk("hi")]),
            .array([.bulk("subscribe"), .bulk("x"), .integer(1)]),
        ])
    }

    @Test func timeoutFailsTheCommandAndClosesTheConnection() throws {
        let (channel, handler) = try makeChannel()
        let slow = send(["DEBUG", "SLEEP", "1"], on: handler, channel: channel, timeout: .milliseconds(200))
        let behind = send(["PING"], on: handler, channel: channel, timeout: .seconds(10))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(100))
        #expect(!isDone(slow))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(150))
        #expect(throws: RedisError.timeout("no reply from \(endpoint) within 0.2 s; connection closed")) { try slow.wait() }
        #expect {
            try behind.wait()
        } throws: { error in
            guard case .connectionClosed(let message) = error as? RedisError else { return false }
            return message.contains("timed out")
        }
        #expect(!channel.isActive)
    }

    @Test func closedChannelFailsCommandsInFlight() throws {
        let (channel, handler) = try makeChannel()
        let pending = send(["BRPOP", "q", "0"], on: handler, channel: channel)
        channel.pipeline.fireChannelInactive()
        #expect(throws: RedisError.connectionClosed("connection to \(endpoint) closed before the reply arrived")) { try pending.wait() }
    }
}
