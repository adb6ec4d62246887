// strategy/lua_sandbox.cpp — builds a strategy script's globals (see
// lua_sandbox.hpp for what is present and why).
#include "strategy/lua_sandbox.hpp"

#include "strategy/lua_host_api.hpp"
#include "strategy/lua_instance.hpp"

#include <cstring>

namespace sniper::lua {
namespace {

void open_lib(lua_State* L, lua_CFunction open, const char* name) {
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 0);
}

void set_global_nil(lua_State* L, const char* name) {
    lua_pushnil(L);
    lua_setfield(L, LUA_GLOBALSINDEX, name);
}

// load(text [, chunkname [, mode [, env]]]) and loadstring(text [, chunkname]):
// source text only. A function reader could assemble bytecode piece by
// piece, and bytecode is not verified by LuaJIT, so neither is accepted.
int compile_text(lua_State* L, int env_index) {
    if (lua_type(L, 1) != LUA_TSTRING) {
        return luaL_error(L, "only source text (a string) can be loaded in the sandbox, found %s",
                          luaL_typename(L, 1));
    }
    size_t len = 0;
    const char* text = lua_tolstring(L, 1, &len);
    const char* name = luaL_optstring(L, 2, "=(load)");
    if (len > 0 && text[0] == '\x1b') {
        lua_pushnil(L);
        lua_pushstring(L, "binary chunks (bytecode) cannot be loaded in the sandbox");
        return 2;
    }
    if (luaL_loadbufferx(L, text, len, name, "t") != 0) {
        lua_pushnil(L);
        lua_insert(L, -2); // nil, message
        return 2;
    }
    if (env_index != 0 && !lua_isnoneornil(L, env_index)) {
        luaL_checktype(L, env_index, LUA_TTABLE);
        lua_pushvalue(L, env_index);
        lua_setfenv(L, -2);
    }
    return 1;
}

int safe_load(lua_State* L) {
    if (lua_type(L, 3) == LUA_TSTRING && std::strchr(lua_tostring(L, 3), 'b') != nullptr) {
        return luaL_error(L, "load: mode \"%s\" refused: binary chunks (bytecode) cannot be loaded in the "
                             "sandbox",
                          lua_tostring(L, 3));
    }
    return compile_text(L, 4);
}

int safe_loadstring(lua_State* L) { return compile_text(L, 0); }

int safe_collectgarbage(lua_State* L) {
    const char* opt = luaL_optstring(L, 1, "collect");
    Instance* in = instance_of(L);
    if (std::strcmp(opt, "count") == 0) {
        lua_pushnumber(L, static_cast<lua_Number>(lua_gc(L, LUA_GCCOUNT, 0)) +
                              static_cast<lua_Number>(lua_gc(L, LUA_GCCOUNTB, 0)) / 1024.0);
        return 1;
    }
    const bool collect = std::strcmp(opt, "collect") == 0;
    if (!collect && std::strcmp(opt, "step") != 0) {
        return luaL_error(L, "collectgarbage(\"%s\") is not allowed in the sandbox (allowed: \"collect\", "
                             "\"count\", \"step\")",
                          opt);
    }
    const int arg = static_cast<int>(luaL_optinteger(L, 2, 0));
    // A collection only frees; never refuse the little it may allocate.
    const bool enforce = in->heap_enforce;
    in->heap_enforce = false;
    const int res = lua_gc(L, collect ? LUA_GCCOLLECT : LUA_GCSTEP, arg);
    in->heap_enforce = enforce;
    if (collect) {
        lua_pushinteger(L, 0);
    } else {
        lua_pushboolean(L, res);
    }
    return 1;
}

int host_proxy_newindex(lua_State* L) {
    const char* key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L, "host is read-only (cannot set host.%s)", key);
}

