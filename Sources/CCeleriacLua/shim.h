#ifndef CCELERIAC_LUA_SHIM_H
#define CCELERIAC_LUA_SHIM_H

/* Lua 5.1, the version Redis embeds. Swift cannot see the function-like macros of the Lua
 * API, so the ones the broker uses are wrapped below as static inline functions.
 *
 * lua_error/luaL_error longjmp. A longjmp across Swift frames is undefined behaviour, so
 * Swift code never raises: functions Swift registers return a status that a Lua wrapper turns
 * into an error, and the time-limit hook that must abort a running script is written here in C. */
#include <lua5.1/lua.h>
#include <lua5.1/lauxlib.h>
#include <lua5.1/lualib.h>
#include <time.h>

static inline void celeriac_lua_pop(lua_State *L, int n) { lua_settop(L, -(n)-1); }
static inline void celeriac_lua_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
static inline int celeriac_lua_upvalueindex(int i) { return LUA_GLOBALSINDEX - i; }
static inline int celeriac_lua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int celeriac_lua_globalsindex(void) { return LUA_GLOBALSINDEX; }
static inline void celeriac_lua_getglobal(lua_State *L, const char *name) { lua_getfield(L, LUA_GLOBALSINDEX, name); }
static inline void celeriac_lua_setglobal(lua_State *L, const char *name) { lua_setfield(L, LUA_GLOBALSINDEX, name); }
/* Raw global access: bypasses _G's metatable, whose handlers raise (read-only globals). */
static inline void celeriac_lua_rawgetglobal(lua_State *L, const char *name) {
    lua_pushstring(L, name);
    lua_rawget(L, LUA_GLOBALSINDEX);
}
static inline void celeriac_lua_rawsetglobal(lua_State *L, const char *name) {
    lua_pushstring(L, name);
    lua_insert(L, -2);
    lua_rawset(L, LUA_GLOBALSINDEX);
}
/* t[name] without metamethods (a user table's __index could raise). `index` must be absolute. */
static inline void celeriac_lua_rawgetfield(lua_State *L, int index, const char *name) {
    lua_pushstring(L, name);
    lua_rawget(L, index);
}
static inline void celeriac_lua_pushcclosure(lua_State *L, lua_CFunction f, int n) { lua_pushcclosure(L, f, n); }

/* Registry slot holding the script deadline (seconds on CLOCK_MONOTONIC, 0 = none). */
#define CELERIAC_LUA_DEADLINE_KEY "__celeriac_deadline"

static inline double celeriac_monotonic_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Count hook: raises once the deadline has passed. Runs entirely in C, so the longjmp of
 * luaL_error crosses only Lua's own C frames. It keeps raising on every later hook call, so
 * a script that catches the error with pcall still cannot continue. */
static void celeriac_lua_deadline_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_getfield(L, LUA_REGISTRYINDEX, CELERIAC_LUA_DEADLINE_KEY);
    double deadline = lua_tonumber(L, -1);
    lua_settop(L, -2);
    if (deadline > 0 && celeriac_monotonic_seconds() > deadline) {
        /* Not inside the broker's own Lua (the redis.* wrappers and the error handler, chunk
         * "=celeriac"): raising there would turn into "error in error handling". */
        lua_Debug info;
        if (lua_getstack(L, 0, &info) && lua_getinfo(L, "S", &info) && info.source != NULL
            && info.source[0] == '=' && info.source[1] == 'c') {
            return;
        }
        lua_sethook(L, celeriac_lua_deadline_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
        luaL_error(L, "Script killed: it ran past the script time limit");
    }
}

/* Arms the hook for a script run: the deadline is `seconds` from now. */
static inline void celeriac_lua_arm_deadline(lua_State *L, double seconds) {
    lua_pushnumber(L, celeriac_monotonic_seconds() + seconds);
    lua_setfield(L, LUA_REGISTRYINDEX, CELERIAC_LUA_DEADLINE_KEY);
    lua_sethook(L, celeriac_lua_deadline_hook, LUA_MASKCOUNT, 100000);
}

/* Disarms the hook after a run. */
static inline void celeriac_lua_disarm_deadline(lua_State *L) {
    lua_sethook(L, NULL, 0, 0);
    lua_pushnumber(L, 0);
    lua_setfield(L, LUA_REGISTRYINDEX, CELERIAC_LUA_DEADLINE_KEY);
}

/* redis.call / redis.pcall. Upvalue 1 is the Swift bridge, which never raises and returns
 * `ok, value`. These are C functions (not Lua wrappers) for two reasons: the raise happens
 * here, crossing only C frames, and a script's `return redis.call(...)` is then not a Lua tail
 * call, so the error handler still sees the script's frame and line, as in Redis. */
static int celeriac_redis_call_impl(lua_State *L, int raise) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, 2);
    if (lua_toboolean(L, 1)) {
        return 1;
    }
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "err");
    if (raise) {
        return lua_error(L);
    }
    return 1;
}

static int celeriac_redis_call(lua_State *L) { return celeriac_redis_call_impl(L, 1); }
static int celeriac_redis_pcall(lua_State *L) { return celeriac_redis_call_impl(L, 0); }

/* Installs them as globals __celeriac_redis_call / __celeriac_redis_pcall around the bridge
 * found in global __celeriac_bridge. */
static inline void celeriac_lua_install_call_wrappers(lua_State *L) {
    lua_getfield(L, LUA_GLOBALSINDEX, "__celeriac_bridge");
    lua_pushcclosure(L, celeriac_redis_call, 1);
    lua_setfield(L, LUA_GLOBALSINDEX, "__celeriac_redis_call");
    lua_getfield(L, LUA_GLOBALSINDEX, "__celeriac_bridge");
    lua_pushcclosure(L, celeriac_redis_pcall, 1);
    lua_setfield(L, LUA_GLOBALSINDEX, "__celeriac_redis_pcall");
}

#endif
