import Celeriac
import CeleriacProtocol
import CeleriacRedis
import NIOConcurrencyHelpers
import Testing

/// The size-triggered flush of buffered task events: one flush per ``EventPublisher/batchLimit``
/// events, however many events arrive while it is on its way.
@Suite("event batch flush")
struct EventBatchFlushTests {
    @Test func postedEventsPublishOneBatchPerLimitNotOnePerEventPastIt() async throws {
        try await withApp { app, server in
            let channel = app.transport.fanoutChannel(exchange: EventMessage.exchange, routingKey: EventMessage.batchRoutingKey)
            let batches = NIOLockedValueBox<[Int]>([])
            let subscriber = RedisSubscriber(endpoints: RedisEndpoints(try RedisURL(parsing: server.url()))) { event in
                guard case .message(let message) = event,
                      let envelope = try? KombuEnvelope.decode(message.payload),
                      let body = try? envelope.decodeBody(),
                      let events = try? EventMessage.events(in: body)
                else { return }
                batches.withLockedValue { $0.append(events.count) }
            }
            try await subscriber.subscribe([channel])
            let publisher = EventPublisher(transport: app.transport, source: CeleryEvent.Source(hostname: "w1@h", pid: 42),
                                           logger: app.logger)
            let total = EventPublisher.batchLimit * 5 / 2
            // Posted without waiting, as the worker posts task-received: the flushes run
            // beside the loop, and the events posted meanwhile join the flush under way.
            for index in 0..<total {
                publisher.post(.taskStarted, fields: EventFields.taskStarted(uuid: "t\(index)"))
            }
            await publisher.flush()
            try await eventually("every event is published") { batches.withLockedValue { $0.reduce(0, +) } == total }
            let seen = batches.withLockedValue { $0 }
            // Two crossings of the limit (at most two triggered flushes) and the last flush.
            #expect(seen.count <= 3, "\(seen.count) batches of sizes \(seen)")
            #expect(seen.reduce(0, +) == total)
            await subscriber.close()
        }
    }
}
