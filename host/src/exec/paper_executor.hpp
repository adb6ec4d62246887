// exec/paper_executor.hpp — the paper executor: a simulated venue that
// fills approved orders against the pool book as the chain would:
// constant product with the pool fee, a slippage bound fixed at decision
// time, network + priority fee and an optional tip in lamports, a landing
// delay, and a seeded chance that a transaction never lands. A honeypot's
// sells land and revert (fee paid, nothing sold). Same seed and config =>
// the same outcomes.
//
// It moves the simulated pools (its own swaps' impact on the book and, via
// VenueTruth, on the simulated market) and reads the wallet through
// WalletView; it never changes the ledger: the engine's ledger applies the
// reports it returns, the same code as for live reports.
#pragma once

#include "config/config.hpp"
#include "core/rng.hpp"
#include "exec/executor.hpp"
#include "market/pool_book.hpp"
#include "market/venue_truth.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace sniper {

class PaperExecutor final : public Executor {
  public:
    PaperExecutor(const PaperConfig& cfg, PoolBook& pools, VenueTruth& truth, const WalletView& wallet)
        : cfg_(cfg), rng_(cfg.seed), pools_(pools), truth_(truth), wallet_(wallet) {}

    const char* name() const override { return "paper"; }
    uint64_t quote(const PoolState& pool, uint32_t side, uint64_t amount_in) const override {
        return quote_pool(pool, side, amount_in);
    }
    uint64_t fees_per_order() const override {
        return cfg_.base_fee_lamports + cfg_.priority_fee_lamports + cfg_.tip_lamports;
    }
    int64_t submit(const Order& order, int64_t now_ns) override {
        (void)order;
        return now_ns + cfg_.landing_delay_ns;
    }
    // Lands (or fails) an order at its landing time.
    ExecReport settle(const Order& order) override;
    // Paper orders in flight when the process stopped cannot land any more
    // (their simulated pool is gone): each is settled as expired.
    std::vector<ExecReport> reconcile(const std::vector<UnsettledOrder>& orders) override;

    // Expected output now, before slippage; 0 when the pool cannot quote.
    static uint64_t quote_pool(const PoolState& pool, uint32_t side, uint64_t amount_in);
    // What one order pays at most: the configured priority fee and tip,
    // each lowered to the intent's cap when it sets one.
    uint64_t priority_fee_for(const Order& o) const {
        return o.max_priority_fee_lamports != 0 ? std::min(cfg_.priority_fee_lamports, o.max_priority_fee_lamports)
                                                : cfg_.priority_fee_lamports;
    }
    uint64_t tip_for(const Order& o) const {
        return o.max_tip_lamports != 0 ? std::min(cfg_.tip_lamports, o.max_tip_lamports) : cfg_.tip_lamports;
    }

  private:
    PaperConfig cfg_;
    Rng rng_;
    PoolBook& pools_;
    VenueTruth& truth_;
    const WalletView& wallet_;
};

} // namespace sniper
