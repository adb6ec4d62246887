// strategy/lua_events.cpp — dispatchers and field pushing for events as
// Lua tables (see lua_events.hpp).
#include "strategy/lua_events.hpp"

#include "strategy/lua_instance.hpp"

#include <cstring>

namespace sniper::lua {
namespace {

// Trusted: uses only its own locals and upvalues, so nothing a script does
// to its globals can change how events are built. The tables are created
// with every field present, so each store is a hit on an existing slot.
constexpr const char* kDispatchers = R"lua(
local on_event = ...
local SIDE = { [0] = "invalid", "buy", "sell" }
local STATUS = { [0] = "invalid", "accepted", "rejected", "filled", "failed", "expired", "sent" }
local TOOL_STATUS = { [0] = "ok", [6] = "unsupported", [10] = "timeout", [11] = "tool_error" }
local DEX = { [0] = "invalid", "sim", "raydium_amm_v4", "raydium_cpmm", "pump_fun", "pump_swap" }

local np = { type = "new_pool", seq = 0, recv_ns = 0, source_ns = 0, slot = 0,
  pool = "", base_mint = "", quote_mint = "", creator = "", dex = "invalid", flags = 0,
  mint_authority_present = false, freeze_authority_present = false,
  authorities_unknown = false, holders_unknown = false, lp_unknown = false,
  base_reserve_atoms = 0, quote_reserve_lamports = 0, token_supply_atoms = 0,
  fee_bps = 0, lp_burned_bps = 0, top10_holder_bps = 0, base_decimals = 0 }
local function new_pool(seq, recv_ns, source_ns, slot, pool, base_mint, quote_mint, creator, dex, flags,
                        mint_authority, freeze_authority, authorities_unknown, holders_unknown,
                        lp_unknown, base_reserve, quote_reserve, supply, fee_bps,
                        lp_burned_bps, top10_holder_bps, base_decimals)
  local e = np
  e.type = "new_pool"
  e.seq = seq; e.recv_ns = recv_ns; e.source_ns = source_ns; e.slot = slot
  e.pool = pool; e.base_mint = base_mint; e.quote_mint = quote_mint; e.creator = creator
  e.dex = DEX[dex] or "unknown"; e.flags = flags
  e.mint_authority_present = mint_authority; e.freeze_authority_present = freeze_authority
  e.authorities_unknown = authorities_unknown; e.holders_unknown = holders_unknown
  e.lp_unknown = lp_unknown
  e.base_reserve_atoms = base_reserve; e.quote_reserve_lamports = quote_reserve
  e.token_supply_atoms = supply; e.fee_bps = fee_bps; e.lp_burned_bps = lp_burned_bps
  e.top10_holder_bps = top10_holder_bps; e.base_decimals = base_decimals
  on_event(e)
end

local pu = { type = "pool_update", seq = 0, recv_ns = 0, source_ns = 0, slot = 0,
  pool = "", base_mint = "", base_reserve_atoms = 0, quote_reserve_lamports = 0,
  price_lamports_per_atom = 0 }
local function pool_update(seq, recv_ns, source_ns, slot, pool, base_mint, base_reserve, quote_reserve, price)
  local e = pu
  e.type = "pool_update"
  e.seq = seq; e.recv_ns = recv_ns; e.source_ns = source_ns; e.slot = slot
  e.pool = pool; e.base_mint = base_mint
  e.base_reserve_atoms = base_reserve; e.quote_reserve_lamports = quote_reserve
  e.price_lamports_per_atom = price
  on_event(e)
end

local tr = { type = "trade", seq = 0, recv_ns = 0, source_ns = 0, slot = 0,
  pool = "", base_mint = "", trader = "", side = "invalid", base_atoms = 0, quote_lamports = 0 }
local function trade(seq, recv_ns, source_ns, slot, pool, base_mint, trader, side, base_atoms, quote_lamports)
  local e = tr
  e.type = "trade"
  e.seq = seq; e.recv_ns = recv_ns; e.source_ns = source_ns; e.slot = slot
  e.pool = pool; e.base_mint = base_mint; e.trader = trader
  e.side = SIDE[side] or "unknown"; e.base_atoms = base_atoms; e.quote_lamports = quote_lamports
  on_event(e)
end

local ou = { type = "order_update", seq = 0, recv_ns = 0, source_ns = 0, slot = 0,
  intent_id = 0, client_tag = 0, mint = "", status = "invalid", side = "invalid",
  in_amount = 0, out_amount = 0, fee_lamports = 0, tip_lamports = 0, reason_code = 0, reason = "",
  signature = "", landed_slot = 0, attempt = 0 }
local function order_update(seq, recv_ns, source_ns, slot, intent_id, client_tag, mint, status, side,
                            in_amount, out_amount, fee_lamports, tip_lamports, reason_code, reason,
                            signature, landed_slot, attempt)
  local e = ou
  e.type = "order_update"
  e.seq = seq; e.recv_ns = recv_ns; e.source_ns = source_ns; e.slot = slot
  e.intent_id = intent_id; e.client_tag = client_tag; e.mint = mint
  e.status = STATUS[status] or "unknown"; e.side = SIDE[side] or "unknown"
  e.in_amount = in_amount; e.out_amount = out_amount
  e.fee_lamports = fee_lamports; e.tip_lamports = tip_lamports
  e.reason_code = reason_code; e.reason = reason
  e.signature = signature; e.landed_slot = landed_slot; e.attempt = attempt
  on_event(e)
end

local ti = { type = "timer", seq = 0, recv_ns = 0, source_ns = 0, slot = 0, timer_id = 0, tag = 0 }
local function timer(seq, recv_ns, source_ns, slot, timer_id, tag)
  local e = ti
  e.type = "timer"
  e.seq = seq; e.recv_ns = recv_ns; e.source_ns = source_ns; e.slot = slot
  e.timer_id = timer_id; e.tag = tag
  on_event(e)
end

local tr2 = { type = "tool_result", seq = 0, recv_ns = 0, source_ns = 0, slot = 0, call_id = 0,
  ok = false, status = "ok", tool = "", output_json = "", error_code = "", error_message = "" }
local function tool_result(seq, recv_ns, source_ns, slot, call_id, status, tool, output_json, error_code,
                           error_message)
  local e = tr2
  e.type = "tool_result"
  e.seq = seq; e.recv_ns = recv_ns; e.source_ns = source_ns; e.slot = slot
  e.call_id = call_id; e.ok = status == 0; e.status = TOOL_STATUS[status] or "error"
  e.tool = tool; e.output_json = output_json; e.error_code = error_code; e.error_message = error_message
  on_event(e)
end

return new_pool, pool_update, trade, order_update, timer, tool_result
)lua";

inline void push_u64(lua_State* L, uint64_t v) { lua_pushnumber(L, static_cast<lua_Number>(v)); }
inline void push_i64(lua_State* L, int64_t v) { lua_pushnumber(L, static_cast<lua_Number>(v)); }
inline void push_key(lua_State* L, const snp_pubkey& k) {
    lua_pushlstring(L, reinterpret_cast<const char*>(k.bytes), sizeof k.bytes);
}
inline void push_str(lua_State* L, const snp_str& s) {
    if (s.ptr != nullptr && s.len > 0) {
        lua_pushlstring(L, s.ptr, static_cast<size_t>(s.len));
    } else {
        lua_pushliteral(L, "");
    }
}
inline void push_header(lua_State* L, const snp_event_header& h) {
    push_u64(L, h.seq);
    push_i64(L, h.recv_ns);
    push_i64(L, h.source_ns);
    push_u64(L, h.slot);
}

// The event as its full struct: the host's own pointer when it is large
// enough, else a zero-filled copy (an older, smaller layout).
template <class E> const E& as(const snp_event_header* h, E& copy) {
    if (h->size >= sizeof(E)) {
        return *reinterpret_cast<const E*>(h);
    }
    std::memset(static_cast<void*>(&copy), 0, sizeof copy);
    std::memcpy(static_cast<void*>(&copy), h, h->size);
    return copy;
}

} // namespace

