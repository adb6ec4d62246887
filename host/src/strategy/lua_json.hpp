// strategy/lua_json.hpp — a strategy's params JSON as a Lua table.
//
// Strict JSON (RFC 8259): objects become tables with string keys, arrays
// 1-based sequences, strings are decoded (all escapes, \uXXXX to UTF-8,
// surrogate pairs), numbers Lua numbers, true/false booleans, and null is
// nil (an object key with a null value is absent). Nesting is limited to
// 64 levels. The top level must be an object; an empty text reads as {}.
#pragma once

#include <lua.hpp>

namespace sniper::lua {

// lua_CFunction: decode_params(text) -> table. Raises "params JSON: <what>
// at byte <n>" on malformed input; call it protected.
int decode_params(lua_State* L);

} // namespace sniper::lua
