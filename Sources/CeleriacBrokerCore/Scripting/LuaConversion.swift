import CCeleriacLua
import CeleriacRESP

/// Redis's conversions between replies and Lua values (scripts speak RESP2):
///
/// - reply → Lua: integer → number, bulk → string, null → `false`, status → `{ok=...}`,
///   error → `{err=...}`, array → table; RESP3-only types arrive as their RESP2 forms
///   (double → string, map → flat table, boolean → 1/0).
/// - Lua → reply: string → bulk, number → integer (truncated), `true` → 1, `false`/`nil` →
///   null, `{err=...}` → error, `{ok=...}` → status, other tables → array cut at the first nil.
enum LuaConversion {
    static let maxDepth = 64

    /// Pushes one value; false when it is nested too deeply or the stack cannot grow.
    static func push(_ value: RESPValue, to state: OpaquePointer, depth: Int) -> Bool {
        guard depth < maxDepth, lua_checkstack(state, 4) != 0 else { return false }
        switch value {
        case .integer(let number):
            lua_pushnumber(state, Double(number))
        case .bulkString(let bytes), .verbatimString(_, let bytes):
            pushBytes(bytes, to: state)
        case .null:
            lua_pushboolean(state, 0)
        case .simpleString(let text):
            pushField("ok", text, to: state)
        case .simpleError(let text), .bulkError(let text):
            pushField("err", text, to: state)
        case .double(let number):
            pushBytes(Array(RESPDouble.format(number).utf8), to: state)
        case .bigNumber(let text):
            pushBytes(Array(text.utf8), to: state)
        case .boolean(let flag):
            lua_pushnumber(state, flag ? 1 : 0)
        case .array(let items), .set(let items), .push(let items):
            return pushArray(items, to: state, depth: depth)
        case .map(let pairs):
            return pushArray(pairs.flatMap { [$0.key, $0.value] }, to: state, depth: depth)
        case .attribute(_, let annotated):
            return push(annotated, to: state, depth: depth)
        }
        return true
    }

    private static func pushArray(_ items: [RESPValue], to state: OpaquePointer, depth: Int) -> Bool {
        lua_createtable(state, Int32(clamping: items.count), 0)
        for (index, item) in items.enumerated() {
            guard push(item, to: state, depth: depth + 1) else {
                celeriac_lua_pop(state, 1)
                return false
            }
            lua_rawseti(state, -2, Int32(clamping: index + 1))
        }
        return true
    }

    /// Pushes exactly one string (an empty array may or may not have a base address).
    private static func pushBytes(_ bytes: [UInt8], to state: OpaquePointer) {
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress, !bytes.isEmpty {
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    lua_pushlstring(state, $0, bytes.count)
                }
            } else {
                lua_pushlstring(state, "", 0)
            }
        }
    }

    private static func pushField(_ name: String, _ text: String, to state: OpaquePointer) {
        lua_createtable(state, 0, 1)
        lua_pushstring(state, text)
        lua_setfield(state, -2, name)
    }

    /// Reads the value at `index` as a reply.
    static func reply(from state: OpaquePointer, at index: Int32, depth: Int = 0) -> RESPValue {
        guard depth < maxDepth, lua_checkstack(state, 4) != 0 else {
            return .simpleError("ERR reached lua stack limit")
        }
        let absolute = index < 0 ? lua_gettop(state) + index + 1 : index
        switch lua_type(state, absolute) {
        case LUA_TSTRING:
            return .bulkString(bytes(from: state, at: absolute))
        case LUA_TNUMBER:
            return .integer(truncate(lua_tonumber(state, absolute)))
        case LUA_TBOOLEAN:
            return lua_toboolean(state, absolute) != 0 ? .integer(1) : .null
        case LUA_TTABLE:
            celeriac_lua_rawgetfield(state, absolute, "err")
            if lua_type(state, -1) == LUA_TSTRING {
                var text = String(decoding: bytes(from: state, at: -1), as: UTF8.self)
                celeriac_lua_pop(state, 1)
                if text.hasPrefix("-") { text.removeFirst() }
                return .simpleError(text)
            }
            celeriac_lua_pop(state, 1)
            celeriac_lua_rawgetfield(state, absolute, "ok")
            if lua_type(state, -1) == LUA_TSTRING {
                let text = String(decoding: bytes(from: state, at: -1), as: UTF8.self)
                celeriac_lua_pop(state, 1)
                return .simpleString(text)
            }
            celeriac_lua_pop(state, 1)
            var items: [RESPValue] = []
            var position: Int32 = 1
            while true {
                lua_rawgeti(state, absolute, position)
                if lua_type(state, -1) == LUA_TNIL {
                    celeriac_lua_pop(state, 1)
                    break
                }
                items.append(reply(from: state, at: -1, depth: depth + 1))
                celeriac_lua_pop(state, 1)
                position += 1
            }
            return .array(items)
        default:
            return .null
        }
    }

    /// Lua numbers become integers by truncation, like C's `(long long)` cast.
    static func truncate(_ number: Double) -> Int64 {
        guard number.isFinite, number > -9.2e18, number < 9.2e18 else { return Int64.min }
        return Int64(number.rounded(.towardZero))
    }

    static func bytes(from state: OpaquePointer, at index: Int32) -> [UInt8] {
        var length = 0
        guard let pointer = lua_tolstring(state, index, &length) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }
}
