import CeleriacRESP

/// DBSIZE FLUSHDB FLUSHALL TIME CONFIG SHUTDOWN MONITOR (INFO and COMMAND have files of their own).
extension BrokerEngine {
    func dbsizeCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(Int64(database(call.client.db).count)))
    }

    func flushCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.args.count <= 2 else { throw CommandError.syntax }
        if call.args.count == 2 && !ArgumentParsing.matches(call.args[1], "async") && !ArgumentParsing.matches(call.args[1], "sync") {
            throw CommandError.syntax
        }
        let all = ArgumentParsing.matches(call.args[0], "flushall")
        let targets = all ? Array(databases.indices) : [call.client.db]
        for index in targets {
            let database = databases[index]
            for key in database.entries.keys { touchWatchedKey(DatabaseKey(db: index, key: key)) }
            database.entries.removeAll()
            database.expires.removeAll()
        }
        recomputeUsedMemory()
        changesSinceStart += 1
        call.propagateAs = [[Array((all ? "FLUSHALL" : "FLUSHDB").utf8)]]
        return .reply(.ok)
    }

    /// Recounts memory from scratch (after FLUSHDB/FLUSHALL and replay).
    func recomputeUsedMemory() {
        var total = 0
        for database in databases {
            for key in database.entries.keys { total += approximateSize(database.index, key) }
        }
        usedMemory = total
    }

    func timeCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.array([.bulk(String(nowMicros / 1_000_000)), .bulk(String(nowMicros % 1_000_000))]))
    }

    func configCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let sub = ArgumentParsing.lowercased(call.args[1])
        guard sub == "get" else {
            if sub == "set" || sub == "resetstat" || sub == "rewrite" {
                throw CommandError("ERR CONFIG \(sub.uppercased()) is not supported by this server")
            }
            throw CommandError.unknownSubcommand(call.args[1], "CONFIG")
        }
        guard call.args.count >= 3 else { throw CommandError.arity("config|get") }
        let parameters: [(String, String)] = [
            ("maxmemory", String(configuration.maxMemory)),
            ("maxmemory-policy", "noeviction"),
            ("databases", String(databases.count)),
            ("appendonly", appendOnlySink == nil ? "no" : "yes"),
            ("save", ""),
            ("port", String(configuration.port)),
            ("bind", "127.0.0.1"),
            ("timeout", "0"),
            ("lua-time-limit", String(configuration.scriptTimeLimitMilliseconds)),
            ("busy-reply-threshold", String(configuration.scriptTimeLimitMilliseconds)),
            ("requirepass", configuration.password ?? ""),
            ("maxclients", "10000"),
        ]
        var pairs: [RESPPair] = []
        for pattern in call.args.dropFirst(2) {
            let lowered = Array(ArgumentParsing.lowercased(pattern).utf8)
            for (name, value) in parameters where GlobMatch.matches(pattern: lowered, string: Array(name.utf8)) {
                if !pairs.contains(where: { $0.key == .bulk(name) }) { pairs.append(RESPPair(.bulk(name), .bulk(value))) }
            }
        }
        return .reply(.map(pairs))
    }

    func shutdownCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        for option in call.args.dropFirst() {
            let known = ["nosave", "save", "now", "force", "abort"].contains { ArgumentParsing.matches(option, $0) }
            guard known else { throw CommandError.syntax }
        }
        return .shutdown(nil)
    }

    func monitorCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.client.multiQueue == nil else { throw CommandError("ERR MONITOR isn't allowed in transaction") }
        if !call.client.isMonitor { monitorCount += 1 }
        call.client.isMonitor = true
        return .reply(.ok)
    }
}
