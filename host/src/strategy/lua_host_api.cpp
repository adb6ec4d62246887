// strategy/lua_host_api.cpp — the `host` functions (see lua_host_api.hpp):
// argument checks in Lua terms, then the same snp_host_api call a native
// plugin makes. Errors are raised with the caller's file:line.
#include "strategy/lua_host_api.hpp"

#include "strategy/lua_json.hpp"

#include "solana/base58.hpp"
#include "strategy/lua_instance.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace sniper::lua {
namespace {

constexpr double kTwo53 = 9007199254740992.0; // 2^53: integers below are exact doubles

const char* status_name(snp_status st) {
    switch (st) {
    case SNP_ERR_INVALID_ARGUMENT:
        return "invalid argument";
    case SNP_ERR_REJECTED:
        return "rejected";
    case SNP_ERR_NOT_FOUND:
        return "not found";
    case SNP_ERR_INTERNAL:
        return "internal error";
    case SNP_ERR_UNSUPPORTED:
        return "unsupported";
    case SNP_ERR_STATE:
        return "not allowed at this time";
    default:
        return "error";
    }
}

const snp_host_api* need_host(lua_State* L, const char* fn) {
    const Instance* in = instance_of(L);
    if (in->api == nullptr) {
        luaL_error(L, "host.%s cannot be called while the file is being checked at load time: call it from "
                      "init or a callback",
                   fn);
    }
    return in->api;
}

void describe_number(double v, char* buf, size_t size) {
    if (std::isnan(v)) {
        std::snprintf(buf, size, "nan");
    } else if (std::isinf(v)) {
        std::snprintf(buf, size, v > 0 ? "inf" : "-inf");
    } else {
        std::snprintf(buf, size, "%.17g", v);
    }
}

// The number at idx as an integer in [lo, hi]; raises otherwise. `what`
// names the argument in the message ("host.submit: amount_in").
double check_integer(lua_State* L, int idx, const char* what, double lo, double hi, const char* range) {
    if (lua_type(L, idx) != LUA_TNUMBER) {
        luaL_error(L, "%s must be a number, found %s", what, luaL_typename(L, idx));
    }
    const double v = lua_tonumber(L, idx);
    if (!(v >= lo && v <= hi) || std::floor(v) != v) {
        char found[40];
        describe_number(v, found, sizeof found);
        luaL_error(L, "%s must be an integer in %s, found %s", what, range, found);
    }
    return v;
}

// An amount: integer in [0, 2^53).
uint64_t check_amount(lua_State* L, int idx, const char* what) {
    return static_cast<uint64_t>(check_integer(L, idx, what, 0, kTwo53 - 1, "[0, 2^53)"));
}

void check_key(lua_State* L, int idx, const char* what, snp_pubkey* out) {
    size_t len = 0;
    const char* s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : nullptr;
    if (s == nullptr || len != sizeof out->bytes) {
        if (s == nullptr) {
            luaL_error(L, "%s must be a 32-byte key string, found %s", what, luaL_typename(L, idx));
        }
        luaL_error(L, "%s must be a 32-byte key string (as events carry them; host.from_b58 converts text), "
                      "found a string of %d bytes",
                   what, static_cast<int>(len));
    }
    std::memcpy(out->bytes, s, sizeof out->bytes);
}

int l_log(lua_State* L) {
    int level = SNP_LOG_INFO;
    int msg_index = 1;
    if (lua_gettop(L) >= 2) {
        const char* name = luaL_checkstring(L, 1);
        if (std::strcmp(name, "debug") == 0) {
            level = SNP_LOG_DEBUG;
        } else if (std::strcmp(name, "info") == 0) {
            level = SNP_LOG_INFO;
        } else if (std::strcmp(name, "warn") == 0) {
            level = SNP_LOG_WARN;
        } else if (std::strcmp(name, "error") == 0) {
            level = SNP_LOG_ERROR;
        } else {
            return luaL_error(L, "host.log: level must be \"debug\", \"info\", \"warn\" or \"error\", found \"%s\"",
                              name);
        }
        msg_index = 2;
    }
    size_t len = 0;
    const char* msg = luaL_checklstring(L, msg_index, &len);
    const Instance* in = instance_of(L);
    if (in->api != nullptr) { // at load time there is nobody to log to
        in->api->log(in->ctx, level, snp_str{msg, len});
    }
    return 0;
}

int l_now(lua_State* L) {
    const snp_host_api* api = need_host(L, "now");
    lua_pushnumber(L, static_cast<lua_Number>(api->now_ns(instance_of(L)->ctx)));
    return 1;
}

constexpr const char* kIntentFields[] = {"side",          "mint",          "pool",        "amount_in",
                                         "max_slippage_bps", "sell_all",   "client_tag",  "stop_loss_bps",
                                         "take_profit_bps", "trailing_stop_bps", "max_hold_ns", "reason",
                                         "deadline_ns", "route", "max_priority_fee_lamports", "max_tip_lamports"};

int32_t opt_bps(lua_State* L, const char* field, const char* what) {
    lua_getfield(L, 1, field);
    int32_t v = 0;
    if (!lua_isnil(L, -1)) {
        v = static_cast<int32_t>(check_integer(L, -1, what, -2147483648.0, 2147483647.0, "[-2^31, 2^31)"));
    }
    lua_pop(L, 1);
    return v;
}

int l_submit(lua_State* L) {
    const snp_host_api* api = need_host(L, "submit");
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    // Unknown fields are refused: a typo must not silently drop a protection.
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        bool known = false;
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char* k = lua_tostring(L, -2);
            for (const char* f : kIntentFields) {
                known = known || std::strcmp(k, f) == 0;
            }
        }
        if (!known) {
            lua_pushvalue(L, -2);
            const char* k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1);
            return luaL_error(L, "host.submit: unknown field '%s' (fields: side, mint, pool, amount_in, "
                                 "max_slippage_bps, sell_all, client_tag, stop_loss_bps, take_profit_bps, "
                                 "trailing_stop_bps, max_hold_ns, reason, deadline_ns, route, max_priority_fee_lamports, "
                                 "max_tip_lamports)",
                              k);
        }
        lua_pop(L, 1);
    }

    snp_intent in{};
    in.struct_size = sizeof in;
    lua_getfield(L, 1, "side");
    const char* side = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (std::strcmp(side, "buy") == 0) {
        in.side = SNP_SIDE_BUY;
    } else if (std::strcmp(side, "sell") == 0) {
        in.side = SNP_SIDE_SELL;
    } else {
        return luaL_error(L, "host.submit: side must be \"buy\" or \"sell\", found %s",
                          lua_type(L, -1) == LUA_TSTRING ? side : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "mint");
    check_key(L, -1, "host.submit: mint", &in.mint);
    lua_pop(L, 1);
    lua_getfield(L, 1, "route");
    if (!lua_isnil(L, -1)) {
        const char* route = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        if (std::strcmp(route, "default") == 0) {
            in.route = SNP_ROUTE_DEFAULT;
        } else if (std::strcmp(route, "direct") == 0) {
            in.route = SNP_ROUTE_DIRECT;
        } else if (std::strcmp(route, "jupiter") == 0) {
            in.route = SNP_ROUTE_JUPITER;
        } else if (std::strcmp(route, "jito") == 0) {
            in.route = SNP_ROUTE_JITO;
        } else {
            return luaL_error(L, "host.submit: route must be \"default\", \"direct\", \"jupiter\" or \"jito\", "
                                 "found %s",
                              lua_type(L, -1) == LUA_TSTRING ? route : luaL_typename(L, -1));
        }
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "pool");
    if (!lua_isnil(L, -1) || in.route != SNP_ROUTE_JUPITER) { // the jupiter route finds a pool itself
        check_key(L, -1, "host.submit: pool", &in.pool);
    }
    lua_pop(L, 1);

    lua_getfield(L, 1, "sell_all");
    if (!lua_isnil(L, -1)) {
        if (!lua_isboolean(L, -1)) {
            return luaL_error(L, "host.submit: sell_all must be true or false, found %s", luaL_typename(L, -1));
        }
        if (lua_toboolean(L, -1)) {
            in.flags |= SNP_INTENT_SELL_ALL;
        }
    }
    lua_pop(L, 1);

    lua_getfield(L, 1, "amount_in");
    if (lua_isnil(L, -1)) {
        if ((in.flags & SNP_INTENT_SELL_ALL) == 0) {
            return luaL_error(L, "host.submit: amount_in is required (lamports for a buy, token atoms for a "
                                 "sell) unless sell_all = true");
        }
    } else {
        in.amount_in = check_amount(L, -1, "host.submit: amount_in");
    }
    lua_pop(L, 1);

    lua_getfield(L, 1, "max_slippage_bps");
    if (lua_isnil(L, -1)) {
        return luaL_error(L, "host.submit: max_slippage_bps is required (1..10000)");
    }
    in.max_slippage_bps =
        static_cast<uint32_t>(check_integer(L, -1, "host.submit: max_slippage_bps", 1, 10000, "[1, 10000]"));
    lua_pop(L, 1);

    lua_getfield(L, 1, "client_tag");
    if (!lua_isnil(L, -1)) {
        in.client_tag = check_amount(L, -1, "host.submit: client_tag");
    }
    lua_pop(L, 1);
    in.stop_loss_bps = opt_bps(L, "stop_loss_bps", "host.submit: stop_loss_bps");
    in.take_profit_bps = opt_bps(L, "take_profit_bps", "host.submit: take_profit_bps");
    in.trailing_stop_bps = opt_bps(L, "trailing_stop_bps", "host.submit: trailing_stop_bps");
    lua_getfield(L, 1, "max_hold_ns");
    if (!lua_isnil(L, -1)) {
        in.max_hold_ns = static_cast<int64_t>(
            check_integer(L, -1, "host.submit: max_hold_ns", -(kTwo53 - 1), kTwo53 - 1, "(-2^53, 2^53)"));
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "deadline_ns");
    if (!lua_isnil(L, -1)) {
        in.deadline_ns =
            static_cast<int64_t>(check_integer(L, -1, "host.submit: deadline_ns", 0, kTwo53 - 1, "[0, 2^53)"));
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "max_priority_fee_lamports");
    if (!lua_isnil(L, -1)) {
        in.max_priority_fee_lamports = check_amount(L, -1, "host.submit: max_priority_fee_lamports");
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "max_tip_lamports");
    if (!lua_isnil(L, -1)) {
        in.max_tip_lamports = check_amount(L, -1, "host.submit: max_tip_lamports");
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "reason");
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING) {
            return luaL_error(L, "host.submit: reason must be a string, found %s", luaL_typename(L, -1));
        }
        size_t len = 0;
        in.reason.ptr = lua_tolstring(L, -1, &len); // stays on the stack for the call
        in.reason.len = len;
    }

    snp_error err{};
    err.struct_size = sizeof err;
    uint64_t id = 0;
    const snp_status st = api->submit_intent(instance_of(L)->ctx, &in, &id, &err);
    if (st != SNP_OK) {
        if (err.message[0] != '\0') {
            return luaL_error(L, "host.submit: %s", err.message);
        }
        return luaL_error(L, "host.submit: refused with status %d (%s)", static_cast<int>(st), status_name(st));
    }
    lua_pushnumber(L, static_cast<lua_Number>(id));
    return 1;
}

