import NIOCore
import Testing

@testable import CeleriacRedis

@Suite("Command encoding")
struct RedisCommandTests {
    private func text(_ command: RedisCommand) -> String {
        String(decoding: command.encoded.readableBytesView, as: UTF8.self)
    }

    @Test func textArguments() {
        #expect(text(RedisCommand(["SET", "k", "héllo"])) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n")
    }

    @Test func binaryArguments() {
        let command = RedisCommand([Array("LPUSH".utf8), [0x06, 0x16, 0x00]])
        #expect(Array(command.encoded.readableBytesView) == Array("*2\r\n$5\r\nLPUSH\r\n$3\r\n".utf8) + [0x06, 0x16, 0x00, 13, 10])
    }

    @Test func mixedArguments() {
        #expect(text(RedisCommand("EXPIRE", "k", 10)) == "*3\r\n$6\r\nEXPIRE\r\n$1\r\nk\r\n$2\r\n10\r\n")
        #expect(text(RedisCommand("ZADD", "z", .double(1.5), "m")) == "*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$3\r\n1.5\r\n$1\r\nm\r\n")
    }

    @Test func pipelineEncodesCommandsBackToBack() {
        var pipeline = RedisPipeline(capacity: 4)
        pipeline.append(["PING"])
        pipeline.append([Array("GET".utf8), [0x06, 0x16]])
        pipeline.append(RedisCommand("INCRBY", "n", -12))
        #expect(pipeline.count == 3)
        let expected = Array("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$2\r\n".utf8) + [0x06, 0x16]
            + Array("\r\n*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$3\r\n-12\r\n".utf8)
        #expect(Array(pipeline.encoded.readableBytesView) == expected)
        pipeline.removeAll()
        #expect(pipeline.count == 0)
        #expect(pipeline.encoded.readableBytes == 0)
    }

    @Test func largeArgumentCounts() {
        let arguments = ["DEL"] + (0..<1234).map { "key-\($0)" }
        let command = RedisCommand(arguments)
        var buffer = command.encoded
        #expect(buffer.readString(length: 7) == "*1235\r\n")
        var expected = ByteBuffer()
        expected.writeRESPCommand(arguments)
        #expect(command.encoded == expected)
    }

    @Test func blockingTimeoutFormat() {
        #expect(RedisBlockingClient.format(1) == "1")
        #expect(RedisBlockingClient.format(0.25) == "0.25")
        #expect(RedisBlockingClient.format(0) == "0")
        #expect(RedisBlockingClient.format(-3) == "0")
    }
}
