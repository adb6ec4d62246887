// ledger/portfolio.hpp — accounting: the wallet's SOL balance, each
// strategy's positions (average cost, fees in), realized PnL, round trips
// and drawdown of the realized PnL curve. All amounts are integers.
//
// The ledger changes only by applying executor reports (apply()), the same
// code for paper and live; executors read it through WalletView.
#pragma once

#include "core/position.hpp"
#include "core/types.hpp"
#include "exec/executor.hpp"
#include "exec/order.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sniper {

// What applying one report did to the ledger.
struct LedgerChange {
    std::optional<Fill> fill;          // a FILLED report: what it did
    int64_t realized_pnl_lamports = 0; // a filled SELL
    bool position_closed = false;
    bool changed = false; // anything moved (a fill, or fees of a revert)
};

class Portfolio final : public WalletView {
  public:
    explicit Portfolio(uint64_t balance_lamports) : balance_(balance_lamports) {}

    // Applies a final report for `order`: a fill moves the position and the
    // balance; a landed failure (fees paid) charges its fees; anything else
    // changes nothing.
    LedgerChange apply(const Order& order, const ExecReport& report);

    // WalletView
    uint64_t balance_lamports() const override { return balance_; }
    uint64_t position_atoms(const std::string& strategy, const Pubkey& mint) const override {
        const Position* p = find(strategy, mint);
        return p != nullptr ? p->amount_atoms : 0;
    }
    const Position* find(const std::string& strategy, const Pubkey& mint) const;
    Position* find_mut(const std::string& strategy, const Pubkey& mint) {
        auto it = positions_.find({strategy, mint});
        return it == positions_.end() ? nullptr : &it->second;
    }
    size_t open_positions() const { return positions_.size(); }
    const std::map<std::pair<std::string, Pubkey>, Position>& positions() const { return positions_; }
    StrategyStats& stats(const std::string& strategy) { return stats_[strategy]; }
    const std::map<std::string, StrategyStats>& all_stats() const { return stats_; }

    // A landed buy: `lamports_in` spent on `atoms_out`, plus fees.
    const Position& apply_buy(const std::string& strategy, const Pubkey& mint, const Pubkey& pool,
                              uint64_t lamports_in, uint64_t atoms_out, uint64_t fees, int64_t ts_ns);
    // A landed sell of `atoms_in` for `lamports_out`, less fees. Returns the
    // realized PnL of this sell; *closed tells whether the position is flat.
    int64_t apply_sell(const std::string& strategy, const Pubkey& mint, uint64_t atoms_in,
                       uint64_t lamports_out, uint64_t fees, int64_t ts_ns, bool* closed);
    // Fees of a transaction that landed but failed (reverted).
    void charge_fee(const std::string& strategy, const Pubkey& mint, uint64_t fees);

    // Restores state from the journal at start-up.
    void restore_position(const Position& p) { positions_[{p.strategy, p.mint}] = p; }
    void restore_stats(const std::string& strategy, const StrategyStats& s) { stats_[strategy] = s; }
    void set_balance(uint64_t b) { balance_ = b; }

  private:
    void record_pnl(StrategyStats& s, int64_t delta);
    uint64_t balance_;
    std::map<std::pair<std::string, Pubkey>, Position> positions_;
    std::map<std::string, StrategyStats> stats_;
};

} // namespace sniper
