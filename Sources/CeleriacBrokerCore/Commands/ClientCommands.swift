import CeleriacRESP

/// CLIENT ID / SETNAME / GETNAME / SETINFO / INFO / LIST / KILL. Other subcommands (such as
/// redis-py's MAINT_NOTIFICATIONS) get Redis 7.0's unknown-subcommand error, which clients
/// treat as "not supported".
extension BrokerEngine {
    func clientCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let client = call.client
        let sub = ArgumentParsing.lowercased(call.args[1])
        func requireCount(_ valid: (Int) -> Bool) throws(CommandError) {
            guard valid(call.args.count) else { throw CommandError.arity("client|\(sub)") }
        }
        switch sub {
        case "id":
            try requireCount { $0 == 2 }
            return .reply(.integer(client.id))
        case "getname":
            try requireCount { $0 == 2 }
            return .reply(client.name.map { .bulkString($0) } ?? .null)
        case "setname":
            try requireCount { $0 == 3 }
            try Self.validateClientName(call.args[2])
            client.name = call.args[2].isEmpty ? nil : call.args[2]
            return .reply(.ok)
        case "setinfo":
            try requireCount { $0 == 4 }
            let value = String(decoding: call.args[3], as: UTF8.self)
            guard call.args[3].allSatisfy({ $0 > 32 && $0 < 127 }) else {
                throw CommandError("ERR \(ArgumentParsing.lowercased(call.args[2])) cannot contain spaces, newlines or special characters.")
            }
            if ArgumentParsing.matches(call.args[2], "lib-name") {
                client.libraryName = value
            } else if ArgumentParsing.matches(call.args[2], "lib-ver") {
                client.libraryVersion = value
            } else {
                throw CommandError("ERR Unrecognized option '\(String(decoding: call.args[2], as: UTF8.self))'")
            }
            return .reply(.ok)
        case "info":
            try requireCount { $0 == 2 }
            return .reply(.verbatimString(format: "txt", text: Array((clientInfoLine(client) + "\n").utf8)))
        case "list":
            guard call.args.count == 2 else { throw CommandError.syntax }
            let lines = clients.values.sorted { $0.id < $1.id }.map { clientInfoLine($0) + "\n" }.joined()
            return .reply(.verbatimString(format: "txt", text: Array(lines.utf8)))
        case "kill":
            try requireCount { $0 >= 3 }
            return try clientKill(call)
        default:
            throw CommandError.unknownSubcommand(call.args[1], "CLIENT")
        }
    }

    private func clientKill(_ call: CommandCall) throws -> CommandOutcome {
        if call.args.count == 3 {
            let address = String(decoding: call.args[2], as: UTF8.self)
            guard let target = clients.values.first(where: { $0.address == address }) else {
                throw CommandError("ERR No such client")
            }
            events.append(.disconnect(target.id))
            return .reply(.ok)
        }
        var id: Int64?
        var address: String?
        var skipMe = true
        var index = 2
        while index < call.args.count {
            guard index + 1 < call.args.count else { throw CommandError.syntax }
            let value = call.args[index + 1]
            if ArgumentParsing.matches(call.args[index], "id") {
                guard let parsed = ArgumentParsing.integer(value), parsed > 0 else {
                    throw CommandError("ERR client-id should be greater than 0")
                }
                id = parsed
            } else if ArgumentParsing.matches(call.args[index], "addr") {
                address = String(decoding: value, as: UTF8.self)
            } else if ArgumentParsing.matches(call.args[index], "skipme") {
                if ArgumentParsing.matches(value, "yes") {
                    skipMe = true
                } else if ArgumentParsing.matches(value, "no") {
                    skipMe = false
                } else {
                    throw CommandError.syntax
                }
            } else {
                throw CommandError.syntax
            }
            index += 2
        }
        var killed: Int64 = 0
        for target in clients.values.sorted(by: { $0.id < $1.id }) {
            if let id, target.id != id { continue }
            if let address, target.address != address { continue }
            if skipMe && target.id == call.client.id { continue }
            events.append(.disconnect(target.id))
            killed += 1
        }
        return .reply(.integer(killed))
    }

    /// One `CLIENT LIST` line, with the fields Redis 7 prints that the engine can know.
    func clientInfoLine(_ client: ClientState) -> String {
        var flags = ""
        if client.subscriptionCount > 0 { flags += "P" }
        if client.multiQueue != nil { flags += "x" }
        if client.isBlocked { flags += "b" }
        if client.isMonitor { flags += "O" }
        if flags.isEmpty { flags = "N" }
        let age = (nowMicros - client.createdAt) / 1_000_000
        let idle = (nowMicros - client.lastCommandAt) / 1_000_000
        let name = client.name.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let multi = client.multiQueue.map { String($0.count) } ?? "-1"
        return "id=\(client.id) addr=\(client.address) laddr=127.0.0.1:\(configuration.port) fd=-1 name=\(name) age=\(age) idle=\(idle) flags=\(flags) db=\(client.db) sub=\(client.channels.count) psub=\(client.patterns.count) ssub=0 multi=\(multi) qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=\(client.lastCommand) user=default redir=-1 resp=\(client.protocolVersion.rawValue) lib-name=\(client.libraryName) lib-ver=\(client.libraryVersion)"
    }
}
