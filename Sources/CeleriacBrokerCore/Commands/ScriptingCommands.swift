import CCeleriacLua
import CeleriacRESP

/// State of the script being run.
struct ScriptRun {
    var sha: String
    var client: ClientState
}

/// EVAL EVALSHA SCRIPT (LOAD EXISTS FLUSH KILL), and the path `redis.call` takes back in.
extension BrokerEngine {
    static let noScriptText = "NOSCRIPT No matching script. Please use EVAL."

    /// The Lua state, created on first use.
    func interpreter() throws(CommandError) -> LuaInterpreter {
        if let lua { return lua }
        guard let created = LuaInterpreter(engine: self) else { throw CommandError("ERR could not create the Lua interpreter") }
        lua = created
        return created
    }

    func evalCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let bySHA = ArgumentParsing.matches(call.args[0], "evalsha")
        let numberOfKeys = try ArgumentParsing.requireInteger(call.args[2])
        guard numberOfKeys >= 0 else { throw CommandError("ERR Number of keys can't be negative") }
        guard numberOfKeys <= Int64(call.args.count - 3) else {
            throw CommandError("ERR Number of keys can't be greater than number of args")
        }
        let lua = try interpreter()
        let sha: String
        if bySHA {
            sha = ArgumentParsing.lowercased(call.args[1])
            guard scripts[sha] != nil else { throw CommandError(Self.noScriptText) }
        } else {
            sha = try loadScript(call.args[1], into: lua)
        }
        let keys = Array(call.args[3..<(3 + Int(numberOfKeys))])
        let argv = Array(call.args[(3 + Int(numberOfKeys))...])
        return .reply(runScript(sha: sha, keys: keys, argv: argv, caller: call.client, lua: lua))
    }

    /// Compiles `body` (unless already known) and stores it under its SHA-1.
    func loadScript(_ body: [UInt8], into lua: LuaInterpreter) throws(CommandError) -> String {
        let sha = SHA1.hex(body)
        if scripts[sha] != nil { return sha }
        let state = lua.state
        let status = body.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return luaL_loadbuffer(state, "", 0, "@user_script") }
            return base.withMemoryRebound(to: CChar.self, capacity: body.count) {
                luaL_loadbuffer(state, $0, body.count, "@user_script")
            }
        }
        guard status == 0 else {
            let message = String(decoding: LuaConversion.bytes(from: state, at: -1), as: UTF8.self)
            celeriac_lua_pop(state, 1)
            throw CommandError("ERR Error compiling script (new function): \(message)")
        }
        lua_setfield(state, celeriac_lua_registryindex(), "f_" + sha)
        scripts[sha] = body
        return sha
    }

    /// Runs a loaded script atomically. Commands it issues run on a script client that starts
    /// in the caller's database; their log records are wrapped in MULTI/EXEC.
    private func runScript(sha: String, keys: [[UInt8]], argv: [[UInt8]], caller: ClientState, lua: LuaInterpreter) -> RESPValue {
        let state = lua.state
        setGlobalArray("KEYS", keys, state: state)
        setGlobalArray("ARGV", argv, state: state)
        let scriptClient = ClientState(id: 0, address: "lua", authenticated: true, now: nowMicros)
        scriptClient.db = caller.db
        scriptClient.isScriptClient = true
        runningScript = ScriptRun(sha: sha, client: scriptClient)
        defer {
            runningScript = nil
            wrapPendingRecords = true
        }
        let base = lua_gettop(state)
        celeriac_lua_rawgetglobal(state, "__celeriac_error_handler")
        lua_getfield(state, celeriac_lua_registryindex(), "f_" + sha)
        celeriac_lua_arm_deadline(state, Double(configuration.scriptTimeLimitMilliseconds) / 1000)
        let status = lua_pcall(state, 0, 1, base + 1)
        celeriac_lua_disarm_deadline(state)
        defer { lua_settop(state, base) }
        if status == 0 {
            return LuaConversion.reply(from: state, at: -1)
        }
        return .simpleError(scriptErrorText(state: state, sha: sha))
    }

    /// `<message> script: <sha>, on @user_script:<line>.` from the handler's error table.
    private func scriptErrorText(state: OpaquePointer, sha: String) -> String {
        guard lua_type(state, -1) == LUA_TTABLE else {
            let message = lua_type(state, -1) == LUA_TSTRING
                ? String(decoding: LuaConversion.bytes(from: state, at: -1), as: UTF8.self) : "execution failure"
            return "ERR Error running script \(sha), \(message.prefix(100))"
        }
        // Raw reads: the error object may be a user table whose metamethods could raise.
        let table = lua_gettop(state)
        celeriac_lua_rawgetfield(state, table, "err")
        var message = String(decoding: LuaConversion.bytes(from: state, at: -1), as: UTF8.self)
        celeriac_lua_pop(state, 1)
        if message.hasPrefix("-") { message.removeFirst() }
        celeriac_lua_rawgetfield(state, table, "source")
        let source = lua_type(state, -1) == LUA_TSTRING ? String(decoding: LuaConversion.bytes(from: state, at: -1), as: UTF8.self) : nil
        celeriac_lua_pop(state, 1)
        celeriac_lua_rawgetfield(state, table, "line")
        let line = lua_type(state, -1) == LUA_TNUMBER ? Int(lua_tonumber(state, -1)) : nil
        celeriac_lua_pop(state, 1)
        if let source, let line { return "\(message) script: \(sha), on \(source):\(line)." }
        return message
    }

    private func setGlobalArray(_ name: String, _ values: [[UInt8]], state: OpaquePointer) {
        _ = LuaConversion.push(.array(values.map { .bulkString($0) }), to: state, depth: 0)
        celeriac_lua_rawsetglobal(state, name)
    }

    /// A command issued by `redis.call`/`redis.pcall`: checked like Redis checks script
    /// commands, then run on the script's client. Errors come back as values, never raised.
    func scriptCall(_ args: [[UInt8]]) -> Result<RESPValue, CommandError> {
        guard let run = runningScript, let first = args.first else {
            return .failure(CommandError("ERR redis.call used outside a script"))
        }
        guard let spec = commands[ArgumentParsing.lowercased(first)] else {
            return .failure(CommandError("ERR Unknown Redis command called from script"))
        }
        guard spec.acceptsArgumentCount(args.count) else {
            return .failure(CommandError("ERR Wrong number of args calling Redis command from script"))
        }
        if spec.flags.contains(.noScript) {
            return .failure(CommandError("ERR This Redis command is not allowed from script"))
        }
        if isOutOfMemory && spec.flags.contains(.denyOOM) {
            return .failure(CommandError(Self.outOfMemoryText))
        }
        if let refusal = diskErrorText(for: spec) { return .failure(CommandError(refusal)) }
        feedMonitors(args, client: run.client)
        let reply: RESPValue
        switch call(spec, args, client: run.client) {
        case .reply(let value), .close(let value): reply = value
        case .replies(let values): reply = values.first ?? .null
        case .blocked, .shutdown: reply = .null
        }
        if case .simpleError(let text) = reply { return .failure(CommandError(text)) }
        return .success(reply)
    }

    func scriptCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        switch ArgumentParsing.lowercased(call.args[1]) {
        case "load":
            guard call.args.count == 3 else { throw CommandError.arity("script|load") }
            return .reply(.bulk(try loadScript(call.args[2], into: try interpreter())))
        case "exists":
            guard call.args.count >= 3 else { throw CommandError.arity("script|exists") }
            return .reply(.array(call.args.dropFirst(2).map { .integer(scripts[ArgumentParsing.lowercased($0)] == nil ? 0 : 1) }))
        case "flush":
            guard call.args.count <= 3 else { throw CommandError.arity("script|flush") }
            if call.args.count == 3 && !ArgumentParsing.matches(call.args[2], "async") && !ArgumentParsing.matches(call.args[2], "sync") {
                throw CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
            }
            scripts.removeAll()
            lua = nil
            return .reply(.ok)
        case "kill":
            guard call.args.count == 2 else { throw CommandError.arity("script|kill") }
            // A script holds the engine until it ends or hits the time limit, so no other
            // client's SCRIPT KILL can ever find one running.
            throw CommandError("NOTBUSY No scripts in execution right now.")
        default:
            throw CommandError.unknownSubcommand(call.args[1], "SCRIPT")
        }
    }
}
