// engine/risk_inputs.cpp — see risk_inputs.hpp.
#include "engine/risk_inputs.hpp"

#include "core/types.hpp"
#include "market/amm.hpp"
#include "risk/utc_day.hpp"
#include "store/store.hpp"

#include <algorithm>

namespace sniper {

void RiskInputs::roll_day(int64_t now_ns) {
    const int64_t day = utc_day(now_ns);
    if (day == today_) {
        return;
    }
    const bool first = today_ == INT64_MIN;
    today_ = day;
    day_stats_.clear();
    if (first && store_ != nullptr) {
        // After a restart, today's realized PnL and fees count on: the
        // daily limits do not reset because the process did.
        for (const auto& [name, t] : store_->fill_totals(day * kNsPerUtcDay, (day + 1) * kNsPerUtcDay)) {
            day_stats_[name] = DayStats{t.realized_pnl_lamports, t.fees_lamports};
        }
    }
}

int64_t RiskInputs::equity_lamports() const {
    __int128 equity = portfolio_.balance_lamports();
    for (const auto& [key, p] : portfolio_.positions()) {
        const PoolState* pool = pools_.find(p.pool);
        if (pool != nullptr && pool->base_reserve_atoms > 0 && pool->quote_reserve_lamports > 0) {
            equity += amm::mark_value(p.amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports);
        } else {
            // Not priced yet (after a restart, until its source names the
            // pool again): at cost, not at 0, or the drawdown from the
            // journal's equity peak would read as a loss.
            equity += p.cost_lamports;
        }
    }
    // Buys in flight hold their lamports aside; count them at cost.
    return sat_i64(equity + orders_.reserved_lamports());
}

void RiskInputs::fill(const std::string& strategy, const Pubkey& mint, int64_t now_ns, RiskInput& ri) {
    roll_day(now_ns);
    ri.now_ns = now_ns;
    ri.position_cost_lamports = ri.position != nullptr ? ri.position->cost_lamports : 0;
    uint64_t total = 0, mine = 0;
    for (const auto& [key, p] : portfolio_.positions()) {
        total = sat_add(total, p.cost_lamports);
        if (key.first == strategy) {
            mine = sat_add(mine, p.cost_lamports);
        }
    }
    orders_.each([&](const Order& o) {
        if (o.side == SNP_SIDE_BUY) {
            total = sat_add(total, o.amount_in);
            if (o.strategy == strategy) {
                mine = sat_add(mine, o.amount_in);
            }
        }
    });
    ri.exposure_lamports = total;
    ri.strategy_exposure_lamports = mine;
    for (const auto& [name, d] : day_stats_) {
        ri.realized_pnl_today_lamports = sat_add(ri.realized_pnl_today_lamports, d.realized_pnl_lamports);
        ri.fees_today_lamports = sat_add(ri.fees_today_lamports, d.fees_lamports);
        if (name == strategy) {
            ri.strategy_realized_pnl_today_lamports = d.realized_pnl_lamports;
            ri.strategy_fees_today_lamports = d.fees_lamports;
        }
    }
    ri.equity_lamports = equity_lamports();
    note_equity(ri.equity_lamports);
    ri.equity_peak_lamports = equity_peak_;
    auto it = last_loss_exit_.find({strategy, mint});
    ri.last_loss_exit_ns = it != last_loss_exit_.end() ? it->second : 0;
}

void RiskInputs::on_settled(const Order& o, const ExecReport& report, const StrategyStats& before,
                            const StrategyStats& after, int64_t realized_pnl, int64_t now_ns) {
    roll_day(now_ns);
    DayStats& d = day_stats_[o.strategy];
    d.realized_pnl_lamports = sat_i64(static_cast<__int128>(d.realized_pnl_lamports) +
                                      after.realized_pnl_lamports - before.realized_pnl_lamports);
    d.fees_lamports =
        sat_u64(static_cast<__int128>(d.fees_lamports) + after.fees_lamports - before.fees_lamports);
    if (o.side == SNP_SIDE_SELL && report.status == SNP_ORDER_FILLED && realized_pnl < 0) {
        last_loss_exit_[{o.strategy, o.mint}] = now_ns;
    }
}

} // namespace sniper
