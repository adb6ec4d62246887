// market/amm.hpp — constant-product (x*y=k) swap arithmetic in integers, as
// Raydium-style pools compute it: the fee is taken from the input, the
// output is rounded down. All amounts in base units; 128-bit intermediates.
#pragma once

#include <cstdint>

namespace sniper::amm {

// Output of swapping `amount_in` into a pool holding reserve_in/reserve_out,
// with fee_bps taken from the input. 0 when any input is 0.
inline uint64_t swap_out(uint64_t reserve_in, uint64_t reserve_out, uint64_t amount_in,
                         uint32_t fee_bps) {
    if (reserve_in == 0 || reserve_out == 0 || amount_in == 0 || fee_bps >= 10000) {
        return 0;
    }
    const unsigned __int128 in_after_fee =
        static_cast<unsigned __int128>(amount_in) * (10000u - fee_bps) / 10000u;
    const unsigned __int128 num = in_after_fee * reserve_out;
    const unsigned __int128 den = static_cast<unsigned __int128>(reserve_in) + in_after_fee;
    return static_cast<uint64_t>(num / den);
}

// Minimum acceptable output for a quote under a slippage bound.
inline uint64_t min_out_for(uint64_t quoted_out, uint32_t max_slippage_bps) {
    if (max_slippage_bps >= 10000) {
        return 0;
    }
    return static_cast<uint64_t>(static_cast<unsigned __int128>(quoted_out) *
                                 (10000u - max_slippage_bps) / 10000u);
}

// Value in lamports of `atoms` tokens at the pool's marginal price
// (quote/base), rounded down. Used for marking positions, not for fills.
inline uint64_t mark_value(uint64_t atoms, uint64_t base_reserve, uint64_t quote_reserve) {
    if (base_reserve == 0) {
        return 0;
    }
    const unsigned __int128 v = static_cast<unsigned __int128>(atoms) * quote_reserve / base_reserve;
    return v > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(v);
}

} // namespace sniper::amm
