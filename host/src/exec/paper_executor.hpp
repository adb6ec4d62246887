// exec/paper_executor.hpp — fills approved orders against the simulated or
// replayed pools as the chain would: constant product with the pool fee,
// a slippage bound fixed at decision time, network + priority fee and an
// optional tip in lamports, a landing delay, and a seeded chance that a
// transaction never lands. A honeypot's sells land and revert (fee paid,
// nothing sold). Same seed and config => the same outcomes.
#pragma once

#include "config/config.hpp"
#include "core/rng.hpp"
#include "exec/pool_book.hpp"
#include "exec/portfolio.hpp"
#include "feeds/feed.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace sniper {

struct PaperOrder {
    uint64_t intent_id = 0;
    uint32_t strategy_index = 0;
    std::string strategy;
    uint32_t side = 0;
    Pubkey mint{};
    Pubkey pool{};
    uint64_t amount_in = 0; // BUY lamports; SELL atoms (ignored with sell_all)
    bool sell_all = false;
    uint64_t min_out = 0;   // from the quote at decision time
    uint64_t client_tag = 0;
    int64_t submit_ns = 0;
    int64_t land_ns = 0;
    // BUY: the intent's protection fields (0 = config default, < 0 = none).
    int32_t stop_loss_bps = 0;
    int32_t take_profit_bps = 0;
    int32_t trailing_stop_bps = 0;
    int64_t max_hold_ns = 0;
    // ABI 1.1: must not land after this (host clock; 0 = no deadline), and
    // caps on what this order may pay in priority fee and tip (0 = none).
    int64_t deadline_ns = 0;
    uint64_t max_priority_fee_lamports = 0;
    uint64_t max_tip_lamports = 0;
};

struct PaperOutcome {
    uint32_t status = SNP_ORDER_INVALID; // FILLED or FAILED
    uint64_t in_amount = 0;
    uint64_t out_amount = 0;
    uint64_t fee_lamports = 0;
    uint64_t tip_lamports = 0;
    int64_t realized_pnl_lamports = 0;
    bool position_closed = false;
    int32_t code = 0; // failure code, 2000-range (docs/error-codes.md)
    std::string reason;
};

// Failure codes of executed orders (registry, never renumbered).
enum : int32_t {
    kExecNotLanded = 2001,
    kExecPoolGone = 2002,
    kExecNoPosition = 2003,
    kExecSellBlocked = 2004,
    kExecSlippage = 2005,
    kExecInsufficientBalance = 2006,
    kExecDeadline = 2007,
};

class PaperExecutor {
  public:
    explicit PaperExecutor(const PaperConfig& cfg) : cfg_(cfg), rng_(cfg.seed) {}

    uint64_t fees_per_order() const {
        return cfg_.base_fee_lamports + cfg_.priority_fee_lamports + cfg_.tip_lamports;
    }
    // What one order pays at most: the configured priority fee and tip,
    // each lowered to the intent's cap when it sets one.
    uint64_t priority_fee_for(const PaperOrder& o) const {
        return o.max_priority_fee_lamports != 0 ? std::min(cfg_.priority_fee_lamports, o.max_priority_fee_lamports)
                                                : cfg_.priority_fee_lamports;
    }
    uint64_t tip_for(const PaperOrder& o) const {
        return o.max_tip_lamports != 0 ? std::min(cfg_.tip_lamports, o.max_tip_lamports) : cfg_.tip_lamports;
    }
    int64_t landing_delay_ns() const { return cfg_.landing_delay_ns; }

    // Expected output now, before slippage; 0 when the pool cannot quote.
    static uint64_t quote(const PoolState& pool, uint32_t side, uint64_t amount_in);

    // Lands (or fails) an order at its landing time, updating the pool
    // book, the portfolio and the feed (so a simulated pool moves).
    PaperOutcome land(const PaperOrder& order, PoolBook& pools, Portfolio& portfolio, Feed& feed);

  private:
    PaperConfig cfg_;
    Rng rng_;
};

} // namespace sniper
