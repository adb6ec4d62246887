// strategy/lua_sandbox.hpp — the globals a strategy script sees.
//
// Present: the base library without the file loaders, the environment
// functions and newproxy; coroutine, string (without string.dump), table,
// math, bit; os reduced to os.time and os.clock; load/loadstring that only
// compile source text (never bytecode); collectgarbage limited to
// "collect", "count" and "step"; print, which logs at info level; xpcall,
// whose handler runs after the failed call has unwound (so the CPU budget
// hook can still interrupt it); and `host`, the frozen host API
// (lua_host_api.hpp). Absent: io, os.execute/getenv/exit/remove/...,
// ffi, debug, jit, package/require/module, dofile/loadfile,
// getfenv/setfenv, newproxy, gcinfo. The JIT library is opened (it turns
// the compiler on) and then hidden.
//
// `host` is a userdata proxy whose metatable (itself hidden: __metatable =
// false) reads from the real table and refuses writes, so host.x = v,
// rawset(host, ...) and setmetatable(host, ...) all raise. It is not a raw
// global either: the globals table's (hidden) metatable serves it and
// refuses `host = ...`, and rawset refuses rawset(_G, "host", ...). Everything else in the state is the script's own
// business: the state is the script's alone.
#pragma once

#include <lua.hpp>

namespace sniper::lua {

// lua_CFunction for lua_cpcall: argument 1 is the Instance (light
// userdata). Opens the libraries and installs the sandbox into the globals.
int install_sandbox(lua_State* L);

} // namespace sniper::lua
