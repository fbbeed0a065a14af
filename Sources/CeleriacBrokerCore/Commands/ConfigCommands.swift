import CeleriacRESP

/// CONFIG GET / SET / RESETSTAT / REWRITE, with Redis 7.0's replies and error texts.
///
/// CONFIG SET is atomic as in Redis: every name is checked first (unknown, immutable,
/// duplicate), then each value is applied to a copy of the configuration; only when all of
/// them are valid does the copy replace the running one, and the server is told
/// (``BrokerEngine/configurationDidChange``) so it applies what it owns (the log's fsync
/// policy, switching the log on or off, the connection limit).
extension BrokerEngine {
    func configCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let sub = ArgumentParsing.lowercased(call.args[1])
        switch sub {
        case "get":
            guard call.args.count >= 3 else { throw CommandError.arity("config|get") }
            return .reply(.map(configGet(call.args.dropFirst(2))))
        case "set":
            guard call.args.count >= 4 else { throw CommandError.arity("config|set") }
            guard call.args.count % 2 == 0 else { throw CommandError.syntax }
            try configSet(Array(call.args.dropFirst(2)))
            return .reply(.ok)
        case "resetstat":
            guard call.args.count == 2 else { throw CommandError.arity("config|resetstat") }
            stats = EngineStats()
            return .reply(.ok)
        case "rewrite":
            guard call.args.count == 2 else { throw CommandError.arity("config|rewrite") }
            throw CommandError("ERR The server is running without a config file")
        default:
            throw CommandError.unknownSubcommand(call.args[1], "CONFIG")
        }
    }

    private func configGet(_ patterns: ArraySlice<[UInt8]>) -> [RESPPair] {
        var pairs: [RESPPair] = []
        var seen: Set<String> = []
        for pattern in patterns {
            let lowered = Array(ArgumentParsing.lowercased(pattern).utf8)
            for parameter in Self.configParameters {
                for name in [parameter.name] + parameter.aliases
                where GlobMatch.matches(pattern: lowered, string: Array(name.utf8)) && !seen.contains(name) {
                    seen.insert(name)
                    pairs.append(RESPPair(.bulk(name), .bulk(parameter.get(self))))
                }
            }
        }
        return pairs
    }

    /// `arguments` are name/value pairs (their count is even).
    private func configSet(_ arguments: [[UInt8]]) throws(CommandError) {
        var chosen: [(parameter: ConfigParameter, value: [UInt8])] = []
        // Redis 7.0 tells duplicates by the name given: an alias and its parameter may both appear.
        var namesGiven: Set<String> = []
        var unknown: [UInt8]?
        var refusal: (name: [UInt8], reason: String)?
        for index in stride(from: 0, to: arguments.count, by: 2) {
            let given = arguments[index]
            let name = ArgumentParsing.lowercased(given)
            guard let parameter = Self.configParameters.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
                if unknown == nil { unknown = given }
                continue
            }
            guard unknown == nil, refusal == nil else { continue }
            if parameter.set == nil {
                refusal = (given, "can't set immutable config")
            } else if namesGiven.contains(name) {
                refusal = (given, "duplicate parameter")
            }
            namesGiven.insert(name)
            chosen.append((parameter, arguments[index + 1]))
        }
        if let unknown {
            throw CommandError("ERR Unknown option or number of arguments for CONFIG SET - '\(String(decoding: unknown, as: UTF8.self))'")
        }
        if let refusal {
            throw Self.configSetFailure(String(decoding: refusal.name, as: UTF8.self), refusal.reason)
        }
        var staged = configuration
        for (parameter, value) in chosen {
            guard let set = parameter.set else { continue }
            if let reason = set(&staged, value) { throw Self.configSetFailure(parameter.name, reason) }
        }
        let previous = configuration
        configuration = staged
        if let refusal = configurationDidChange?(previous) {
            configuration = previous
            throw Self.configSetFailure(refusal.parameter, refusal.reason)
        }
    }

    static func configSetFailure(_ name: String, _ reason: String) -> CommandError {
        CommandError("ERR CONFIG SET failed (possibly related to argument '\(name)') - \(reason)")
    }
}
