import Foundation
import CeleriacRedis
import CeleriacTestSupport
import Logging

/// Options for tests: quiet logging, short backoff so reconnect tests finish quickly.
func testOptions(_ version: RESPVersion = .v3, commandTimeout: Duration = .seconds(10), poolSize: Int = 2) -> RedisOptions {
    RedisOptions(
        connectTimeout: .seconds(5), commandTimeout: commandTimeout, poolSize: poolSize,
        backoff: RedisBackoff(base: .milliseconds(20), cap: .milliseconds(300), jitter: 0.3),
        logger: testLogger,
        clientName: "celeriac-test", protocolVersion: version)
}

/// Silent unless CELERIAC_TEST_LOG is set, then everything goes to stderr.
let testLogger: Logger = {
    guard ProcessInfo.processInfo.environment["CELERIAC_TEST_LOG"] != nil else {
        return Logger(label: "celeriac.redis.test", factory: { _ in SwiftLogNoOpLogHandler() })
    }
    var logger = Logger(label: "celeriac.redis.test", factory: { label in StreamLogHandler.standardError(label: label) })
    logger.logLevel = .trace
    return logger
}()

@discardableResult
/// Starts a redis-server (DEBUG enabled) for the body and always stops it.
func withServer<T>(password: String? = nil, _ body: (RedisServer) async throws -> T) async throws -> T {
    let server = try RedisServer(password: password, arguments: ["--enable-debug-command", "yes"])
    defer { server.stop() }
    return try await body(server)
}

@discardableResult
/// A server and a pooled client speaking `version`; both closed afterwards.
func withClient<T>(_ version: RESPVersion = .v3, db: Int = 0, _ body: (RedisClient, RedisServer) async throws -> T) async throws -> T {
    try await withServer { server async throws in
        let client = try RedisClient(url: server.url(db: db), options: testOptions(version))
        do {
            let result = try await body(client, server)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` until it holds; throws after `limit` so a broken test fails instead of
/// hanging. Not a speed assertion: the limit is generous.
func eventually(
    _ what: String, limit: Duration = .seconds(15), isolation: isolated (any Actor)? = #isolation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw TimedOut(description: "gave up waiting for \(what)")
}

/// Collects a subscriber's events in the background so tests can wait for them.
actor EventCollector {
    private(set) var events: [RedisPubSubEvent] = []

    init(_ subscriber: RedisSubscriber) {
        let stream = subscriber.events
        Task { [weak self] in
            for await event in stream { await self?.append(event) }
        }
    }

    private func append(_ event: RedisPubSubEvent) { events.append(event) }

    var messages: [RedisPubSubMessage] {
        events.compactMap { if case .message(let message) = $0 { return message } else { return nil } }
    }

    func waitForMessages(_ count: Int) async throws -> [RedisPubSubMessage] {
        try await eventually("\(count) messages") { self.messages.count >= count }
        return messages
    }

    func waitFor(_ event: RedisPubSubEvent) async throws {
        try await eventually("event \(event)") { self.events.contains(event) }
    }

    func waitForDisconnect() async throws {
        try await eventually("a disconnect event") {
            self.events.contains { if case .disconnected = $0 { return true } else { return false } }
        }
    }
}

/// How many clients the server has blocked in BRPOP/BLPOP.
func blockedClients(_ client: RedisClient) async throws -> Int {
    let info = try await client.send(["INFO", "clients"]).string ?? ""
    for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("blocked_clients:") {
        return Int(line.dropFirst("blocked_clients:".count)) ?? 0
    }
    return 0
}
