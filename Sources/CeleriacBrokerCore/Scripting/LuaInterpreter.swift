import CCeleriacLua
import CeleriacRESP

/// The engine's Lua 5.1 state, set up like Redis's: base, table, string and math libraries,
/// the `redis` table (`call`, `pcall`, `error_reply`, `status_reply`, `sha1hex`, `log`), and an
/// error handler that turns errors into `{err=..., source=..., line=...}` tables.
///
/// Lua raises errors with `longjmp`, which must never cross a Swift frame. So the only Swift
/// function Lua calls (the bridge behind `redis.call`) never raises: it returns `ok, value`
/// and a small C wrapper in the shim header raises once Swift has returned. Scripts run under `lua_pcall` only, and
/// the time-limit hook that aborts a long script is C code in the shim header.
final class LuaInterpreter {
    let state: OpaquePointer

    /// Creates the state; nil only if Lua cannot allocate one.
    init?(engine: BrokerEngine) {
        guard let state = luaL_newstate() else { return nil }
        self.state = state
        let libraries: [(lua_CFunction, String)] = [
            (luaopen_base, ""), (luaopen_table, LUA_TABLIBNAME), (luaopen_string, LUA_STRLIBNAME),
            (luaopen_math, LUA_MATHLIBNAME), (luaopen_debug, LUA_DBLIBNAME),
        ]
        for (opener, name) in libraries {
            celeriac_lua_pushcclosure(state, opener, 0)
            lua_pushstring(state, name)
            guard lua_pcall(state, 1, 0, 0) == 0 else {
                lua_close(state)
                return nil
            }
        }
        let engineAddress = Unmanaged.passUnretained(engine).toOpaque()
        lua_pushlightuserdata(state, engineAddress)
        celeriac_lua_pushcclosure(state, luaBridge, 1)
        celeriac_lua_setglobal(state, "__celeriac_bridge")
        celeriac_lua_install_call_wrappers(state)
        celeriac_lua_pushcclosure(state, luaSHA1Hex, 0)
        celeriac_lua_setglobal(state, "__celeriac_sha1hex")
        guard run(chunk: Self.prelude, name: "=celeriac") else {
            lua_close(state)
            return nil
        }
    }

    deinit {
        lua_close(state)
    }

    /// Runs trusted set-up code; false when it fails to load or run.
    private func run(chunk: String, name: String) -> Bool {
        let bytes = Array(chunk.utf8)
        let loaded = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    luaL_loadbuffer(state, $0, bytes.count, name)
                }
            } ?? 1
        }
        guard loaded == 0 else {
            celeriac_lua_pop(state, 1)
            return false
        }
        guard lua_pcall(state, 0, 0, 0) == 0 else {
            celeriac_lua_pop(state, 1)
            return false
        }
        return true
    }

    /// The Lua side of the `redis` library. `redis.call`/`redis.pcall` are the C wrappers
    /// around the Swift bridge; the helper globals are removed so scripts cannot reach them.
    static let prelude = """
        local redis_call = __celeriac_redis_call
        local redis_pcall = __celeriac_redis_pcall
        local sha1hex = __celeriac_sha1hex
        local dbg = debug
        __celeriac_bridge = nil
        __celeriac_redis_call = nil
        __celeriac_redis_pcall = nil
        __celeriac_sha1hex = nil
        debug = nil
        loadfile = nil
        dofile = nil
        redis = {}
        redis.LOG_DEBUG = 0
        redis.LOG_VERBOSE = 1
        redis.LOG_NOTICE = 2
        redis.LOG_WARNING = 3
        redis.call = redis_call
        redis.pcall = redis_pcall
        redis.error_reply = function(message)
          if type(message) ~= 'string' then error('wrong number or type of arguments', 2) end
          if string.sub(message, 1, 1) == '-' then message = string.sub(message, 2) end
          return {err = message}
        end
        redis.status_reply = function(message)
          if type(message) ~= 'string' then error('wrong number or type of arguments', 2) end
          return {ok = message}
        end
        redis.sha1hex = function(text)
          if type(text) ~= 'string' and type(text) ~= 'number' then
            error('wrong number of arguments', 2)
          end
          return sha1hex(tostring(text))
        end
        redis.log = function(level, ...)
          if type(level) ~= 'number' then error('First argument must be a number (log level).', 2) end
        end
        redis.setresp = function(version)
          if version ~= 2 then error('RESP version must be 2 in this broker', 2) end
        end
        __celeriac_error_handler = function(err)
          local info
          for level = 2, 20 do
            local frame = dbg.getinfo(level, 'Sl')
            if frame == nil then break end
            if frame.source == '@user_script' then info = frame break end
          end
          if type(err) ~= 'table' then
            err = {err = 'ERR ' .. tostring(err)}
          end
          if info then
            err['source'] = info.source
            err['line'] = info.currentline
          end
          return err
        end
        -- Globals are read-only to scripts, as in Redis 7 (KEYS and ARGV are set with rawset).
        setmetatable(_G, {
          __newindex = function(t, k, v) error('Attempt to modify a readonly table', 2) end,
          __index = function(t, k)
            error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
          end,
        })
        """
}

/// Reads the engine pointer stored as the bridge's upvalue.
private func engine(of state: OpaquePointer?) -> BrokerEngine? {
    guard let state, let pointer = lua_touserdata(state, celeriac_lua_upvalueindex(1)) else { return nil }
    return Unmanaged<BrokerEngine>.fromOpaque(pointer).takeUnretainedValue()
}

/// `redis.call` / `redis.pcall` backend. Never raises: always returns `ok, value`.
private let luaBridge: lua_CFunction = { state in
    guard let state else { return 0 }
    let count = lua_gettop(state)
    func fail(_ message: String) -> Int32 {
        lua_settop(state, 0)
        lua_pushboolean(state, 0)
        lua_pushstring(state, message)
        return 2
    }
    guard count > 0 else { return fail("ERR Please specify at least one argument for this redis lib call") }
    var args: [[UInt8]] = []
    args.reserveCapacity(Int(count))
    for index in 1...count {
        switch lua_type(state, index) {
        case LUA_TNUMBER:
            // %.17g, so that 1795588804680 never turns into 1.79558880468e+12.
            args.append(Array(RESPDouble.printf17g(lua_tonumber(state, index)).utf8))
        case LUA_TSTRING:
            var length = 0
            guard let pointer = lua_tolstring(state, index, &length) else { return fail("ERR Lua redis lib command arguments must be strings or integers") }
            args.append(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
        default:
            return fail("ERR Lua redis lib command arguments must be strings or integers")
        }
    }
    guard let engine = engine(of: state) else { return fail("ERR script engine unavailable") }
    lua_settop(state, 0)
    switch engine.scriptCall(args) {
    case .failure(let error):
        return fail(error.text)
    case .success(let reply):
        guard lua_checkstack(state, 8) != 0 else { return fail("ERR reached lua stack limit") }
        lua_pushboolean(state, 1)
        guard LuaConversion.push(reply, to: state, depth: 0) else {
            return fail("ERR reply too deeply nested for a Lua script")
        }
        return 2
    }
}

/// `redis.sha1hex` backend.
private let luaSHA1Hex: lua_CFunction = { state in
    guard let state else { return 0 }
    var length = 0
    guard let pointer = lua_tolstring(state, 1, &length) else {
        lua_pushnil(state)
        return 1
    }
    let digest = SHA1.hex(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
    lua_pushstring(state, digest)
    return 1
}
