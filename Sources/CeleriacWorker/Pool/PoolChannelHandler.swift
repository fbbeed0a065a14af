import NIOCore

/// What a child's socket produced, in the order it happened.
enum PoolChannelEvent: Sendable {
    case frame(PoolFrame)
    /// The child wrote bytes that are not a frame; nothing more is read from it.
    case broken(PoolFrameError)
    /// The socket closed (the child exited or was killed, or the pool closed it).
    case closed
}

/// Cuts a child's bytes into frames on the event loop and hands them on, in order, through
/// an `AsyncStream` that the pool consumes. Garbage from a child never reaches the pool as a
/// frame: what follows it is ignored, and the pool kills the child, then closes the socket
/// (closing first would let the child exit on its own before the kill).
final class PoolChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let events: AsyncStream<PoolChannelEvent>.Continuation
    private var decoder = PoolFrameDecoder()
    private var broken = false

    init(events: AsyncStream<PoolChannelEvent>.Continuation) {
        self.events = events
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !broken else { return }
        let buffer = unwrapInboundIn(data)
        decoder.append(buffer.readableBytesView)
        do {
            while let frame = try decoder.next() { events.yield(.frame(frame)) }
        } catch {
            broken = true
            events.yield(.broken(error))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        events.yield(.closed)
        events.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
