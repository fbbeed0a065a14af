import CeleriacRESP

extension BrokerEngine {
    /// Redis's `processCommand`: lookup, arity, AUTH, subscribed-mode and memory checks, MULTI
    /// queueing, then `call`.
    func processCommand(_ args: [[UInt8]], client: ClientState) -> CommandOutcome {
        guard let first = args.first else { return .replies([]) }
        client.lastCommandAt = nowMicros
        guard let spec = commandSpec(first) else {
            flagTransaction(client)
            return .reply(.simpleError(Self.unknownCommandText(args)))
        }
        if client.lastCommandSpec !== spec { client.lastCommandSpec = spec }
        guard spec.acceptsArgumentCount(args.count) else {
            flagTransaction(client)
            return .reply(.simpleError(CommandError.arity(spec.name).text))
        }
        if !client.authenticated && !spec.flags.contains(.noAuth) {
            flagTransaction(client)
            return .reply(.simpleError("NOAUTH Authentication required."))
        }
        if client.protocolVersion == .v2 && client.subscriptionCount > 0 && !spec.flags.contains(.subscribedOK) {
            return .reply(.simpleError(
                "ERR Can't execute '\(spec.name)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
            ))
        }
        if isOutOfMemory && spec.flags.contains(.denyOOM) {
            flagTransaction(client)
            stats.rejectedCommands += 1
            return .reply(.simpleError(Self.outOfMemoryText))
        }
        if persistenceFailure != nil, let refusal = diskErrorText(for: spec, ping: true) {
            flagTransaction(client)
            stats.rejectedCommands += 1
            return .reply(.simpleError(refusal))
        }
        if client.multiQueue != nil && !spec.flags.contains(.noQueue) {
            client.multiQueue?.append(args)
            return .reply(.simpleString("QUEUED"))
        }
        if monitorCount > 0 && !spec.flags.contains(.noMonitor) { feedMonitors(args, client: client) }
        return call(spec, args, client: client)
    }

    /// Redis's refusal while the log cannot be written: writes, and PING when asked
    /// directly (so health checks notice), get `MISCONF`. Nil when the log is healthy.
    func diskErrorText(for spec: CommandSpec, ping: Bool = false) -> String? {
        guard let failure = persistenceFailure, spec.flags.contains(.write) || (ping && spec.name == "ping") else { return nil }
        return "MISCONF Errors writing to the AOF file: \(failure)"
    }

    static let outOfMemoryText = "OOM command not allowed when used memory > 'maxmemory'."

    /// Whether write commands that may grow memory must be refused.
    var isOutOfMemory: Bool {
        configuration.maxMemory > 0 && usedMemory > configuration.maxMemory
    }

    /// `ERR unknown command 'foo', with args beginning with: 'a' 'b' ` — Redis 7.0's text,
    /// trailing space included, arguments listed while the list is under 128 characters.
    static func unknownCommandText(_ args: [[UInt8]]) -> String {
        var listed = ""
        var index = 1
        while index < args.count && listed.utf8.count < 128 {
            let room = 128 - listed.utf8.count
            listed += "'" + String(decoding: args[index].prefix(room), as: UTF8.self) + "' "
            index += 1
        }
        let name = String(decoding: args[0].prefix(128), as: UTF8.self)
        return "ERR unknown command '\(name)', with args beginning with: \(listed)"
    }

    /// Marks a MULTI as failed so that EXEC answers EXECABORT.
    func flagTransaction(_ client: ClientState) {
        if client.multiQueue != nil { client.multiFailed = true }
    }

