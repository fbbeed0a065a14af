import CeleriacRESP
import DequeModule

/// What a parked client waits for.
struct BlockedState {
    enum Kind {
        /// BLPOP / BRPOP: reply `[key, value]`.
        case pop(fromLeft: Bool)
        /// BLMOVE / BRPOPLPUSH: reply the moved value.
        case move(destination: [UInt8], fromLeft: Bool, toLeft: Bool)
    }

    var db: Int
    var keys: [[UInt8]]
    /// Milliseconds since the epoch; nil waits forever.
    var deadline: Int64?
    var kind: Kind
}

/// BLPOP BRPOP BLMOVE BRPOPLPUSH, and the wait lists that serve blocked clients first come,
/// first served when a push makes a key non-empty — after the command, transaction or script
/// that pushed has finished.
extension BrokerEngine {
    func blockingPopCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let fromLeft = ArgumentParsing.matches(call.args[0], "blpop")
        let timeout = try parseTimeout(call.args[call.args.count - 1])
        let keys = Array(call.args[1..<(call.args.count - 1)])
        let db = call.client.db
        for key in keys {
            guard let list = try listValue(db, key), list.count > 0 else { continue }
            guard let item = fromLeft ? list.popFront() : list.popBack() else { continue }
            removeIfEmpty(db, key, count: list.count)
            signalModified(db, key)
            call.propagateAs = [[Array((fromLeft ? "LPOP" : "RPOP").utf8), key]]
            return .reply(.array([.bulkString(key), .bulkString(item)]))
        }
        return block(call.client, BlockedState(db: db, keys: keys, deadline: timeout, kind: .pop(fromLeft: fromLeft)))
    }

    func blockingMoveCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let (fromLeft, toLeft) = try Self.moveSides(call.args, fixedName: "brpoplpush")
        let timeout = try parseTimeout(call.args[call.args.count - 1])
        let db = call.client.db
        let source = call.args[1]
        let destination = call.args[2]
        if let item = try moveListElement(db: db, source: source, destination: destination, fromLeft: fromLeft, toLeft: toLeft) {
            call.propagateAs = [Self.lmoveRecord(source, destination, fromLeft: fromLeft, toLeft: toLeft)]
            return .reply(.bulkString(item))
        }
        return block(
            call.client,
            BlockedState(db: db, keys: [source], deadline: timeout, kind: .move(destination: destination, fromLeft: fromLeft, toLeft: toLeft)))
    }

    static func lmoveRecord(_ source: [UInt8], _ destination: [UInt8], fromLeft: Bool, toLeft: Bool) -> [[UInt8]] {
        [Array("LMOVE".utf8), source, destination, Array((fromLeft ? "LEFT" : "RIGHT").utf8), Array((toLeft ? "LEFT" : "RIGHT").utf8)]
    }

    /// Seconds as a double (0 = forever) → absolute deadline in milliseconds.
    func parseTimeout(_ argument: [UInt8]) throws(CommandError) -> Int64? {
        guard let seconds = ArgumentParsing.double(argument), seconds.isFinite, seconds < 1e15 else {
            throw CommandError("ERR timeout is not a float or out of range")
        }
        guard seconds >= 0 else { throw CommandError("ERR timeout is negative") }
        if seconds == 0 { return nil }
        return nowMillis + Int64((seconds * 1000).rounded(.up))
    }

    /// Parks the client, unless it runs inside MULTI/EXEC or a script, where a blocking
    /// command that finds nothing answers null at once (as in Redis).
    func block(_ client: ClientState, _ state: BlockedState) -> CommandOutcome {
        if callDepth > 1 || runningScript != nil || client.isScriptClient {
            return .reply(.null)
        }
        client.blocked = state
        for key in state.keys {
            waiters[DatabaseKey(db: state.db, key: key), default: []].append(client.id)
        }
        return .blocked
    }

    /// Removes a client from every wait list.
    func unblock(_ client: ClientState) {
        guard let state = client.blocked else { return }
        client.blocked = nil
        for key in state.keys {
            let databaseKey = DatabaseKey(db: state.db, key: key)
            guard var queue = waiters[databaseKey] else { continue }
            queue.removeAll { $0 == client.id }
            waiters[databaseKey] = queue.isEmpty ? nil : queue
        }
    }

    /// Notes that a list key received elements; waiters are served after the current command.
    func signalReady(_ db: Int, _ key: [UInt8]) {
        guard !waiters.isEmpty else { return }
        let databaseKey = DatabaseKey(db: db, key: key)
        if waiters[databaseKey] != nil { readyKeys.append(databaseKey) }
    }

    /// Serves blocked clients on keys that became non-empty, oldest waiter first. Serving a
    /// BLMOVE can make its destination ready in turn, so this loops until nothing is ready.
    func serveReadyKeys() {
        while !readyKeys.isEmpty {
            let databaseKey = readyKeys.removeFirst()
            while let clientID = waiters[databaseKey]?.first {
                guard let client = clients[clientID], let state = client.blocked else {
                    waiters[databaseKey]?.removeFirst()
                    if waiters[databaseKey]?.isEmpty == true { waiters[databaseKey] = nil }
                    continue
                }
                guard serve(client, state, key: databaseKey.key) else { break }
            }
        }
    }

    /// Serves one waiter from `key`; false when the list is empty (nothing more to serve).
    private func serve(_ client: ClientState, _ state: BlockedState, key: [UInt8]) -> Bool {
        let db = state.db
        guard case .list(let list)? = database(db).entries[key], list.count > 0 else { return false }
        let sizeBefore = approximateSize(db, key)
        switch state.kind {
        case .pop(let fromLeft):
            guard let item = fromLeft ? list.popFront() : list.popBack() else { return false }
            removeIfEmpty(db, key, count: list.count)
            signalModified(db, key)
            usedMemory += approximateSize(db, key) - sizeBefore
            unblock(client)
            pendingRecords.append((db, [Array((fromLeft ? "LPOP" : "RPOP").utf8), key]))
            events.append(.unblocked(client.id, .array([.bulkString(key), .bulkString(item)])))
        case .move(let destination, let fromLeft, let toLeft):
            let destinationBefore = destination == key ? 0 : approximateSize(db, destination)
            unblock(client)
            do {
                guard let item = try moveListElement(db: db, source: key, destination: destination, fromLeft: fromLeft, toLeft: toLeft)
                else { return false }
                pendingRecords.append((db, Self.lmoveRecord(key, destination, fromLeft: fromLeft, toLeft: toLeft)))
                events.append(.unblocked(client.id, .bulkString(item)))
            } catch {
                events.append(.unblocked(client.id, .simpleError(error.text)))
            }
            let destinationAfter = destination == key ? 0 : approximateSize(db, destination)
            usedMemory += approximateSize(db, key) - sizeBefore + destinationAfter - destinationBefore
        }
        return true
    }

    /// Answers null to blocked clients whose deadline has passed.
    func timeOutBlockedClients() {
        let expired = clients.values.filter { client in
            guard let deadline = client.blocked?.deadline else { return false }
            return deadline <= nowMillis
        }
        for client in expired.sorted(by: { $0.id < $1.id }) {
            unblock(client)
            events.append(.unblocked(client.id, .null))
        }
    }
}
