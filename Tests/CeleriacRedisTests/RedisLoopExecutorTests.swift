@testable import CeleriacRedis
import CeleriacTestSupport
import NIOCore
import Testing

/// The executors of a connection's event loop that callers run under as a task executor
/// preference: made once per connection, and a subscriber's only while its connection is up.
@Suite("Loop executors")
struct RedisLoopExecutorTests {
    @Test func aConnectionHasOneExecutorOnItsOwnLoop() async throws {
        try await withClient { client, _ async throws in
            let executor = try await client.loopExecutor()
            try await withTaskExecutorPreference(executor) {
                // Under the preference the pool's connection on this loop is used, and the
                // task is resumed there after the reply.
                #expect(try await client.send(["PING"]).string == "PONG")
                #expect(executor.eventLoop.inEventLoop)
                let again = try await client.loopExecutor()
                #expect(again === executor)
            }
        }
    }

    @Test func aSubscriberOffersItsLoopOnlyWhileConnected() async throws {
        try await withClient { client, server async throws in
            let subscriber = RedisSubscriber(endpoints: RedisEndpoints(try RedisURL(parsing: server.url())), options: testOptions(.v3))
            try await subscriber.subscribe(["loop-executor"])
            let executor = try #require(subscriber.loopExecutor)
            try await withTaskExecutorPreference(executor) {
                // A command behind the subscription, written and resumed on the subscriber's loop.
                try await client.set("k", Array("v".utf8))
                let reply = try await subscriber.subscribe(["loop-executor-2"], thenSend: RedisCommand(["GET", "k"]))
                #expect(reply?.bytes == Array("v".utf8))
                #expect(executor.eventLoop.inEventLoop)
            }
            #expect(subscriber.loopExecutor === executor)
            await subscriber.close()
            #expect(subscriber.loopExecutor == nil)
        }
    }
}