    /// Runs a command that passed the checks: accounts memory for its keys and records it for
    /// the append-only log when it changed the dataset.
    func call(_ spec: CommandSpec, _ args: [[UInt8]], client: ClientState) -> CommandOutcome {
        let db = client.db
        // Handlers that account their own memory expire their keys in their own lookups.
        let isWrite = spec.flags.contains(.write) && !spec.flags.contains(.accountsOwnMemory)
        var before = 0
        if isWrite {
            for index in spec.keyPositions(count: args.count) {
                _ = expireIfNeeded(db, args[index])
                before += approximateSize(db, args[index])
            }
        }
        let changesBefore = changesSinceStart
        var context = CommandCall(args: args, client: client, spec: spec, propagateAs: nil)
        context.direct = directReplies && callDepth == 0
        callDepth += 1
        let outcome: CommandOutcome
        do {
            outcome = try spec.handler(self, &context)
        } catch let error as CommandError {
            outcome = .reply(.simpleError(error.text))
        } catch {
            outcome = .reply(.simpleError("ERR \(error)"))
        }
        callDepth -= 1
        // Only fast commands keep a read batch's time (see beginReadBatch()).
        if clockReadForBatch && callDepth == 0 && !spec.keepsBatchClock { nowMicros = clock.nowMicroseconds() }
        if isWrite {
            var after = 0
            for index in spec.keyPositions(count: args.count) { after += approximateSize(db, args[index]) }
            usedMemory += after - before
        }
        stats.totalCommands += 1
        if changesSinceStart != changesBefore && !spec.flags.contains(.noPropagate) && appendOnlySink != nil {
            if let records = context.propagateAs {
                for record in records { pendingRecords.append((db, record)) }
            } else {
                pendingRecords.append((db, args))
            }
        }
        return outcome
    }

    /// Memory an entry takes: key, value and expiry bookkeeping.
    func approximateSize(_ db: Int, _ key: [UInt8]) -> Int {
        let database = database(db)
        guard let value = database.entries[key] else { return 0 }
        let hasExpiry = !database.expires.isEmpty && database.expires[key] != nil
        return key.count + 48 + value.approximateBytes + (hasExpiry ? 24 : 0)
    }

    /// The command named by `name`, any case. The name as sent (usually all upper or all
    /// lower case) is looked up first in a cache keyed by its bytes, sparing a String per
    /// command; the cache is bounded, since clients choose the spelling.
    ///
    /// Before that, the spelling of the previous command is compared: a pipeline usually
    /// repeats one command, and a byte comparison is cheaper than hashing the name.
    func commandSpec(_ name: [UInt8]) -> CommandSpec? {
        if let spec = lastCommandSpec, ByteKey(name) == ByteKey(lastCommandSpelling) { return spec }
        let found: CommandSpec
        if let spec = commandsBySpelling[name] {
            found = spec
        } else {
            guard let spec = commands[ArgumentParsing.lowercased(name)] else { return nil }
            if commandsBySpelling.count < 4096 { commandsBySpelling[name] = spec }
            found = spec
        }
        lastCommandSpelling = name
        lastCommandSpec = found
        return found
    }

    /// Counts a change to `key`: invalidates WATCHes on it and bumps the change counter that
    /// decides whether the command is logged.
    func signalModified(_ db: Int, _ key: [UInt8], changes: Int64 = 1) {
        changesSinceStart += changes
        if !watchers.isEmpty { touchWatchedKey(DatabaseKey(db: db, key: key)) }
    }

    /// MONITOR line: `+<secs>.<usecs> [<db> <addr>] "cmd" "arg"`.
    func feedMonitors(_ args: [[UInt8]], client: ClientState) {
        guard monitorCount > 0 else { return }
        let monitors = clients.values.filter { $0.isMonitor && $0.id != client.id }
        guard !monitors.isEmpty else { return }
        let seconds = nowMicros / 1_000_000
        let micros = nowMicros % 1_000_000
        var microsText = String(micros)
        while microsText.count < 6 { microsText = "0" + microsText }
        let source = runningScript != nil ? "lua" : client.address
        var line = "\(seconds).\(microsText) [\(client.db) \(source)]"
        for arg in args { line += " " + Self.quoted(arg) }
        for monitor in monitors.sorted(by: { $0.id < $1.id }) {
            events.append(.push(monitor.id, .simpleString(line)))
        }
    }

    /// Redis's `sdscatrepr`: a double-quoted string with escapes for non-printable bytes.
    static func quoted(_ bytes: [UInt8]) -> String {
        var out = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\""): out += "\\\""
            case 10: out += "\\n"
            case 13: out += "\\r"
            case 9: out += "\\t"
            case 7: out += "\\a"
            case 8: out += "\\b"
            case 0x20..<0x7F: out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out + "\""
    }
}
