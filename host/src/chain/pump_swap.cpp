// chain/pump_swap.cpp — PumpSwap event layouts.
//
// Source: pump-fun/pump-public-docs idl/pump_amm.json and idl/pump_amm.ts,
// their revisions from df5013e (2025-04) to 8cda1fa. Lengths with the
// 8-byte discriminator; every generation appends to the one before, so the
// fields read here (the first 360 bytes) sit where they always did.
//   CreatePoolEvent: 301 (launch); 333 (+ coin_creator, 2025-05);
//     334 (+ is_mayhem_mode bool, 864c072); 344 (+ creator_fee_basis_points
//     u64, can_edit_creator_fee bool, is_holder_reward bool, f216b67).
//   SellEvent: 312 (launch); 360 (+ coin_creator, coin_creator_fee_basis_points,
//     coin_creator_fee); 392 (+ cashback_fee_basis_points, cashback,
//     buyback_fee_basis_points, buyback_fee, 3c6721a); 433 (+ virtual_quote_reserves
//     i128, can_boost bool, base_supply, holder_rewards_bps, holder_rewards,
//     f216b67); 441 (+ creator_fee_unclaimed, 8cda1fa).
//   BuyEvent: 312 and 360 as SellEvent; 393 (+ track_volume bool and four
//     volume fields, 0c64400); then min_base_amount_out u64 @393 and the
//     string ix_name (u32 length @401, bytes @405: "buy", "buy_exact_quote_in",
//     "buy_v2", "buy_exact_quote_in_v2"), so the total is 405 + L, and
//     the same four, five and one blocks as SellEvent follow it: 405 + L +
//     0, 32, 73 or 81.
// A length that fits none of these, or an ix_name that is not a short
// lowercase identifier, is refused (EVENT_LENGTH): no guessing at a layout.
// Checked on chain bytes for the 408-byte BuyEvent (two 2025-10 captures in
// tests/chain/fixtures/payloads, reserves against the vaults' balances);
// the other generations only against the IDL (units_test.cpp builds them).
#include "chain/pump_swap.hpp"

#include "chain/wire.hpp"

#include <cstring>

