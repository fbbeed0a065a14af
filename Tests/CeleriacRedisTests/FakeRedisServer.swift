import CeleriacRESP
import NIOCore
import NIOPosix

/// A tiny server that speaks just enough RESP for a handshake (it refuses HELLO, so the
/// client falls back to RESP2 without further commands) and then answers every command with
/// `reply`, which tests set to malformed bytes, after `delay` (a server that stalls).
final class FakeRedisServer: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    init(reply: String, delay: TimeAmount = .zero) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(FakeRedisHandler(reply: reply, delay: delay))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel.close()
    }
}

private final class FakeRedisHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let reply: String
    private let delay: TimeAmount
    private var buffer = ByteBuffer()
    private let parser = RESPParser()

    init(reply: String, delay: TimeAmount) {
        self.reply = reply
        self.delay = delay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let command = try? parser.parse(&buffer) {
            let name = command.array?.first?.string?.uppercased()
            if name == "HELLO" {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "-ERR unknown command 'HELLO'\r\n")), promise: nil)
                continue
            }
            let answer = ByteBuffer(string: reply)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: delay) {
                bound.value.writeAndFlush(NIOAny(answer), promise: nil)
            }
        }
    }
}
