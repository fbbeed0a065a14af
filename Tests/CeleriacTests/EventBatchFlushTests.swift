import Celeriac
import CeleriacProtocol
import CeleriacRedis
import NIOConcurrencyHelpers
import NIOPosix
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

    /// Posted from an event loop (as a worker under the event-loop executor posts), the events
    /// are encoded and published on another loop: all of them, each once, in clock order.
    @Test func eventsPostedOnALoopArePublishedFromAnotherInOrder() async throws {
        try await withApp { app, server in
            let channel = app.transport.fanoutChannel(exchange: EventMessage.exchange, routingKey: EventMessage.batchRoutingKey)
            let seen = NIOLockedValueBox<[(uuid: String, clock: Int?)]>([])
            let subscriber = RedisSubscriber(endpoints: RedisEndpoints(try RedisURL(parsing: server.url()))) { event in
                guard case .message(let message) = event,
                      let envelope = try? KombuEnvelope.decode(message.payload),
                      let body = try? envelope.decodeBody(),
                      let events = try? EventMessage.events(in: body)
                else { return }
                let items = events.compactMap { event in event["uuid"]?.stringValue.map { (uuid: $0, clock: event.clock) } }
                seen.withLockedValue { $0.append(contentsOf: items) }
            }
            try await subscriber.subscribe([channel])
            let publisher = EventPublisher(transport: app.transport, source: CeleryEvent.Source(hostname: "w1@h", pid: 42),
                                           logger: app.logger)
            let total = EventPublisher.batchLimit * 3 + 7
            let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
            try #require(loops.count > 1, "needs two event loops")
            await withTaskExecutorPreference(RedisEventLoopExecutor(eventLoop: loops[0])) {
                for index in 0..<total {
                    publisher.post(.taskStarted, fields: EventFields.taskStarted(uuid: "t\(index)"))
                    if index % 40 == 39 { await Task.yield() }
                }
                await publisher.flush()
            }
            try await eventually("every event is published") { seen.withLockedValue { $0.count } >= total }
            let events = seen.withLockedValue { $0 }
            #expect(events.map(\.uuid) == (0..<total).map { "t\($0)" })
            let clocks = events.compactMap(\.clock)
            #expect(clocks.count == total)
            #expect(clocks == clocks.sorted())
            await subscriber.close()
        }
    }
}
