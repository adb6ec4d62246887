// core/position.hpp — the one shape of a fill, of a position and of a
// strategy's running figures: the ledger makes and keeps them, the journal
// stores them as they are (store's FillRecord is a Fill, PositionRecord a
// Position; StrategyPnlRecord is these figures plus the strategy's name),
// restore reads them back, and the engine's snapshot shows them. All
// amounts are integers.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <string>

namespace sniper {

// One filled order as the ledger applied it.
struct Fill {
    uint64_t intent_id = 0;
    std::string strategy;
    uint32_t side = 0; // SNP_SIDE_*
    Pubkey mint{};
    Pubkey pool{};
    uint64_t in_amount = 0;  // BUY: lamports; SELL: atoms
    uint64_t out_amount = 0; // BUY: atoms; SELL: lamports
    uint64_t fee_lamports = 0;
    uint64_t tip_lamports = 0;
    int64_t realized_pnl_lamports = 0; // SELL only: proceeds - cost basis - fees
    int64_t ts_ns = 0;                 // when it landed (host clock)
};

struct Position {
    std::string strategy;
    Pubkey mint{};
    Pubkey pool{};
    uint64_t amount_atoms = 0;         // 0 in a journal row: closed
    uint64_t cost_lamports = 0;        // cost basis of what is held, fees included
    int64_t realized_pnl_lamports = 0; // realized so far on this position
    int64_t opened_ns = 0;
    int64_t updated_ns = 0;
    // Position protection, resolved when a buy lands (0 = none); enforced by
    // the engine. peak_value_lamports is the highest marked value seen, for
    // the trailing stop.
    uint32_t stop_loss_bps = 0;
    uint32_t take_profit_bps = 0;
    uint32_t trailing_stop_bps = 0;
    int64_t max_hold_ns = 0;
    uint64_t peak_value_lamports = 0;
    // The pool's swap fee and its token's decimals when the row was last
    // written (-1: unknown). The engine fills them in from its pool book;
    // after a restart they give back what a pool known from updates only
    // lacks (PoolBook::adopt).
    int32_t pool_fee_bps = -1;
    int32_t base_decimals = -1;
    bool protected_any() const {
        return stop_loss_bps != 0 || take_profit_bps != 0 || trailing_stop_bps != 0 || max_hold_ns != 0;
    }
};

struct StrategyStats {
    uint64_t trades = 0; // closed round trips
    uint64_t wins = 0;   // closed with realized PnL > 0
    int64_t realized_pnl_lamports = 0;
    int64_t peak_pnl_lamports = 0;
    int64_t max_drawdown_lamports = 0;
    uint64_t fees_lamports = 0;
};

} // namespace sniper