void set_number(lua_State* L, const char* key, double v) {
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

int l_position(lua_State* L) {
    const snp_host_api* api = need_host(L, "position");
    snp_pubkey mint{};
    check_key(L, 1, "host.position: mint", &mint);
    snp_position pos{};
    pos.struct_size = sizeof pos;
    const snp_status st = api->position(instance_of(L)->ctx, &mint, &pos);
    if (st == SNP_ERR_NOT_FOUND) {
        lua_pushnil(L);
        return 1;
    }
    if (st != SNP_OK) {
        return luaL_error(L, "host.position: refused with status %d (%s)", static_cast<int>(st), status_name(st));
    }
    lua_createtable(L, 0, 6);
    lua_pushlstring(L, reinterpret_cast<const char*>(pos.mint.bytes), sizeof pos.mint.bytes);
    lua_setfield(L, -2, "mint");
    set_number(L, "amount_atoms", static_cast<double>(pos.amount_atoms));
    set_number(L, "cost_lamports", static_cast<double>(pos.cost_lamports));
    set_number(L, "realized_pnl_lamports", static_cast<double>(pos.realized_pnl_lamports));
    set_number(L, "opened_ns", static_cast<double>(pos.opened_ns));
    set_number(L, "last_quote_lamports", static_cast<double>(pos.last_quote_lamports));
    return 1;
}

int l_set_timer(lua_State* L) {
    const snp_host_api* api = need_host(L, "set_timer");
    const auto delay = static_cast<int64_t>(check_integer(L, 1, "host.set_timer: delay_ns", 0, kTwo53 - 1, "[0, 2^53)"));
    const uint64_t tag = lua_isnoneornil(L, 2) ? 0 : check_amount(L, 2, "host.set_timer: tag");
    uint64_t id = 0;
    const snp_status st = api->set_timer(instance_of(L)->ctx, delay, tag, &id);
    if (st != SNP_OK) {
        return luaL_error(L, "host.set_timer: refused with status %d (%s)", static_cast<int>(st),
                          st == SNP_ERR_REJECTED ? "too many timers pending" : status_name(st));
    }
    lua_pushnumber(L, static_cast<lua_Number>(id));
    return 1;
}

int l_call_tool(lua_State* L) {
    const snp_host_api* api = need_host(L, "call_tool");
    size_t tool_len = 0, req_len = 0;
    const char* tool = luaL_checklstring(L, 1, &tool_len);
    const char* req = luaL_optlstring(L, 2, "{}", &req_len);
    const auto timeout =
        static_cast<int64_t>(lua_isnoneornil(L, 3) ? 0 : check_integer(L, 3, "host.call_tool: timeout_ns", 0,
                                                                      kTwo53 - 1, "[0, 2^53)"));
    uint64_t id = 0;
    const snp_status st =
        api->call_tool(instance_of(L)->ctx, snp_str{tool, tool_len}, snp_str{req, req_len}, timeout, &id);
    if (st == SNP_ERR_UNSUPPORTED) {
        return luaL_error(L, "host.call_tool: tools are not supported by this host");
    }
    if (st == SNP_ERR_REJECTED) { // the tool's queue is full: an answer, not a fault
        lua_pushnil(L);
        lua_pushliteral(L, "queue_full");
        return 2;
    }
    if (st == SNP_ERR_NOT_FOUND) {
        return luaL_error(L, "host.call_tool: no tool named '%s'", tool);
    }
    if (st != SNP_OK) {
        return luaL_error(L, "host.call_tool: refused with status %d (%s)", static_cast<int>(st), status_name(st));
    }
    lua_pushnumber(L, static_cast<lua_Number>(id));
    return 1;
}

int l_trading_state(lua_State* L) {
    const snp_host_api* api = need_host(L, "trading_state");
    switch (api->trading_state(instance_of(L)->ctx)) {
    case SNP_TRADING_ACTIVE:
        lua_pushliteral(L, "active");
        break;
    case SNP_TRADING_REDUCING:
        lua_pushliteral(L, "reducing");
        break;
    case SNP_TRADING_HALTED:
        lua_pushliteral(L, "halted");
        break;
    default:
        lua_pushliteral(L, "invalid");
        break;
    }
    return 1;
}

int l_b58(lua_State* L) {
    size_t len = 0;
    const char* s = luaL_checklstring(L, 1, &len);
    if (len > 256) {
        return luaL_error(L, "host.b58: at most 256 bytes, found %d", static_cast<int>(len));
    }
    char out[400];
    size_t n = 0;
    {
        const std::string text = solana::base58_encode(reinterpret_cast<const uint8_t*>(s), len);
        n = text.size() < sizeof out ? text.size() : sizeof out;
        std::memcpy(out, text.data(), n);
    }
    lua_pushlstring(L, out, n);
    return 1;
}

int l_from_b58(lua_State* L) {
    size_t len = 0;
    const char* s = luaL_checklstring(L, 1, &len);
    uint8_t key[32];
    if (len > 64 || !solana::base58_decode_fixed(std::string_view(s, len), key, sizeof key)) {
        return luaL_error(L, "host.from_b58: \"%s\" is not the base58 text of a 32-byte key", len > 64 ? "..." : s);
    }
    lua_pushlstring(L, reinterpret_cast<const char*>(key), sizeof key);
    return 1;
}

} // namespace

void push_host_table(lua_State* L) {
    static const luaL_Reg kFunctions[] = {
        {"log", &l_log},
        {"now", &l_now},
        {"submit", &l_submit},
        {"position", &l_position},
        {"set_timer", &l_set_timer},
        {"call_tool", &l_call_tool},
        {"trading_state", &l_trading_state},
        {"b58", &l_b58},
        {"from_b58", &l_from_b58},
        {"json_decode", &decode_params}, // a tool's output_json as a table
        {nullptr, nullptr},
    };
    lua_createtable(L, 0, 12);
    for (const luaL_Reg* r = kFunctions; r->name != nullptr; ++r) {
        lua_pushcfunction(L, r->func);
        lua_setfield(L, -2, r->name);
    }
    lua_pushnumber(L, 1e9);
    lua_setfield(L, -2, "LAMPORTS_PER_SOL");
    lua_pushfstring(L, "%d.%d", static_cast<int>(SNP_ABI_MAJOR), static_cast<int>(SNP_ABI_MINOR));
    lua_setfield(L, -2, "ABI_VERSION");
}

} // namespace sniper::lua
