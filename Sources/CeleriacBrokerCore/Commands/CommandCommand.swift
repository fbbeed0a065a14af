import CeleriacRESP

/// COMMAND, COMMAND COUNT / INFO / DOCS / LIST: enough for redis-cli and client libraries.
extension BrokerEngine {
    func commandCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.args.count >= 2 else {
            return .reply(.array(commands.values.sorted { $0.name < $1.name }.map(Self.commandInfo)))
        }
        switch ArgumentParsing.lowercased(call.args[1]) {
        case "count":
            return .reply(.integer(Int64(commands.count)))
        case "info":
            let names = call.args.dropFirst(2).map { ArgumentParsing.lowercased($0) }
            let selected = names.isEmpty ? commands.values.sorted { $0.name < $1.name }.map(Optional.some) : names.map { commands[$0] }
            return .reply(.array(selected.map { $0.map(Self.commandInfo) ?? .null }))
        case "docs":
            let names = call.args.dropFirst(2).map { ArgumentParsing.lowercased($0) }
            let selected = names.isEmpty ? commands.keys.sorted() : names.filter { commands[$0] != nil }
            return .reply(.map(selected.map { name in
                RESPPair(.bulk(name), .map([
                    RESPPair(.bulk("summary"), .bulk("")), RESPPair(.bulk("since"), .bulk("1.0.0")),
                    RESPPair(.bulk("group"), .bulk("generic")),
                ]))
            }))
        case "list":
            return .reply(.array(commands.keys.sorted().map { .bulk($0) }))
        default:
            throw CommandError.unknownSubcommand(call.args[1], "COMMAND")
        }
    }

    /// `[name, arity, flags, first key, last key, step, categories, tips, key specs, subcommands]`.
    static func commandInfo(_ spec: CommandSpec) -> RESPValue {
        .array([
            .bulk(spec.name), .integer(Int64(spec.arity)),
            .set(spec.flags.names.map { .simpleString($0) }),
            .integer(Int64(spec.firstKey)), .integer(Int64(spec.lastKey)), .integer(Int64(spec.keyStep)),
            .set([]), .set([]), .array([]), .array([]),
        ])
    }
}