// rawset, except that `host` cannot be planted in the globals table behind
// the metatable's back.
int safe_rawset(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (lua_type(L, 2) == LUA_TSTRING && std::strcmp(lua_tostring(L, 2), "host") == 0) {
        lua_pushvalue(L, LUA_GLOBALSINDEX);
        const bool globals = lua_rawequal(L, 1, -1) != 0;
        lua_pop(L, 1);
        if (globals) {
            return luaL_error(L, "'host' is read-only: it is the host API and cannot be replaced");
        }
    }
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

int globals_newindex(lua_State* L) {
    if (lua_type(L, 2) == LUA_TSTRING && std::strcmp(lua_tostring(L, 2), "host") == 0) {
        return luaL_error(L, "'host' is read-only: it is the host API and cannot be replaced");
    }
    lua_rawset(L, 1);
    return 0;
}

// Trusted Lua run once per state, before the script: it captures the
// library functions it needs as upvalues, so nothing the script does to its
// globals later changes them.
constexpr const char* kPrelude = R"lua(
local log = ...
local pcall, select, tostring, concat = pcall, select, tostring, table.concat
local function finish(handler, ok, ...)
  if ok then return true, ... end
  local _, r = pcall(handler, (...))
  return false, r
end
local function xpcall(f, handler, ...)
  return finish(handler, pcall(f, ...))
end
local function print(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  log("info", concat(parts, "\t"))
end
return xpcall, print
)lua";

} // namespace

int install_sandbox(lua_State* L) {
    open_lib(L, luaopen_base, ""); // also opens coroutine
    open_lib(L, luaopen_table, LUA_TABLIBNAME);
    open_lib(L, luaopen_string, LUA_STRLIBNAME);
    open_lib(L, luaopen_math, LUA_MATHLIBNAME);
    open_lib(L, luaopen_bit, LUA_BITLIBNAME);
    open_lib(L, luaopen_os, LUA_OSLIBNAME);
    open_lib(L, luaopen_jit, LUA_JITLIBNAME); // turns the JIT compiler on; hidden below

    // os: the clocks only.
    lua_getfield(L, LUA_GLOBALSINDEX, LUA_OSLIBNAME);
    lua_createtable(L, 0, 2);
    lua_getfield(L, -2, "time");
    lua_setfield(L, -2, "time");
    lua_getfield(L, -2, "clock");
    lua_setfield(L, -2, "clock");
    lua_setfield(L, LUA_GLOBALSINDEX, LUA_OSLIBNAME);
    lua_pop(L, 1);

    for (const char* name : {"dofile", "loadfile", "getfenv", "setfenv", "newproxy", "gcinfo", "module",
                             "require", "package", "jit", "ffi", "debug", "io"}) {
        set_global_nil(L, name);
    }
    lua_getfield(L, LUA_GLOBALSINDEX, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);

    lua_pushcfunction(L, &safe_load);
    lua_setfield(L, LUA_GLOBALSINDEX, "load");
    lua_pushcfunction(L, &safe_loadstring);
    lua_setfield(L, LUA_GLOBALSINDEX, "loadstring");
    lua_pushcfunction(L, &safe_collectgarbage);
    lua_setfield(L, LUA_GLOBALSINDEX, "collectgarbage");
    lua_pushcfunction(L, &safe_rawset);
    lua_setfield(L, LUA_GLOBALSINDEX, "rawset");

    // The real host table, then its frozen proxy.
    push_host_table(L);                     // real
    lua_newuserdata(L, 0);                  // real, proxy
    lua_createtable(L, 0, 3);               // real, proxy, mt
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, &host_proxy_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2); // real, proxy

    // xpcall and print from the trusted prelude (print logs through host.log).
    if (luaL_loadbuffer(L, kPrelude, std::strlen(kPrelude), "=[sandbox]") != 0) {
        return lua_error(L);
    }
    lua_getfield(L, -3, "log");
    lua_call(L, 1, 2); // real, proxy, xpcall, print
    lua_setfield(L, LUA_GLOBALSINDEX, "print");
    lua_setfield(L, LUA_GLOBALSINDEX, "xpcall");

    // The globals' hidden metatable serves `host` and refuses to replace it.
    lua_createtable(L, 0, 3);      // real, proxy, mt
    lua_createtable(L, 0, 1);      // real, proxy, mt, index
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "host");   // index.host = proxy
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, &globals_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, LUA_GLOBALSINDEX);
    lua_pop(L, 2);
    return 0;
}

} // namespace sniper::lua
