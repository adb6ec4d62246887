// core/event_fields.hpp — one field table per ABI event: every member of
// the event struct after its header, in order, with its kind, its offset
// and the name a script sees. What is generated from it:
//   - the layout checks below: each member at its offset, the members
//     contiguous and covering the whole struct (a member added to the
//     struct but not here fails the build);
//   - the Lua event tables and the code that fills them
//     (strategy/lua_events.cpp): field names, defaults, enum names;
//   - the replay format's description (feeds/event_json_detail.hpp), and
//     from it the writer, the general reader (feeds/event_json.cpp) and the
//     one-pass fast reader (feeds/event_json_fast.cpp) of the market events.
// Adding a field to an event is one row here (plus its struct member).
//
// X(member, kind, offset, "name", json). Kinds:
//   Key 32-byte key (Lua: 32-byte string)   Sig 64-byte signature ("" when zero)
//   U64 I64 U32 I32 U8 F64 numbers           Str borrowed string
//   Dex Side Status ToolStatus  enums (Lua: their names; ToolStatus adds ok)
//   Flags u32 bit set (Lua: the number, plus one boolean per SNP_FLAGS_* row)
//   Reserved padding the ABI keeps (not shown)
// json: how the replay format (feeds/event_json.cpp) writes and checks the
// member under the same name: None (not written), Key (base58), Positive
// (integer > 0), Bps (0..10000), Decimals (0..18), Dex / Side (their
// names), Flags (the F rows' JSON booleans).
// F(bit, "name", "json name", Required|Optional): one bit of the event's
// flags, a boolean for scripts; in JSON written where the flags are
// (Required) or at the end and only when set (Optional).
#pragma once

#include <sniper/strategy_abi.h>

#include <cstddef>

#define SNP_FIELDS_NEW_POOL(X)                                                                     \
    X(pool, Key, 40, "pool", Key)                                                                  \
    X(base_mint, Key, 72, "base_mint", Key)                                                        \
    X(quote_mint, Key, 104, "quote_mint", Key)                                                     \
    X(creator, Key, 136, "creator", Key)                                                           \
    X(dex, Dex, 168, "dex", Dex)                                                                   \
    X(flags, Flags, 172, "flags", Flags)                                                           \
    X(base_reserve_atoms, U64, 176, "base_reserve_atoms", Positive)                                \
    X(quote_reserve_lamports, U64, 184, "quote_reserve_lamports", Positive)                        \
    X(token_supply_atoms, U64, 192, "token_supply_atoms", Positive)                                \
    X(fee_bps, U32, 200, "fee_bps", Bps)                                                           \
    X(lp_burned_bps, U32, 204, "lp_burned_bps", Bps)                                               \
    X(top10_holder_bps, U32, 208, "top10_holder_bps", Bps)                                         \
    X(base_decimals, U8, 212, "base_decimals", Decimals)                                           \
    X(reserved, Reserved, 213, "", None)

#define SNP_FLAGS_NEW_POOL(F)                                                                      \
    F(SNP_POOL_MINT_AUTHORITY_PRESENT, "mint_authority_present", "mint_authority", Required)       \
    F(SNP_POOL_FREEZE_AUTHORITY_PRESENT, "freeze_authority_present", "freeze_authority", Required) \
    F(SNP_POOL_AUTHORITIES_UNKNOWN, "authorities_unknown", "authorities_unknown", Optional)        \
    F(SNP_POOL_HOLDERS_UNKNOWN, "holders_unknown", "holders_unknown", Optional)                    \
    F(SNP_POOL_LP_UNKNOWN, "lp_unknown", "lp_unknown", Optional)                                   \
    F(SNP_POOL_TOKEN_2022, "token_2022", "token_2022", Optional)                                   \
    F(SNP_POOL_TOKEN_PROGRAM_UNKNOWN, "token_program_unknown", "token_program_unknown", Optional)

#define SNP_FIELDS_POOL_UPDATE(X)                                                                  \
    X(pool, Key, 40, "pool", Key)                                                                  \
    X(base_mint, Key, 72, "base_mint", Key)                                                        \
    X(base_reserve_atoms, U64, 104, "base_reserve_atoms", Positive)                                \
    X(quote_reserve_lamports, U64, 112, "quote_reserve_lamports", Positive)                        \
    X(price_lamports_per_atom, F64, 120, "price_lamports_per_atom", None)

#define SNP_FIELDS_TRADE(X)                                                                        \
    X(pool, Key, 40, "pool", Key)                                                                  \
    X(base_mint, Key, 72, "base_mint", Key)                                                        \
    X(trader, Key, 104, "trader", Key)                                                             \
    X(side, Side, 136, "side", Side)                                                               \
    X(reserved, Reserved, 140, "", None)                                                           \
    X(base_atoms, U64, 144, "base_atoms", Positive)                                                \
    X(quote_lamports, U64, 152, "quote_lamports", Positive)

