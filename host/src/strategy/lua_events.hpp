// strategy/lua_events.hpp — ABI events as Lua tables, fast.
//
// Each instance has one table per event type, created once and refilled in
// place for every event (a script that keeps an event must copy the fields
// it needs, exactly as a native plugin copies a borrowed struct). The
// filling is done by small trusted Lua functions, the dispatchers, compiled
// once per state: C pushes the struct's fields as arguments (numbers, and
// 32-byte strings for keys), the dispatcher stores them with constant keys
// (no key hashing, JIT-compiled like the script) and calls the script's
// on_event(ev). Enum fields become strings ("buy", "filled", ...); u64/i64
// fields become numbers (exact below 2^53; ns timestamps since the epoch are
// above it and round to a multiple of 256 ns). The field names are the ABI
// struct's, listed in sdk/LUA.md; the tables, the dispatchers and the
// pushing are generated from the events' field tables
// (core/event_fields.hpp).
#pragma once

#include <sniper/strategy_abi.h>

#include <lua.hpp>

#include <string>

namespace sniper::lua {

struct Instance;

// With the script's on_event function at the top of the stack: compiles the
// dispatchers bound to it, replacing on_event with one dispatcher per
// event type, in SNP_EVENTS order (new_pool, pool_update, trade,
// order_update, timer, tool_result).
// False with *error on failure (nothing left on the stack).
bool push_dispatchers(Instance& in, std::string* error);

// Pushes the dispatcher for ev's type (from its fixed stack slot) and the
// event's fields. Returns the number of arguments pushed, or -1 (nothing
// pushed) for a type the runtime does not know or a malformed header.
int push_event(lua_State* L, const snp_event_header* ev);

} // namespace sniper::lua
