import CeleriacRESP

/// MULTI EXEC DISCARD WATCH UNWATCH.
extension BrokerEngine {
    func multiCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.client.multiQueue == nil else { throw CommandError("ERR MULTI calls can not be nested") }
        call.client.multiQueue = []
        call.client.multiFailed = false
        return .reply(.ok)
    }

    func discardCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.client.multiQueue != nil else { throw CommandError("ERR DISCARD without MULTI") }
        endTransaction(call.client)
        return .reply(.ok)
    }

    /// Leaves MULTI state and drops WATCHes (EXEC, DISCARD, RESET).
    func endTransaction(_ client: ClientState) {
        client.multiQueue = nil
        client.multiFailed = false
        unwatchAll(client)
    }

    func execCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let client = call.client
        guard let queue = client.multiQueue else { throw CommandError("ERR EXEC without MULTI") }
        if client.multiFailed {
            endTransaction(client)
            throw CommandError("EXECABORT Transaction discarded because of previous errors.")
        }
        if client.watchDirty || watchedKeyExpired(client) {
            endTransaction(client)
            return .reply(.null)
        }
        endTransaction(client)
        var replies: [RESPValue] = []
        for args in queue {
            replies.append(contentsOf: runQueued(args, client: client))
        }
        wrapPendingRecords = true
        return .reply(.array(replies))
    }

    /// Runs one queued command. Checks that can change between queueing and EXEC (memory,
    /// the commands themselves) are made again here.
    private func runQueued(_ args: [[UInt8]], client: ClientState) -> [RESPValue] {
        guard let spec = args.first.flatMap({ commands[ArgumentParsing.lowercased($0)] }) else {
            return [.simpleError(Self.unknownCommandText(args))]
        }
        if isOutOfMemory && spec.flags.contains(.denyOOM) { return [.simpleError(Self.outOfMemoryText)] }
        if let refusal = diskErrorText(for: spec) { return [.simpleError(refusal)] }
        feedMonitors(args, client: client)
        switch call(spec, args, client: client) {
        case .reply(let value), .close(let value): return [value]
        case .replies(let values): return values
        case .blocked: return [.null]
        case .shutdown(let value): return value.map { [$0] } ?? []
        }
    }

    func watchCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let client = call.client
        guard client.multiQueue == nil else { throw CommandError("ERR WATCH inside MULTI is not allowed") }
        for key in call.args.dropFirst() {
            let watched = DatabaseKey(db: client.db, key: key)
            guard !client.watched.contains(where: { $0.db == client.db && $0.key == key }) else { continue }
            let expired = database(client.db).expires[key].map { $0 < nowMillis } ?? false
            client.watched.append(WatchedKey(db: client.db, key: key, expiredWhenWatched: expired))
            watchers[watched, default: []].insert(client.id)
        }
        return .reply(.ok)
    }

    func unwatchCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        unwatchAll(call.client)
        return .reply(.ok)
    }

    func unwatchAll(_ client: ClientState) {
        for watched in client.watched {
            let key = DatabaseKey(db: watched.db, key: watched.key)
            watchers[key]?.remove(client.id)
            if watchers[key]?.isEmpty == true { watchers[key] = nil }
        }
        client.watched = []
        client.watchDirty = false
    }

    /// Marks every client watching `key` as dirty.
    func touchWatchedKey(_ key: DatabaseKey) {
        guard let ids = watchers[key] else { return }
        for id in ids { clients[id]?.watchDirty = true }
    }

    /// Redis 7.0 also aborts when a watched key that was live at WATCH time has logically
    /// expired by EXEC, even if nothing deleted it yet.
    private func watchedKeyExpired(_ client: ClientState) -> Bool {
        client.watched.contains { watched in
            guard !watched.expiredWhenWatched, let deadline = database(watched.db).expires[watched.key] else { return false }
            return deadline < nowMillis
        }
    }
}
