// chain/pump_swap.hpp — PumpSwap (pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA),
// the pump.fun AMM that graduated coins move to since 2025-03: Anchor
// events CreatePoolEvent, BuyEvent, SellEvent. They reach us as
// `Program data:` lines or as the data of Anchor's self-CPI (emit_cpi!,
// prefix e445a52e51cb9a1d before the event discriminator); both carry the
// same bytes from the discriminator on. Generation chosen by exact length
// (see pump_swap.cpp for each one and where it comes from).
#pragma once

#include "chain/reject.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>

namespace sniper::chain::pump_swap {

inline constexpr uint8_t kCreatePoolEventDisc[8] = {0xb1, 0x31, 0x0c, 0xd2, 0xa0, 0x76, 0xa7, 0x74};
inline constexpr uint8_t kBuyEventDisc[8] = {0x67, 0xf4, 0x52, 0x1f, 0x2c, 0xf5, 0x77, 0x77};
inline constexpr uint8_t kSellEventDisc[8] = {0x3e, 0x2f, 0x37, 0x0a, 0xa5, 0x03, 0xdc, 0x2a};
// sha256("anchor:event")[0..8]: the instruction tag of an emit_cpi! self-call.
inline constexpr uint8_t kEmitCpiTag[8] = {0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d};

struct CreatePool {
    int64_t timestamp = 0;
    uint16_t index = 0;
    Pubkey creator{}, base_mint{}, quote_mint{};
    uint8_t base_mint_decimals = 0, quote_mint_decimals = 0;
    uint64_t base_amount_in = 0, quote_amount_in = 0, pool_base_amount = 0, pool_quote_amount = 0;
    Pubkey pool{}, lp_mint{};
    bool has_coin_creator = false;
    Pubkey coin_creator{};
};

// BuyEvent and SellEvent share their first 360 bytes: 14 integers, 6 keys,
// then the coin-creator fee fields (2025-05); later fields (volume, the
// buy's ix_name, cashback, holder rewards) are checked for shape, not read.
struct Swap {
    bool is_buy = false;
    int64_t timestamp = 0;
    uint64_t base_amount = 0;               // buy: base_amount_out; sell: base_amount_in
    uint64_t quote_limit = 0;               // buy: max_quote_amount_in; sell: min_quote_amount_out
    uint64_t pool_base_token_reserves = 0;  // before the swap
    uint64_t pool_quote_token_reserves = 0; // before the swap
    uint64_t quote_amount = 0;              // buy: quote_amount_in; sell: quote_amount_out
    uint64_t lp_fee = 0, protocol_fee = 0;
    uint64_t quote_amount_with_lp_fee = 0; // buy: ..._in_with_lp_fee; sell: ..._out_without_lp_fee
    uint64_t user_quote_amount = 0;        // what the user paid (buy) or got (sell)
    Pubkey pool{}, user{};
    uint64_t coin_creator_fee = 0;
    // Pool reserves after the swap: the LP fee stays in the pool, protocol
    // and creator fees leave it.
    uint64_t base_after = 0, quote_after = 0;
};

enum class EventKind : uint8_t { Unknown = 0, CreatePool, Swap };
struct Event {
    EventKind kind = EventKind::Unknown;
    CreatePool create;
    Swap swap;
};

// One event from its discriminator on. Unknown discriminator: Unknown + None.
Reject decode_event(const uint8_t* data, size_t len, Event& out);

} // namespace sniper::chain::pump_swap
