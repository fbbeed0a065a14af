import CeleriacBrokerCore
import CeleriacRESP
import NIOCore
import NIOPosix

/// A bare TCP front for the engine, only so that real clients (redis-py, Celery) can be run
/// against it in tests. The production server is a separate module; this one has no AUTH
/// limits, persistence or back-pressure. Everything runs on one event loop, which is the
/// engine's confinement rule.
final class EngineTestServer: @unchecked Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var serverChannel: (any Channel)?
    /// Touched only on the event loop.
    let engine: BrokerEngine
    var connections: [ClientID: ConnectionState] = [:]
    private var timer: RepeatedTask?

    var port: Int { serverChannel?.localAddress?.port ?? 0 }

    init(configuration: BrokerEngine.Configuration = .init()) throws {
        engine = BrokerEngine(configuration: configuration)
        let server = self
        serverChannel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder(parser: RESPParser(allowInline: true))))
                    try channel.pipeline.syncOperations.addHandler(EngineConnectionHandler(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        let loop = group.next()
        timer = loop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) { _ in
            server.engine.runTimers()
            server.deliverEvents()
        }
    }

    func stop() {
        timer?.cancel()
        try? serverChannel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    final class ConnectionState {
        let channel: any Channel
        var pending: [[[UInt8]]] = []
        var blocked = false

        init(channel: any Channel) { self.channel = channel }
    }

    /// Runs queued commands of a connection until it blocks.
    func drive(_ id: ClientID) {
        guard let state = connections[id] else { return }
        while !state.blocked, !state.pending.isEmpty {
            let args = state.pending.removeFirst()
            let outcome = engine.execute(args, from: id)
            let version = engine.client(id)?.protocolVersion ?? .v2
            switch outcome {
            case .reply(let value): write(value, to: state.channel, version: version)
            case .replies(let values): for value in values { write(value, to: state.channel, version: version) }
            case .blocked: state.blocked = true
            case .close(let value):
                write(value, to: state.channel, version: version)
                state.channel.close(promise: nil)
            case .shutdown: state.channel.close(promise: nil)
            }
            deliverEvents()
        }
        state.channel.flush()
    }

    func deliverEvents() {
        for event in engine.drainEvents() {
            switch event {
            case .push(let id, let value):
                if let state = connections[id] {
                    write(value, to: state.channel, version: engine.client(id)?.protocolVersion ?? .v2)
                    state.channel.flush()
                }
            case .unblocked(let id, let value):
                if let state = connections[id] {
                    write(value, to: state.channel, version: engine.client(id)?.protocolVersion ?? .v2)
                    state.blocked = false
                    drive(id)
                }
            case .disconnect(let id):
                connections[id]?.channel.close(promise: nil)
            }
        }
    }

    private func write(_ value: RESPValue, to channel: any Channel, version: RESPVersion) {
        var buffer = channel.allocator.buffer(capacity: 64)
        buffer.writeRESP(value, version: version)
        channel.write(buffer, promise: nil)
    }
}

final class EngineConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = RESPValue

    let server: EngineTestServer
    var id: ClientID = 0

    init(server: EngineTestServer) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        id = server.engine.addClient(address: "\(context.remoteAddress?.ipAddress ?? "?"):\(context.remoteAddress?.port ?? 0)")
        server.connections[id] = EngineTestServer.ConnectionState(channel: context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .array(let items) = unwrapInboundIn(data) else { return }
        let args = items.compactMap { $0.bytes }
        server.connections[id]?.pending.append(args)
        server.drive(id)
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.engine.removeClient(id)
        server.connections[id] = nil
        server.deliverEvents()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
