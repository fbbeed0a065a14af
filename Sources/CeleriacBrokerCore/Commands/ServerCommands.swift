import CeleriacRESP

/// DBSIZE FLUSHDB FLUSHALL TIME SHUTDOWN MONITOR (INFO, CONFIG and COMMAND have files of their own).
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
