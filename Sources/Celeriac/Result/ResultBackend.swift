import CeleriacProtocol
import CeleriacRedis
import Foundation
import Logging
import NIOConcurrencyHelpers

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
        var reader: Task<Void, Never>?
        var waiters: [String: [UUID: AsyncStream<[UInt8]?>.Continuation]] = [:]
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
    public func waitForReady(_ taskID: String, timeout: Double?) async throws -> ResultMeta {
        let channel = ResultMeta.key(forTaskID: taskID)
        // Every state is kept (a ready one may follow a STARTED one in the same instant).
        let (stream, continuation) = AsyncStream<[UInt8]?>.makeStream(bufferingPolicy: .unbounded)
        let token = UUID()
        let subscriber = try await register(channel: channel, token: token, continuation: continuation)
        defer { unregister(channel: channel, token: token, subscriber: subscriber) }
        if let meta = try await meta(taskID), meta.status.isReady { return meta }
        let deadline = timeout.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        return try await withThrowingTaskGroup(of: ResultMeta?.self) { group in
            group.addTask {
                for await payload in stream {
                    if let payload, let meta = try? ResultMeta.decode(payload) {
                        if meta.status.isReady { return meta }
                    } else if let meta = try await self.meta(taskID), meta.status.isReady {
                        return meta
                    }
                }
                return nil
            }
            if let deadline {
                group.addTask {
                    try await Task.sleep(until: deadline)
                    return nil
                }
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let meta = first { return meta }
            throw ResultError.timeout(taskID: taskID, seconds: timeout ?? 0)
        }
    }

    private func register(channel: String, token: UUID, continuation: AsyncStream<[UInt8]?>.Continuation) async throws -> RedisSubscriber {
        let (subscriber, isNew) = state.withLockedValue { state -> (RedisSubscriber, Bool) in
            state.waiters[channel, default: [:]][token] = continuation
            if let subscriber = state.subscriber { return (subscriber, false) }
            let subscriber = ReliableSubscriber.make(for: client)
            state.subscriber = subscriber
            return (subscriber, true)
        }
        if isNew {
            let reader = Task { [weak self] in
                for await event in subscriber.events {
                    guard let self else { return }
                    self.dispatch(event)
                }
            }
            state.withLockedValue { $0.reader = reader }
        }
        try await ReliableSubscriber.subscribe(subscriber, [channel])
        return subscriber
    }

    private func unregister(channel: String, token: UUID, subscriber: RedisSubscriber) {
        let last = state.withLockedValue { state -> Bool in
            state.waiters[channel]?[token]?.finish()
            state.waiters[channel]?[token] = nil
            if state.waiters[channel]?.isEmpty ?? false {
                state.waiters[channel] = nil
                return true
            }
            return false
        }
        if last { Task { try? await subscriber.unsubscribe([channel]) } }
    }

    /// Wakes the waiters of a channel on a message, and every waiter after a reconnect (their
    /// result may have been published while the connection was down).
    private func dispatch(_ event: RedisPubSubEvent) {
        let (targets, payload): ([AsyncStream<[UInt8]?>.Continuation], [UInt8]?) = state.withLockedValue { state in
            switch event {
            case .message(let message): return (Array((state.waiters[message.channel] ?? [:]).values), message.payload)
            case .reconnected: return (state.waiters.values.flatMap(\.values), nil)
            case .disconnected: return ([], nil)
            }
        }
        for target in targets { target.yield(payload) }
    }

    /// Closes the shared subscriber.
    public func close() async {
        let (subscriber, reader) = state.withLockedValue { state in
            defer { state.subscriber = nil; state.reader = nil }
            return (state.subscriber, state.reader)
        }
        await subscriber?.close()
        reader?.cancel()
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
