// chain/pump_swap.cpp — PumpSwap event layouts.
//
// Source: pump-fun/pump-public-docs idl/pump_amm.json (@ 0c64400 and its
// earlier revisions from df5013e, 2025-04): CreatePoolEvent 301 bytes with
// the discriminator (launch) and 333 (+ coin_creator, 2025-05);
// BuyEvent/SellEvent 312 (launch), 360 (+ coin_creator,
// coin_creator_fee_basis_points, coin_creator_fee) and, BuyEvent only, 393
// (+ track_volume, total_unclaimed_tokens, total_claimed_tokens,
// current_sol_volume, last_update_timestamp). The shared fixtures carry no
// PumpSwap payload: these layouts are verified against the IDL only (tests
// build events from it), not against chain bytes.
#include "chain/pump_swap.hpp"

#include "chain/wire.hpp"

#include <cstring>

namespace sniper::chain::pump_swap {
namespace {

Reject decode_create(const uint8_t* d, size_t len, CreatePool& e) {
    if (len < 301) {
        return Reject::EventTruncated;
    }
    if (len != 301 && len != 333) {
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
    if (len == 333) {
        e.has_coin_creator = true;
        c.key(e.coin_creator);
    }
    return Reject::None;
}

Reject decode_swap(const uint8_t* d, size_t len, bool is_buy, Swap& e) {
    if (len < 312) {
        return Reject::EventTruncated;
    }
    if (len != 312 && len != 360 && !(is_buy && len == 393)) {
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
    if (len == 393) {
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
