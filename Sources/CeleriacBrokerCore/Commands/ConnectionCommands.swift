import CeleriacRESP

/// PING ECHO HELLO AUTH SELECT QUIT RESET.
extension BrokerEngine {
    func pingCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.args.count <= 2 else { throw CommandError.arity("ping") }
        if call.client.protocolVersion == .v2 && call.client.subscriptionCount > 0 {
            return .reply(.array([.bulk("pong"), .bulkString(call.args.count == 2 ? call.args[1] : [])]))
        }
        return call.args.count == 2 ? replyBulk(call.args[1], call) : replyStatus("PONG", call)
    }

    func echoCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.bulkString(call.args[1]))
    }

    func helloCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let client = call.client
        var version = client.protocolVersion
        var index = 1
        if call.args.count >= 2 {
            guard let number = ArgumentParsing.integer(call.args[1]) else {
                throw CommandError("ERR Protocol version is not an integer or out of range")
            }
            guard let requested = RESPVersion(rawValue: Int(clamping: number)) else {
                throw CommandError("NOPROTO unsupported protocol version")
            }
            version = requested
            index = 2
        }
        var credentials: (user: [UInt8], password: [UInt8])?
        var newName: [UInt8]?
        while index < call.args.count {
            let remaining = call.args.count - index - 1
            if ArgumentParsing.matches(call.args[index], "auth"), remaining >= 2 {
                credentials = (call.args[index + 1], call.args[index + 2])
                index += 3
            } else if ArgumentParsing.matches(call.args[index], "setname"), remaining >= 1 {
                newName = call.args[index + 1]
                index += 2
            } else {
                throw CommandError("ERR Syntax error in HELLO option '\(String(decoding: call.args[index], as: UTF8.self))'")
            }
        }
        if let credentials {
            guard checkPassword(user: credentials.user, password: credentials.password) else {
                throw CommandError(Self.wrongPassText)
            }
            client.authenticated = true
        }
        guard client.authenticated else {
            throw CommandError(
                "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"
            )
        }
        if let newName {
            try Self.validateClientName(newName)
            client.name = newName.isEmpty ? nil : newName
        }
        client.protocolVersion = version
        return .reply(.map([
            RESPPair(.bulk("server"), .bulk("redis")),
            RESPPair(.bulk("version"), .bulk(configuration.version)),
            RESPPair(.bulk("proto"), .integer(Int64(version.rawValue))),
            RESPPair(.bulk("id"), .integer(client.id)),
            RESPPair(.bulk("mode"), .bulk("standalone")),
            RESPPair(.bulk("role"), .bulk("master")),
            RESPPair(.bulk("modules"), .array([])),
        ]))
    }

    static let wrongPassText = "WRONGPASS invalid username-password pair or user is disabled."

    /// The only user is `default`; without a configured password it accepts any password.
    func checkPassword(user: [UInt8], password: [UInt8]) -> Bool {
        guard user == Array("default".utf8) else { return false }
        guard let expected = configuration.password else { return true }
        return Self.constantTimeEqual(password, Array(expected.utf8))
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }

    func authCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        guard call.args.count <= 3 else { throw CommandError.syntax }
        if call.args.count == 2 {
            guard configuration.password != nil else {
                throw CommandError(
                    "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
                )
            }
        }
        let user = call.args.count == 3 ? call.args[1] : Array("default".utf8)
        guard checkPassword(user: user, password: call.args[call.args.count - 1]) else {
            throw CommandError(Self.wrongPassText)
        }
        call.client.authenticated = true
        return .reply(.ok)
    }

    func selectCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let index = try ArgumentParsing.requireInteger(call.args[1])
        guard index >= 0, index < Int64(databases.count) else { throw CommandError("ERR DB index is out of range") }
        call.client.db = Int(index)
        return .reply(.ok)
    }

    func quitCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .close(.ok)
    }

    func resetCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let client = call.client
        endTransaction(client)
        unblock(client)
        removeAllSubscriptions(client)
        client.db = 0
        client.protocolVersion = .v2
        client.name = nil
        if client.isMonitor { monitorCount -= 1 }
        client.isMonitor = false
        client.authenticated = configuration.password == nil
        return .reply(.simpleString("RESET"))
    }

    /// CLIENT SETNAME refuses spaces, newlines and other special characters.
    static func validateClientName(_ name: [UInt8]) throws(CommandError) {
        guard name.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw CommandError("ERR Client names cannot contain spaces, newlines or special characters.")
        }
    }
}