bool push_dispatchers(Instance& in, std::string* error) {
    lua_State* L = in.L;
    // on_event is at the top; the chunk goes below it and takes it as its argument.
    if (luaL_loadbuffer(L, kDispatchers, std::strlen(kDispatchers), "=[events]") != 0) {
        *error = std::string("cannot compile the event dispatchers: ") + lua_tostring(L, -1);
        lua_pop(L, 2);
        return false;
    }
    lua_insert(L, -2);
    if (in.call(1, 6, error) != 0) {
        return false;
    }
    return true;
}

int push_event(lua_State* L, const snp_event_header* ev) {
    if (ev == nullptr || ev->size < sizeof(snp_event_header)) {
        return -1;
    }
    switch (ev->type) {
    case SNP_EVENT_NEW_POOL: {
        snp_ev_new_pool copy;
        const snp_ev_new_pool& e = as(ev, copy);
        lua_pushvalue(L, kSlotNewPool);
        push_header(L, e.h);
        push_key(L, e.pool);
        push_key(L, e.base_mint);
        push_key(L, e.quote_mint);
        push_key(L, e.creator);
        lua_pushnumber(L, e.dex);
        lua_pushnumber(L, e.flags);
        lua_pushboolean(L, (e.flags & SNP_POOL_MINT_AUTHORITY_PRESENT) != 0);
        lua_pushboolean(L, (e.flags & SNP_POOL_FREEZE_AUTHORITY_PRESENT) != 0);
        lua_pushboolean(L, (e.flags & SNP_POOL_AUTHORITIES_UNKNOWN) != 0);
        lua_pushboolean(L, (e.flags & SNP_POOL_HOLDERS_UNKNOWN) != 0);
        lua_pushboolean(L, (e.flags & SNP_POOL_LP_UNKNOWN) != 0);
        push_u64(L, e.base_reserve_atoms);
        push_u64(L, e.quote_reserve_lamports);
        push_u64(L, e.token_supply_atoms);
        lua_pushnumber(L, e.fee_bps);
        lua_pushnumber(L, e.lp_burned_bps);
        lua_pushnumber(L, e.top10_holder_bps);
        lua_pushnumber(L, e.base_decimals);
        return 22;
    }
    case SNP_EVENT_POOL_UPDATE: {
        snp_ev_pool_update copy;
        const snp_ev_pool_update& e = as(ev, copy);
        lua_pushvalue(L, kSlotPoolUpdate);
        push_header(L, e.h);
        push_key(L, e.pool);
        push_key(L, e.base_mint);
        push_u64(L, e.base_reserve_atoms);
        push_u64(L, e.quote_reserve_lamports);
        lua_pushnumber(L, e.price_lamports_per_atom);
        return 9;
    }
    case SNP_EVENT_TRADE: {
        snp_ev_trade copy;
        const snp_ev_trade& e = as(ev, copy);
        lua_pushvalue(L, kSlotTrade);
        push_header(L, e.h);
        push_key(L, e.pool);
        push_key(L, e.base_mint);
        push_key(L, e.trader);
        lua_pushnumber(L, e.side);
        push_u64(L, e.base_atoms);
        push_u64(L, e.quote_lamports);
        return 10;
    }
    case SNP_EVENT_ORDER_UPDATE: {
        snp_ev_order_update copy;
        const snp_ev_order_update& e = as(ev, copy);
        lua_pushvalue(L, kSlotOrderUpdate);
        push_header(L, e.h);
        push_u64(L, e.intent_id);
        push_u64(L, e.client_tag);
        push_key(L, e.mint);
        lua_pushnumber(L, e.status);
        lua_pushnumber(L, e.side);
        push_u64(L, e.in_amount);
        push_u64(L, e.out_amount);
        push_u64(L, e.fee_lamports);
        push_u64(L, e.tip_lamports);
        lua_pushnumber(L, e.reason_code);
        push_str(L, e.reason);
        // 1.1: the signature as raw bytes like keys ("" before SENT / in paper).
        bool any = false;
        for (uint8_t b : e.signature) {
            any = any || b != 0;
        }
        if (any) {
            lua_pushlstring(L, reinterpret_cast<const char*>(e.signature), sizeof e.signature);
        } else {
            lua_pushliteral(L, "");
        }
        push_u64(L, e.landed_slot);
        lua_pushnumber(L, e.attempt);
        return 18;
    }
    case SNP_EVENT_TIMER: {
        snp_ev_timer copy;
        const snp_ev_timer& e = as(ev, copy);
        lua_pushvalue(L, kSlotTimer);
        push_header(L, e.h);
        push_u64(L, e.timer_id);
        push_u64(L, e.tag);
        return 6;
    }
    case SNP_EVENT_TOOL_RESULT: {
        snp_ev_tool_result copy;
        const snp_ev_tool_result& e = as(ev, copy);
        lua_pushvalue(L, kSlotToolResult);
        push_header(L, e.h);
        push_u64(L, e.call_id);
        lua_pushnumber(L, e.status);
        push_str(L, e.tool);
        push_str(L, e.output_json);
        push_str(L, e.error_code);
        push_str(L, e.error_message);
        return 10;
    }
    default:
        return -1; // a type from a newer host: ignored, like the C++ wrapper does
    }
}

} // namespace sniper::lua
