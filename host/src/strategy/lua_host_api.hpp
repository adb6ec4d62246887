// strategy/lua_host_api.hpp — the `host` table a strategy script calls:
// the snp_host_api entries one for one, in Lua types.
//
//   host.log([level,] msg)         log (level "debug"|"info"|"warn"|"error")
//   host.now()                     now_ns, a number of ns
//   host.submit{...}               submit_intent -> intent id; raises on refusal
//   host.position(mint)            position -> table, or nil when flat
//   host.set_timer(delay_ns, tag)  set_timer -> timer id
//   host.call_tool(tool, json, timeout_ns)  call_tool (unsupported: raises)
//   host.trading_state()           "active" | "reducing" | "halted"
// plus host.b58(bytes) / host.from_b58(text) for keys and the constant
// host.LAMPORTS_PER_SOL. Amounts cross as Lua numbers (doubles); on the way
// in the host refuses, with an error naming the field, any amount that is
// not an integer in [0, 2^53) — NaN, infinities, negatives, fractions and
// values too large to be exact. sdk/LUA.md is the reference.
#pragma once

#include <lua.hpp>

namespace sniper::lua {

// Pushes the (unfrozen) host table. The functions find their Instance with
// instance_of(L); with no host API attached (the load-time probe) those
// that need the host raise an error naming themselves.
void push_host_table(lua_State* L);

} // namespace sniper::lua
