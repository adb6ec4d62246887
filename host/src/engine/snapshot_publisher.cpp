// engine/snapshot_publisher.cpp — see snapshot_publisher.hpp.
#include "engine/snapshot_publisher.hpp"

#include "market/amm.hpp"

#include <filesystem>
#include <utility>

namespace sniper {

SnapshotPublisher::SnapshotPublisher(Parts parts) : p_(parts) {
    EngineSnapshot first;
    first.mode = p_.cfg.mode;
    first.feed = p_.feed.name();
    first.executor = p_.executor.name();
    board_.publish(std::move(first));
}

std::vector<StrategyRow> SnapshotPublisher::strategy_rows() const {
    std::vector<StrategyRow> rows;
    for (const auto& s : p_.registry.instances()) {
        StrategyRow r;
        r.name = s->name();
        r.kind = s->plugin().kind();
        r.file = s->plugin().source_path();
        r.version = s->plugin().version();
        r.build = s->plugin().build_info();
        r.slowest_call_ns = s->slowest_call_ns();
        r.state = strategy_state_name(s->state());
        r.hash = s->plugin().content_hash();
        r.load_time_ns = s->load_time_ns();
        r.last_error = s->last_error();
        r.events = s->events();
        r.intents = s->intents();
        r.errors = s->errors();
        auto it = p_.portfolio.all_stats().find(s->name());
        if (it != p_.portfolio.all_stats().end()) {
            r.trades = it->second.trades;
            r.wins = it->second.wins;
            r.fees_lamports = it->second.fees_lamports;
            r.realized_pnl_lamports = it->second.realized_pnl_lamports;
            r.max_drawdown_lamports = it->second.max_drawdown_lamports;
        }
        rows.push_back(std::move(r));
    }
    // Files the loader refused stay visible, so `sniperctl strategies`
    // says why a dropped-in plugin is not running.
    for (const auto& [file, error] : p_.registry.refused()) {
        StrategyRow r;
        r.name = std::filesystem::path(file).stem().string();
        r.kind = std::filesystem::path(file).extension() == ".lua" ? "lua" : "native";
        r.file = file;
        r.state = "refused";
        r.last_error = error;
        rows.push_back(std::move(r));
    }
    return rows;
}

std::vector<PositionRow> SnapshotPublisher::position_rows() const {
    std::vector<PositionRow> rows;
    for (const auto& [key, p] : p_.portfolio.positions()) {
        PositionRow r;
        r.strategy = p.strategy;
        r.mint = p.mint;
        r.pool = p.pool;
        r.amount_atoms = p.amount_atoms;
        r.cost_lamports = p.cost_lamports;
        r.opened_ns = p.opened_ns;
        r.stop_loss_bps = p.stop_loss_bps;
        r.take_profit_bps = p.take_profit_bps;
        r.trailing_stop_bps = p.trailing_stop_bps;
        r.max_hold_ns = p.max_hold_ns;
        r.peak_value_lamports = p.peak_value_lamports;
        r.protection_exit_failed = p_.protection.exit_failed(key);
        if (const PoolState* pool = p_.pools.find(p.pool)) {
            r.value_lamports = amm::mark_value(p.amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports);
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

namespace {
std::string reason_name(size_t index) {
    return risk_reason_name(static_cast<RiskReason>(1000 + static_cast<int32_t>(index)));
}
} // namespace

RiskSnapshot SnapshotPublisher::risk_view() const {
    RiskSnapshot rv;
    rv.limits = p_.risk.limits();
    rv.breaker = p_.breaker.config();
    rv.breaker_tier = CircuitBreaker::tier_name(p_.breaker.tier());
    rv.breaker_reason = p_.breaker.reason();
    rv.drawdown_bps = p_.breaker.drawdown_bps();
    rv.equity_lamports = p_.risk_inputs.equity_lamports();
    rv.equity_peak_lamports = p_.risk_inputs.equity_peak();
    rv.breaker_peak_lamports = p_.breaker.peak_lamports();
    for (const auto& [name, d] : p_.risk_inputs.today()) {
        rv.today_realized_pnl_lamports = sat_add(rv.today_realized_pnl_lamports, d.realized_pnl_lamports);
        rv.today_fees_lamports = sat_add(rv.today_fees_lamports, d.fees_lamports);
        rv.today_by_strategy[name] = {d.realized_pnl_lamports, d.fees_lamports};
    }
    for (const auto& [name, counts] : p_.risk.rejections_by_strategy()) {
        for (size_t i = 1; i < counts.size(); ++i) {
            if (counts[i] != 0) {
                rv.rejections_by_strategy[name][reason_name(i)] = counts[i];
            }
        }
    }
    rv.approved = p_.risk.approved_count();
    rv.rejected = p_.risk.rejected_count();
    return rv;
}

void SnapshotPublisher::publish(Counters c) {
    EngineSnapshot s;
    s.mode = p_.cfg.mode;
    s.state = c.state;
    s.state_reason = std::move(c.state_reason);
    s.feed = p_.feed.name();
    s.events = c.events;
    s.intents = c.intents;
    s.rejections = c.rejections;
    s.fills = c.fills;
    s.failed_orders = c.failed_orders;
    s.sim_elapsed_ns = c.sim_elapsed_ns;
    s.feed_rejected_inputs = p_.feed.rejected_inputs();
    s.sources = p_.feed.sources();
    s.balance_lamports = p_.portfolio.balance_lamports();
    s.strategies = strategy_rows();
    for (const auto& r : s.strategies) {
        s.realized_pnl_lamports = sat_add(s.realized_pnl_lamports, r.realized_pnl_lamports);
        if (r.state == "running") {
            ++s.strategies_loaded;
        }
    }
    s.positions = position_rows();
    const auto& by_reason = p_.risk.rejections_by_reason();
    for (size_t i = 1; i < by_reason.size(); ++i) {
        if (by_reason[i] != 0) {
            s.rejections_by_reason[reason_name(i)] = by_reason[i];
        }
    }
    s.protection_exits = p_.protection.exits_by_rule();
    s.protection_exit_failures = p_.protection.exit_failures();
    s.risk = risk_view();
    s.hung_callbacks = p_.watchdog.hung_callbacks();
    s.executor = p_.executor.name();
    s.routes = p_.executor.route_stats();
    board_.publish(std::move(s));
}

} // namespace sniper
