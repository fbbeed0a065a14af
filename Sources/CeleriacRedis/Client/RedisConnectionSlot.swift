import NIOConcurrencyHelpers
import NIOCore

/// A place for one connection that (re)connects on demand with capped exponential backoff.
///
/// Callers that find the slot empty or broken start one connect attempt; callers arriving
/// while it runs join it. After a failed attempt the next one may start only when the backoff
/// delay has passed; a caller whose deadline comes first fails with the last connect error.
/// Each failed attempt is logged once. No lock is held across an await.
final class RedisConnectionSlot: Sendable {
    private enum Phase {
        case empty
        case connecting(Task<Result<RedisConnection, RedisError>, Never>)
        case connected(RedisConnection)
        case shutDown
    }

    private struct State {
        var phase: Phase = .empty
        var failures = 0
        var nextAttempt: ContinuousClock.Instant?
        var lastError: RedisError?
    }

    private enum Step {
        case ready(RedisConnection)
        case join(Task<Result<RedisConnection, RedisError>, Never>)
        case wait(ContinuousClock.Instant)
        case fail(RedisError)
    }

    let endpoints: RedisEndpoints
    let options: RedisOptions
    private let group: any EventLoopGroup
    private let subscriberMode: Bool
    private let onPush: RedisChannelHandler.PushHandler?
    private let state = NIOLockedValueBox(State())

    init(endpoints: RedisEndpoints, options: RedisOptions, group: any EventLoopGroup, subscriberMode: Bool = false,
         onPush: RedisChannelHandler.PushHandler? = nil)
    {
        self.endpoints = endpoints
        self.options = options
        self.group = group
        self.subscriberMode = subscriberMode
        self.onPush = onPush
    }

    /// The server the slot connects to now.
    var url: RedisURL { endpoints.current }

    /// The live connection, if there is one, without connecting.
    var current: RedisConnection? {
        state.withLockedValue { state in
            if case .connected(let connection) = state.phase, connection.isConnected { return connection }
            return nil
        }
    }

    /// A live connection, connecting (and retrying with backoff) until `deadline`.
    /// - Parameter deadline: nil waits as long as it takes (until the task is cancelled).
    func connection(deadline: ContinuousClock.Instant?) async throws(RedisError) -> RedisConnection {
        while true {
            let step = state.withLockedValue { state -> Step in
                switch state.phase {
                case .shutDown:
                    return .fail(.connectionClosed("client for \(url) was closed"))
                case .connected(let connection) where connection.isConnected:
                    return .ready(connection)
                case .connecting(let task):
                    return .join(task)
                case .connected, .empty:
                    let now = ContinuousClock.now
                    if let next = state.nextAttempt, next > now {
                        if let deadline, next > deadline {
                            return .fail(state.lastError ?? .connectionClosed("cannot reach \(url)"))
                        }
                        return .wait(next)
                    }
                    let task = Task { await self.attempt() }
                    state.phase = .connecting(task)
                    return .join(task)
                }
            }
            switch step {
            case .ready(let connection):
                return connection
            case .fail(let error):
                throw error
            case .join(let task):
                switch await task.value {
                case .success(let connection):
                    return connection
                case .failure(let error):
                    if let deadline, ContinuousClock.now >= deadline { throw error }
                    if Task.isCancelled { throw error }
                }
            case .wait(let instant):
                do {
                    try await Task.sleep(until: instant, clock: .continuous)
                } catch {
                    throw state.withLockedValue { $0.lastError } ?? .connectionClosed("connecting to \(url) was cancelled")
                }
            }
        }
    }

    private func attempt() async -> Result<RedisConnection, RedisError> {
        let target = endpoints.current
        do {
            let connection = try await RedisConnection.connect(
                to: target, options: options, eventLoopGroup: group, subscriberMode: subscriberMode, onPush: onPush)
            let keep = state.withLockedValue { state -> Bool in
                if case .shutDown = state.phase { return false }
                if state.failures > 0 {
                    options.logger.info("redis reconnected", metadata: ["url": "\(url)", "failedAttempts": "\(state.failures)"])
                }
                state.phase = .connected(connection)
                state.failures = 0
                state.nextAttempt = nil
                state.lastError = nil
                return true
            }
            if !keep {
                await connection.close()
                return .failure(.connectionClosed("client for \(url) was closed"))
            }
            return .success(connection)
        } catch {
            let delay = state.withLockedValue { state -> Duration in
                state.failures += 1
                let delay = options.backoff.delay(afterFailures: state.failures, random: Double.random(in: 0..<1))
                state.nextAttempt = ContinuousClock.now + delay
                state.lastError = error
                if case .connecting = state.phase { state.phase = .empty }
                return delay
            }
            if endpoints.hasAlternates {
                let next = endpoints.advance(from: target)
                options.logger.warning(
                    "redis connect attempt failed; failing over",
                    metadata: ["url": "\(target)", "error": "\(error)", "next": "\(next)", "retryIn": "\(RedisBackoff.seconds(delay)) s"])
            } else {
                options.logger.warning(
                    "redis connect attempt failed",
                    metadata: ["error": "\(error)", "retryIn": "\(RedisBackoff.seconds(delay)) s"])
            }
            return .failure(error)
        }
    }

    /// Drops the current connection (closing it) so the next caller reconnects.
    func discard(_ connection: RedisConnection) {
        let drop = state.withLockedValue { state -> Bool in
            if case .connected(let current) = state.phase, current === connection {
                state.phase = .empty
                return true
            }
            return false
        }
        if drop { connection.closeNow() }
    }

    /// Closes the connection and refuses further use.
    func shutDown() async {
        let phase = state.withLockedValue { state -> Phase in
            let phase = state.phase
            state.phase = .shutDown
            return phase
        }
        switch phase {
        case .connected(let connection):
            await connection.close()
        case .connecting(let task):
            if case .success(let connection) = await task.value { await connection.close() }
        case .empty, .shutDown:
            break
        }
    }
}