namespace sniper::chain::pump_swap {
namespace {

Reject decode_create(const uint8_t* d, size_t len, CreatePool& e) {
    if (len < 301) {
        return Reject::EventTruncated;
    }
    if (len != 301 && len != 333 && len != 334 && len != 344) {
        return Reject::EventLength;
    }
    Cursor c(d, len);
    c.skip(8);
    c.i64(e.timestamp);
    c.u16(e.index);
    c.key(e.creator);
    c.key(e.base_mint);
    c.key(e.quote_mint);
    c.u8(e.base_mint_decimals);
    c.u8(e.quote_mint_decimals);
    c.u64(e.base_amount_in);
    c.u64(e.quote_amount_in);
    c.u64(e.pool_base_amount);
    c.u64(e.pool_quote_amount);
    c.skip(24); // minimum_liquidity, initial_liquidity, lp_token_amount_out
    c.skip(1);  // pool_bump
    c.key(e.pool);
    c.key(e.lp_mint);
    c.skip(64); // user_base_token_account, user_quote_token_account
    if (len >= 333) {
        e.has_coin_creator = true;
        c.key(e.coin_creator);
    }
    bool flag = false, bad = false;
    if (len >= 334 && !c.boolean(flag, &bad)) { // is_mayhem_mode
        return Reject::BorshBool;
    }
    if (len == 344 && (!c.skip(8) || !c.boolean(flag, &bad) || !c.boolean(flag, &bad))) {
        return Reject::BorshBool; // can_edit_creator_fee, is_holder_reward
    }
    return Reject::None;
}

// The generations above, by length (and, for buys past 393 bytes, by the
// ix_name string's own length).
bool swap_length_ok(const uint8_t* d, size_t len, bool is_buy) {
    if (len == 312 || len == 360) {
        return true;
    }
    if (!is_buy) {
        return len == 392 || len == 433 || len == 441;
    }
    if (len == 393) {
        return true;
    }
    constexpr size_t kNameAt = 405;
    constexpr uint32_t kMaxName = 32;
    if (len < kNameAt) {
        return false;
    }
    const uint32_t n = static_cast<uint32_t>(d[401]) | static_cast<uint32_t>(d[402]) << 8 |
                       static_cast<uint32_t>(d[403]) << 16 | static_cast<uint32_t>(d[404]) << 24;
    if (n == 0 || n > kMaxName || len < kNameAt + n) {
        return false;
    }
    for (uint32_t i = 0; i < n; ++i) {
        const uint8_t ch = d[kNameAt + i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) {
            return false;
        }
    }
    const size_t tail = len - kNameAt - n;
    return tail == 0 || tail == 32 || tail == 73 || tail == 81;
}

Reject decode_swap(const uint8_t* d, size_t len, bool is_buy, Swap& e) {
    if (len < 312) {
        return Reject::EventTruncated;
    }
    if (!swap_length_ok(d, len, is_buy)) {
        return Reject::EventLength;
    }
    e.is_buy = is_buy;
    Cursor c(d, len);
    c.skip(8);
    c.i64(e.timestamp);
    c.u64(e.base_amount);
    c.u64(e.quote_limit);
    c.skip(16); // user_base_token_reserves, user_quote_token_reserves
    c.u64(e.pool_base_token_reserves);
    c.u64(e.pool_quote_token_reserves);
    c.u64(e.quote_amount);
    c.skip(8); // lp_fee_basis_points
    c.u64(e.lp_fee);
    c.skip(8); // protocol_fee_basis_points
    c.u64(e.protocol_fee);
    c.u64(e.quote_amount_with_lp_fee);
    c.u64(e.user_quote_amount);
    c.key(e.pool);
    c.key(e.user);
    c.skip(4 * 32); // user token accounts, protocol fee recipient and its account
    if (len >= 360) {
        c.skip(32 + 8); // coin_creator, coin_creator_fee_basis_points
        c.u64(e.coin_creator_fee);
    }
    if (is_buy && len >= 393) {
        bool track = false, bad = false;
        if (!c.boolean(track, &bad)) {
            return Reject::BorshBool;
        }
    }
    if (is_buy) {
        // The pool keeps quote_amount_in + lp_fee (= quote_amount_in_with_lp_fee).
        if (e.base_amount > e.pool_base_token_reserves ||
            e.quote_amount_with_lp_fee > UINT64_MAX - e.pool_quote_token_reserves) {
            return Reject::CrosscheckMismatch;
        }
        e.base_after = e.pool_base_token_reserves - e.base_amount;
        e.quote_after = e.pool_quote_token_reserves + e.quote_amount_with_lp_fee;
    } else {
        // The pool pays out quote_amount_out - lp_fee (= ..._without_lp_fee).
        if (e.quote_amount_with_lp_fee > e.pool_quote_token_reserves ||
            e.base_amount > UINT64_MAX - e.pool_base_token_reserves) {
            return Reject::CrosscheckMismatch;
        }
        e.base_after = e.pool_base_token_reserves + e.base_amount;
        e.quote_after = e.pool_quote_token_reserves - e.quote_amount_with_lp_fee;
    }
    return Reject::None;
}

} // namespace

Reject decode_event(const uint8_t* data, size_t len, Event& out) {
    out.kind = EventKind::Unknown;
    if (len < 8) {
        return Reject::None;
    }
    if (std::memcmp(data, kCreatePoolEventDisc, 8) == 0) {
        out.kind = EventKind::CreatePool;
        out.create = CreatePool{};
        return decode_create(data, len, out.create);
    }
    const bool buy = std::memcmp(data, kBuyEventDisc, 8) == 0;
    if (buy || std::memcmp(data, kSellEventDisc, 8) == 0) {
        out.kind = EventKind::Swap;
        out.swap = Swap{};
        return decode_swap(data, len, buy, out.swap);
    }
    return Reject::None;
}

} // namespace sniper::chain::pump_swap
