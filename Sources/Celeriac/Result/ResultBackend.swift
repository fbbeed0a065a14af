import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Celery's Redis result backend, reading side (and `forget`, group records): one shared
/// pub/sub connection serves every pending result, as in Celery's `ResultConsumer`.
public final class ResultBackend: Sendable {
    /// The backend's client.
    public let client: RedisClient
    /// `result_expires` in seconds (nil or 0: no expiry).
    public let expires: Double?
    let transport: KombuTransport
    let logger: Logger
    private let state = NIOLockedValueBox(State())

    private struct State {
        var subscriber: RedisSubscriber?
        /// The waiting ``waitForReady(_:timeout:)`` calls, by result channel.
        var waiters: [String: [ObjectIdentifier: ResultWaiter]] = [:]
    }

    init(client: RedisClient, expires: Double?, transport: KombuTransport, logger: Logger) {
        self.client = client
        self.expires = expires
        self.transport = transport
        self.logger = logger
    }

    /// The stored meta of a task, or nil while PENDING (no key).
    public func meta(_ taskID: String) async throws -> ResultMeta? {
        guard let bytes = try await client.get(ResultMeta.key(forTaskID: taskID)) else { return nil }
        return try ResultMeta.decode(bytes)
    }

    /// Deletes a task's result (`forget`).
    public func forget(_ taskID: String) async throws(RedisError) {
        _ = try await client.del([ResultMeta.key(forTaskID: taskID)])
    }

    /// Saves a group record as `GroupResult.save()` does:
    /// `SETEX celery-taskset-meta-<gid> ttl {"result": [[gid, null], [[[id, null], null], …]]}`.
    public func saveGroup(id: String, taskIDs: [String]) async throws(RedisError) {
        let reference = ResultReference.group(id: id, parent: nil, results: taskIDs.map { .task(id: $0, parent: nil) })
        let bytes = JSONWriter.bytes(reference.groupMeta)
        let key = ResultReference.groupKey(id)
        if let expires, expires > 0 {
            _ = try await client.send(RedisCommand("SETEX", arguments: [.string(key), .integer(Int64(expires)), .bytes(bytes)]))
        } else {
            _ = try await client.send(RedisCommand("SET", arguments: [.string(key), .bytes(bytes)]))
        }
    }

    /// Waits for a ready state: SUBSCRIBEs to `celery-task-meta-<id>` first, then GETs the key,
    /// then waits for published states until one is ready or `timeout` passes (nil: no limit).
    /// A published state is the stored value itself, so it is read from the message, as
    /// Celery's `ResultConsumer` does; after a reconnect the key is read again.
    ///
    /// On a RESP3 connection the SUBSCRIBE and the GET go out together on the subscriber's
    /// connection, which runs them in order (one round trip); published states resume the
    /// waiting task straight from the subscriber's event loop.
    ///
    /// Awaited from Swift's global pool, the wait runs on the subscriber connection's event
    /// loop (as a task executor preference): the write, the reply, the timer, a published
    /// state and the UNSUBSCRIBE are all handled on that thread, with one hop there instead of
    /// a hand-over and a wake-up of a pool thread for each step.
    public func waitForReady(_ taskID: String, timeout: Double?) async throws -> ResultMeta {
        let channel = ResultMeta.key(forTaskID: taskID)
        let waiter = ResultWaiter()
        let subscriber = register(waiter, channel: channel)
        if MultiThreadedEventLoopGroup.currentEventLoop == nil, let executor = subscriber.loopExecutor {
            return try await withTaskExecutorPreference(executor) {
                // Inside, so that the UNSUBSCRIBE is written on the loop itself rather than
                // handed to it from the pool with a wake-up (one per call, measured by rtt9).
                defer { unregister(waiter, channel: channel, subscriber: subscriber) }
                return try await wait(for: taskID, channel: channel, waiter: waiter, subscriber: subscriber, timeout: timeout)
            }
        }
        defer { unregister(waiter, channel: channel, subscriber: subscriber) }
        return try await wait(for: taskID, channel: channel, waiter: waiter, subscriber: subscriber, timeout: timeout)
    }

