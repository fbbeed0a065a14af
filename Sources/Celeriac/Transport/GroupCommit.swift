import CeleriacRedis
import Synchronization

/// Coalesces concurrent requests into batches, as a database's group commit does: a caller
/// that finds no batch in flight sends its request at once; callers that arrive while a batch
/// is in flight queue up, and the first of them sends all of them together as soon as the
/// batch in flight returns. Alone, a request costs what it did without batching (no extra
/// task, no hop); under load, many requests share one round trip and one write.
///
/// When the last batch carried more than one item (callers are arriving together), the
/// caller about to send first yields once, so that the tasks already runnable reach their own
/// request and join the batch (fewer round trips and writes per request under load). A lone caller (the last batch held only its predecessor) sends at once.
///
/// `perform` gets the items of a batch and returns one outcome per item, in order.
public final class GroupCommit<Item: Sendable, Value: Sendable>: Sendable {
    /// What one request gets back.
    public typealias Outcome = Result<Value, RedisError>
    /// Sends a batch and answers each item.
    public typealias Perform = @Sendable ([Item]) async -> [Outcome]

    private let perform: Perform
    private let limit: Int
    private let state = Mutex(State())

    private struct State {
        var pending: [Slot] = []
        var flushing = false
        /// Whether the last batch sent held more than one item.
        var gathering = false
    }

    /// A batcher sending at most `limit` items per batch through `perform`.
    public init(limit: Int = 256, perform: @escaping Perform) {
        self.limit = max(1, limit)
        self.perform = perform
    }

    /// How many requests wait for the next batch.
    var waitingCount: Int { state.withLock { $0.pending.count } }

    /// Queues `item` and returns its outcome once the batch holding it was sent.
    public func submit(_ item: Item) async -> Outcome {
        let slot = Slot(item)
        let lead = state.withLock { state -> Bool in
            state.pending.append(slot)
            if state.flushing { return false }
            state.flushing = true
            return true
        }
        if lead { await flush() }
        while true {
            switch await slot.next() {
            case .done(let outcome): return outcome
            case .lead: await flush()
            }
        }
    }

    /// Sends the oldest pending items, answers them, then hands the next batch to the first
    /// caller still waiting (or marks the batcher idle).
    private func flush() async {
        if state.withLock({ $0.gathering && $0.pending.count < limit }) { await Task.yield() }
        let batch = state.withLock { state -> [Slot] in
            let count = min(limit, state.pending.count)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            state.gathering = count > 1
            return batch
        }
        let outcomes = batch.isEmpty ? [] : await perform(batch.map(\.item))
        for (index, slot) in batch.enumerated() {
            slot.signal(.done(index < outcomes.count ? outcomes[index]
                : .failure(.unexpectedReply("a batch of \(batch.count) got \(outcomes.count) replies"))))
        }
        let next = state.withLock { state -> Slot? in
            if let first = state.pending.first { return first }
            state.flushing = false
            return nil
        }
        next?.signal(.lead)
    }

    /// What a waiting caller is told: its outcome, or that it sends the next batch.
    private enum Signal: Sendable {
        case done(Outcome)
        case lead
    }

    /// One queued request and the signals for its caller.
    private final class Slot: Sendable {
        let item: Item
        private let state = Mutex(SlotState())

        private struct SlotState {
            var signals: [Signal] = []
            var waiter: UnsafeContinuation<Signal, Never>?
        }

        init(_ item: Item) { self.item = item }

        func next() async -> Signal {
            await withUnsafeContinuation { continuation in
                let ready = state.withLock { state -> Signal? in
                    if !state.signals.isEmpty { return state.signals.removeFirst() }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }

        func signal(_ signal: Signal) {
            let waiter = state.withLock { state -> UnsafeContinuation<Signal, Never>? in
                if let waiter = state.waiter {
                    state.waiter = nil
                    return waiter
                }
                state.signals.append(signal)
                return nil
            }
            waiter?.resume(returning: signal)
        }
    }
}

extension RedisCommandSending {
    /// `EVALSHA` with binary arguments, loading the script when the server lacks it
    /// (`NOSCRIPT`), as ``evalSHA(_:keys:arguments:)`` does for text.
    public func evalSHA(_ script: RedisScript, keys: [String], binaryArguments: [RedisArgument]) async throws(RedisError) -> RESPValue {
        let command = RedisCommand("EVALSHA", arguments: [.string(script.sha1), .integer(Int64(keys.count))]
                                                   + keys.map(RedisArgument.string) + binaryArguments)
        do {
            return try await send(command)
        } catch where error.serverCode == "NOSCRIPT" {
            let loaded = try await send(RedisCommand(["SCRIPT", "LOAD", script.source]))
            guard loaded.string == script.sha1 else {
                throw .unexpectedReply("SCRIPT LOAD answered \(loaded), expected \(script.sha1)")
            }
            return try await send(command)
        }
    }
}
