// engine/risk_inputs.hpp — what the risk gate's limits read besides the
// intent: exposure (open positions at cost plus buys in flight), today's
// realized PnL and fees per strategy (UTC day of the host clock, carried
// over a restart from the journal), marked equity and its peak, and each
// (strategy, mint)'s last losing exit. It reads the ledger, the order
// manager and the pool book; it is told of every settled order.
#pragma once

#include "exec/order.hpp"
#include "exec/order_manager.hpp"
#include "ledger/portfolio.hpp"
#include "market/pool_book.hpp"
#include "risk/risk_gate.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace sniper {

class Store;

class RiskInputs {
  public:
    struct DayStats {
        int64_t realized_pnl_lamports = 0;
        uint64_t fees_lamports = 0;
    };

    // `store` may be null (no journal: today's figures start at zero).
    RiskInputs(Store* store, const Portfolio& portfolio, const OrderManager& orders, const PoolBook& pools)
        : store_(store), portfolio_(portfolio), orders_(orders), pools_(pools) {}

    // Balance + open positions marked to their pools + buys in flight at cost.
    int64_t equity_lamports() const;
    // Fills the limit inputs of `ri` (whose position is set) at `now_ns`.
    void fill(const std::string& strategy, const Pubkey& mint, int64_t now_ns, RiskInput& ri);
    // A final report was applied to the ledger: `before`/`after` are the
    // strategy's figures around it; `realized_pnl` the report's PnL.
    void on_settled(const Order& o, const ExecReport& report, const StrategyStats& before,
                    const StrategyStats& after, int64_t realized_pnl, int64_t now_ns);
    // Highest equity seen (the drawdown limits measure from it).
    void note_equity(int64_t equity) { equity_peak_ = std::max(equity_peak_, equity); }
    void set_equity_peak(int64_t peak) { equity_peak_ = peak; }
    int64_t equity_peak() const { return equity_peak_; }
    // Restore: today's figures are read again on the run's own clock.
    void forget_day() {
        today_ = INT64_MIN;
        day_stats_.clear();
    }
    const std::map<std::string, DayStats>& today() const { return day_stats_; }

  private:
    void roll_day(int64_t now_ns);

    Store* store_;
    const Portfolio& portfolio_;
    const OrderManager& orders_;
    const PoolBook& pools_;
    int64_t today_ = INT64_MIN; // utc_day of the last roll
    std::map<std::string, DayStats> day_stats_; // by strategy, today only
    int64_t equity_peak_ = 0;
    std::map<std::pair<std::string, Pubkey>, int64_t> last_loss_exit_; // (strategy, mint) -> ns
};

} // namespace sniper