    /// The wait of ``waitForReady(_:timeout:)`` once the waiter is registered.
    private func wait(for taskID: String, channel: String, waiter: ResultWaiter, subscriber: RedisSubscriber,
                      timeout: Double?) async throws -> ResultMeta {
        if let meta = try await subscribeAndRead(channel, taskID: taskID, subscriber: subscriber), meta.status.isReady { return meta }
        var timer: Scheduled<Void>?
        if let timeout {
            // Clamped so that a huge timeout cannot overflow the nanosecond count.
            let nanoseconds = Int64(max(0, min(timeout, 1e9)) * 1e9)
            timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(nanoseconds)) {
                waiter.fail(ResultError.timeout(taskID: taskID, seconds: timeout))
            }
        }
        defer { timer?.cancel() }
        while true {
            switch try await waiter.next() {
            case .payload(let payload):
                if let meta = try? ResultMeta.decode(payload) {
                    if meta.status.isReady { return meta }
                } else if let meta = try await meta(taskID), meta.status.isReady {
                    return meta
                }
            case .reread:
                if let meta = try await meta(taskID), meta.status.isReady { return meta }
            }
        }
    }

    /// Subscribes to the channel, then reads the stored meta: in one round trip on the
    /// subscriber's connection when it speaks RESP3, else a confirmed SUBSCRIBE and a GET.
    private func subscribeAndRead(_ channel: String, taskID: String, subscriber: RedisSubscriber) async throws -> ResultMeta? {
        let stored: [UInt8]?
        if let reply = try await subscriber.subscribe([channel], thenSend: RedisCommand(["GET", channel])) {
            if reply.isNull {
                stored = nil
            } else if let bytes = reply.bytes {
                stored = bytes
            } else {
                throw RedisError.unexpectedReply("GET \(channel) answered \(reply)")
            }
        } else {
            try await ReliableSubscriber.subscribe(subscriber, [channel])
            stored = try await client.get(channel)
        }
        guard let stored else { return nil }
        return try ResultMeta.decode(stored)
    }

    /// How many ``waitForReady(_:timeout:)`` calls are waiting now (for tests: a finished,
    /// timed-out or cancelled wait leaves nothing behind).
    var waiterCount: Int {
        state.withLockedValue { state in state.waiters.values.reduce(0) { $0 + $1.count } }
    }

    /// The executor waits run on (the subscriber's connection's loop), once that connection
    /// is up; nil before (for tests: which path a wait takes).
    var waitExecutor: RedisEventLoopExecutor? {
        state.withLockedValue { $0.subscriber }?.loopExecutor
    }

    private func register(_ waiter: ResultWaiter, channel: String) -> RedisSubscriber {
        state.withLockedValue { state -> RedisSubscriber in
            state.waiters[channel, default: [:]][ObjectIdentifier(waiter)] = waiter
            if let subscriber = state.subscriber { return subscriber }
            let subscriber = ReliableSubscriber.make(for: client) { [weak self] event in self?.dispatch(event) }
            state.subscriber = subscriber
            return subscriber
        }
    }

    private func unregister(_ waiter: ResultWaiter, channel: String, subscriber: RedisSubscriber) {
        state.withLockedValue { state in
            state.waiters[channel]?[ObjectIdentifier(waiter)] = nil
            guard state.waiters[channel]?.isEmpty ?? false else { return }
            state.waiters[channel] = nil
            // Under the lock, so that an UNSUBSCRIBE is always written before the SUBSCRIBE
            // of a later wait on the same channel.
            subscriber.unsubscribeWithoutWaiting([channel])
        }
    }

    /// Wakes the waiters of a channel on a message, and every waiter after a reconnect (their
    /// result may have been published while the connection was down). Runs on the
    /// subscriber's event loop for messages.
    private func dispatch(_ event: RedisPubSubEvent) {
        switch event {
        case .message(let message):
            let targets = state.withLockedValue { state in state.waiters[message.channel].map { Array($0.values) } ?? [] }
            for target in targets { target.deliver(.payload(message.payload)) }
        case .reconnected:
            let targets = state.withLockedValue { state in state.waiters.values.flatMap(\.values) }
            for target in targets { target.deliver(.reread) }
        case .disconnected:
            break
        }
    }

    /// Closes the shared subscriber; waits still in progress fail.
    public func close() async {
        let (subscriber, waiters) = state.withLockedValue { state in
            defer { state.subscriber = nil }
            return (state.subscriber, state.waiters.values.flatMap(\.values))
        }
        let error = RedisError.connectionClosed("result backend on \(client.url) was closed")
        for waiter in waiters { waiter.fail(error) }
        await subscriber?.close()
    }
}

/// Why a result could not be read.
public enum ResultError: Error, Sendable, CustomStringConvertible {
    /// No ready state within the timeout.
    case timeout(taskID: String, seconds: Double)

    public var description: String {
        switch self {
        case .timeout(let id, let seconds): return "task \(id) is not ready after \(PythonFloat.repr(seconds)) s"
        }
    }
}