#define SNP_FIELDS_ORDER_UPDATE(X)                                                                 \
    X(intent_id, U64, 40, "intent_id", None)                                                       \
    X(client_tag, U64, 48, "client_tag", None)                                                     \
    X(mint, Key, 56, "mint", None)                                                                 \
    X(status, Status, 88, "status", None)                                                          \
    X(side, Side, 92, "side", None)                                                                \
    X(in_amount, U64, 96, "in_amount", None)                                                       \
    X(out_amount, U64, 104, "out_amount", None)                                                    \
    X(fee_lamports, U64, 112, "fee_lamports", None)                                                \
    X(tip_lamports, U64, 120, "tip_lamports", None)                                                \
    X(reason_code, I32, 128, "reason_code", None)                                                  \
    X(reserved, Reserved, 132, "", None)                                                           \
    X(reason, Str, 136, "reason", None)                                                            \
    X(signature, Sig, 152, "signature", None)                                                      \
    X(landed_slot, U64, 216, "landed_slot", None)                                                  \
    X(attempt, U32, 224, "attempt", None)                                                          \
    X(reserved2, Reserved, 228, "", None)

#define SNP_FIELDS_TIMER(X)                                                                        \
    X(timer_id, U64, 40, "timer_id", None)                                                         \
    X(tag, U64, 48, "tag", None)

#define SNP_FIELDS_TOOL_RESULT(X)                                                                  \
    X(call_id, U64, 40, "call_id", None)                                                           \
    X(status, ToolStatus, 48, "status", None)                                                      \
    X(reserved, Reserved, 52, "", None)                                                            \
    X(tool, Str, 56, "tool", None)                                                                 \
    X(output_json, Str, 72, "output_json", None)                                                   \
    X(error_code, Str, 88, "error_code", None)                                                     \
    X(error_message, Str, 104, "error_message", None)

#define SNP_FIELDS_POOL_SAFETY(X)                                                                  \
    X(pool, Key, 40, "pool", Key)                                                                  \
    X(base_mint, Key, 72, "base_mint", Key)                                                        \
    X(dex, Dex, 104, "dex", Dex)                                                                   \
    X(flags, Flags, 108, "flags", Flags)                                                           \
    X(lp_burned_bps, U32, 112, "lp_burned_bps", Bps)                                               \
    X(top10_holder_bps, U32, 116, "top10_holder_bps", Bps)

#define SNP_FIELDS_CURVE_COMPLETE(X)                                                               \
    X(pool, Key, 40, "pool", Key)                                                                  \
    X(base_mint, Key, 72, "base_mint", Key)                                                        \
    X(dex, Dex, 104, "dex", Dex)                                                                   \
    X(reserved, Reserved, 108, "", None)

#define SNP_NO_FLAGS(F)

// Every event: X(type constant, struct, "lua type name", FIELDS, FLAGS).
#define SNP_EVENTS(E)                                                                              \
    E(SNP_EVENT_NEW_POOL, snp_ev_new_pool, "new_pool", SNP_FIELDS_NEW_POOL, SNP_FLAGS_NEW_POOL)    \
    E(SNP_EVENT_POOL_UPDATE, snp_ev_pool_update, "pool_update", SNP_FIELDS_POOL_UPDATE, SNP_NO_FLAGS) \
    E(SNP_EVENT_TRADE, snp_ev_trade, "trade", SNP_FIELDS_TRADE, SNP_NO_FLAGS)                      \
    E(SNP_EVENT_ORDER_UPDATE, snp_ev_order_update, "order_update", SNP_FIELDS_ORDER_UPDATE,        \
      SNP_NO_FLAGS)                                                                                \
    E(SNP_EVENT_TIMER, snp_ev_timer, "timer", SNP_FIELDS_TIMER, SNP_NO_FLAGS)                      \
    E(SNP_EVENT_TOOL_RESULT, snp_ev_tool_result, "tool_result", SNP_FIELDS_TOOL_RESULT, SNP_NO_FLAGS) \
    E(SNP_EVENT_POOL_SAFETY, snp_ev_pool_safety, "pool_safety", SNP_FIELDS_POOL_SAFETY,            \
      SNP_FLAGS_NEW_POOL)                                                                          \
    E(SNP_EVENT_CURVE_COMPLETE, snp_ev_curve_complete, "curve_complete", SNP_FIELDS_CURVE_COMPLETE, \
      SNP_NO_FLAGS)

namespace sniper::event_fields {

// ---- layout checks, generated from the tables ---------------------------

template <class T> struct Layout {
    size_t end = sizeof(snp_event_header); // where the next member must start
    bool ok = true;
    constexpr Layout& at(size_t offset, size_t actual, size_t size) {
        ok = ok && offset == actual && offset == end;
        end = offset + size;
        return *this;
    }
    constexpr bool covers() const { return ok && end == sizeof(T); }
};

#define SNP_LAYOUT_ROW(member, kind, offset, name, json) .at(offset, offsetof(T, member), sizeof(T{}.member))
#define SNP_LAYOUT_EVENT(type, T_, lua, FIELDS, FLAGS)                                             \
    template <class T = T_> constexpr bool layout_of_##T_() { return Layout<T>{} FIELDS(SNP_LAYOUT_ROW).covers(); } \
    static_assert(layout_of_##T_(), "the field table of " #T_ " does not match the struct: "        \
                                    "every member, in order, at its offset (core/event_fields.hpp)");
SNP_EVENTS(SNP_LAYOUT_EVENT)
#undef SNP_LAYOUT_EVENT
#undef SNP_LAYOUT_ROW

} // namespace sniper::event_fields
