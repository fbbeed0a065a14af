import CeleriacRESP

/// INFO [section ...]: server, clients, memory, persistence, stats, keyspace.
extension BrokerEngine {
    func infoCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let all = ["server", "clients", "memory", "persistence", "stats", "keyspace"]
        var wanted = call.args.dropFirst().map { ArgumentParsing.lowercased($0) }
        if wanted.isEmpty || wanted.contains(where: { $0 == "all" || $0 == "everything" || $0 == "default" }) {
            wanted = all
        }
        var text = ""
        for section in all where wanted.contains(section) {
            if !text.isEmpty { text += "\r\n" }
            text += infoSection(section)
        }
        return .reply(.verbatimString(format: "txt", text: Array(text.utf8)))
    }

    /// One INFO section as `# Title\r\nfield:value\r\n...`.
    func infoSection(_ name: String) -> String {
        var fields: [(String, String)] = []
        let title: String
        switch name {
        case "server":
            title = "Server"
            let uptime = (nowMicros - startedAt) / 1_000_000
            fields = [
                ("redis_version", configuration.version), ("redis_mode", "standalone"),
                ("server_name", "celeriac-broker"), ("multiplexing_api", "nio"),
                ("tcp_port", String(configuration.port)), ("uptime_in_seconds", String(uptime)),
                ("uptime_in_days", String(uptime / 86400)),
            ]
        case "clients":
            title = "Clients"
            fields = [
                ("connected_clients", String(clients.count)),
                ("blocked_clients", String(clients.values.filter { $0.isBlocked }.count)),
                ("pubsub_clients", String(clients.values.filter { $0.subscriptionCount > 0 }.count)),
            ]
        case "memory":
            title = "Memory"
            fields = [
                ("used_memory", String(usedMemory)), ("used_memory_human", Self.humanBytes(usedMemory)),
                ("maxmemory", String(configuration.maxMemory)), ("maxmemory_human", Self.humanBytes(configuration.maxMemory)),
                ("maxmemory_policy", "noeviction"),
            ]
        case "persistence":
            title = "Persistence"
            fields = [
                ("loading", "0"), ("rdb_changes_since_last_save", String(changesSinceStart)),
                ("aof_enabled", appendOnlySink == nil ? "0" : "1"),
            ] + persistenceInfo.map { ($0.field, $0.value) }
        case "stats":
            title = "Stats"
            fields = [
                ("total_connections_received", String(stats.totalConnections)),
                ("total_commands_processed", String(stats.totalCommands)),
                ("expired_keys", String(stats.expiredKeys)), ("evicted_keys", "0"),
                ("keyspace_hits", String(stats.keyspaceHits)), ("keyspace_misses", String(stats.keyspaceMisses)),
                ("pubsub_channels", String(channelSubscribers.count)),
                ("pubsub_patterns", String(patternSubscribers.count)),
                ("total_published_messages", String(stats.publishedMessages)),
                ("rejected_commands_oom", String(stats.rejectedCommands)),
            ]
        default:
            title = "Keyspace"
            for database in databases where database.count > 0 {
                let expiring = database.expires.count
                fields.append(("db\(database.index)", "keys=\(database.count),expires=\(expiring),avg_ttl=0"))
            }
        }
        return "# \(title)\r\n" + fields.map { "\($0.0):\($0.1)\r\n" }.joined()
    }

    static func humanBytes(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value < 1024 { return "\(bytes)B" }
        if value < 1024 * 1024 { return String(Int(value / 1024 * 100)) .insertingDecimal() + "K" }
        if value < 1024 * 1024 * 1024 { return String(Int(value / 1024 / 1024 * 100)).insertingDecimal() + "M" }
        return String(Int(value / 1024 / 1024 / 1024 * 100)).insertingDecimal() + "G"
    }
}

extension String {
    /// "12345" → "123.45" (two implied decimals), for INFO's human-readable sizes.
    fileprivate func insertingDecimal() -> String {
        var digits = self
        while digits.count < 3 { digits = "0" + digits }
        let split = digits.index(digits.endIndex, offsetBy: -2)
        return digits[..<split] + "." + digits[split...]
    }
}
