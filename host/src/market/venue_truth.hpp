// market/venue_truth.hpp — what a simulated venue needs from the market it
// simulates and a real chain reveals only by trading on it: whether a
// token's sells revert (a honeypot), and our own swaps, so a simulated pool
// moves the way the chain would move it. The sim and replay feeds provide
// it; the paper executor's venue reads it. Live execution has no use for
// it: the chain itself answers.
#pragma once

#include "core/types.hpp"

#include <cstdint>

namespace sniper {

class VenueTruth {
  public:
    virtual ~VenueTruth() = default;
    // Is selling this token blocked (honeypot)?
    virtual bool sell_blocked(const Pubkey& mint) const = 0;
    // Our own paper fill on `pool`. Sources that replay history ignore it.
    virtual void on_own_swap(const Pubkey& pool, uint32_t side, uint64_t in_amount, uint64_t out_amount) {
        (void)pool;
        (void)side;
        (void)in_amount;
        (void)out_amount;
    }
};

} // namespace sniper
