// feeds/event_json.hpp — the JSON Lines event format used by the replay
// feed and by `sniperd run --record`. One event per line; the encoder and
// decoder are a pair (decode(encode(e)) == e). Format (docs/replay-format.md):
//   {"type":"new_pool","source_ns":N,"slot":N,"pool":B58,"base_mint":B58,
//    "quote_mint":B58,"creator":B58,"dex":"sim","mint_authority":bool,
//    "freeze_authority":bool,"base_reserve_atoms":N,"quote_reserve_lamports":N,
//    "token_supply_atoms":N,"fee_bps":N,"lp_burned_bps":N,"top10_holder_bps":N,
//    "base_decimals":N[,"sell_blocked":bool]}
//   {"type":"pool_update","source_ns":N,"slot":N,"pool":B58,"base_mint":B58,
//    "base_reserve_atoms":N,"quote_reserve_lamports":N}
//   {"type":"trade","source_ns":N,"slot":N,"pool":B58,"base_mint":B58,
//    "trader":B58,"side":"buy"|"sell","base_atoms":N,"quote_lamports":N}
// Integers are JSON integers (no floats for amounts). Unknown fields are
// ignored so recordings from newer hosts still replay. The writer and the
// general reader are generated from the events' field tables
// (core/event_fields.hpp); new_pool's 1.1 safety bits are written only
// when set.
#pragma once

#include "feeds/feed.hpp"

#include <string>
#include <string_view>

namespace sniper {

// Appends one line (with '\n') for a feed event (new_pool, pool_update,
// trade). sell_blocked is recorded for new_pool so a replay of a simulated
// market keeps its honeypots.
void encode_event_json(const EventBuf& ev, bool sell_blocked, std::string& out);

struct DecodeResult {
    bool ok = false;
    bool sell_blocked = false;
    std::string error; // what was expected and what was found
};

// Decodes and validates one line. Amounts must be positive integers where
// a zero would make the pool meaningless (reserves); keys valid base58.
// Lines as the encoder writes them take a one-pass path, anything else the
// general one (same answers: event_json_detail.hpp).
DecodeResult decode_event_json(std::string_view line, EventBuf& out);

} // namespace sniper
