// engine/engine_snapshot.cpp — what other threads see: strategy rows, the
// published snapshot, the status line, the event recording.
#include "engine/engine.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "feeds/event_json.hpp"
#include "market/amm.hpp"
#include "risk/utc_day.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <filesystem>
#include <thread>

namespace sniper {

std::vector<StrategyRow> Engine::strategy_rows() const {
    std::vector<StrategyRow> rows;
    for (const auto& s : registry_.instances()) {
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
        auto it = portfolio_.all_stats().find(s->name());
        if (it != portfolio_.all_stats().end()) {
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
    for (const auto& [file, error] : registry_.refused()) {
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

void Engine::publish_snapshot() {
    EngineSnapshot s;
    s.mode = cfg_.mode;
    s.state = trading_state();
    {
        std::lock_guard<std::mutex> lk(state_mu_);
        s.state_reason = state_reason_;
    }
    s.feed = feed_.name();
    s.events = events_;
    s.intents = intents_;
    s.rejections = rejections_;
    s.fills = fills_;
    s.failed_orders = failed_orders_;
    s.feed_rejected_inputs = feed_.rejected_inputs();
    s.sources = feed_.sources();
    s.balance_lamports = portfolio_.balance_lamports();
    s.sim_elapsed_ns = first_source_ns_ >= 0 ? now_ns_ - first_source_ns_ : 0;
    s.strategies = strategy_rows();
    for (const auto& r : s.strategies) {
        s.realized_pnl_lamports = sat_add(s.realized_pnl_lamports, r.realized_pnl_lamports);
        if (r.state == "running") {
            ++s.strategies_loaded;
        }
    }
    for (const auto& [key, p] : portfolio_.positions()) {
        PositionRow r;
        r.strategy = p.strategy;
        r.mint = p.mint;
        r.amount_atoms = p.amount_atoms;
        r.cost_lamports = p.cost_lamports;
        r.opened_ns = p.opened_ns;
        r.stop_loss_bps = p.stop_loss_bps;
        r.take_profit_bps = p.take_profit_bps;
        r.trailing_stop_bps = p.trailing_stop_bps;
        r.max_hold_ns = p.max_hold_ns;
        r.peak_value_lamports = p.peak_value_lamports;
        r.protection_exit_failed = protection_.exit_failed(key);
        if (const PoolState* pool = pools_.find(p.pool)) {
            r.value_lamports = amm::mark_value(p.amount_atoms, pool->base_reserve_atoms,
                                               pool->quote_reserve_lamports);
        }
        s.positions.push_back(std::move(r));
    }
    const auto& by_reason = risk_.rejections_by_reason();
    for (size_t i = 1; i < by_reason.size(); ++i) {
        if (by_reason[i] != 0) {
            s.rejections_by_reason[risk_reason_name(static_cast<RiskReason>(1000 + static_cast<int32_t>(i)))] =
                by_reason[i];
        }
    }
    s.protection_exits = protection_.exits_by_rule();
    s.protection_exit_failures = protection_.exit_failures();
    // Risk view (sniperctl risk).
    RiskSnapshot& rv = s.risk;
    rv.limits = risk_.limits();
    rv.breaker = breaker_.config();
    rv.breaker_tier = CircuitBreaker::tier_name(breaker_.tier());
    rv.breaker_reason = breaker_.reason();
    rv.drawdown_bps = breaker_.drawdown_bps();
    rv.equity_lamports = equity_lamports();
    rv.equity_peak_lamports = risk_inputs_.equity_peak();
    rv.breaker_peak_lamports = breaker_.peak_lamports();
    for (const auto& [name, d] : risk_inputs_.today()) {
        rv.today_realized_pnl_lamports = sat_add(rv.today_realized_pnl_lamports, d.realized_pnl_lamports);
        rv.today_fees_lamports = sat_add(rv.today_fees_lamports, d.fees_lamports);
        rv.today_by_strategy[name] = {d.realized_pnl_lamports, d.fees_lamports};
    }
    for (const auto& [name, counts] : risk_.rejections_by_strategy()) {
        for (size_t i = 1; i < counts.size(); ++i) {
            if (counts[i] != 0) {
                rv.rejections_by_strategy[name][risk_reason_name(
                    static_cast<RiskReason>(1000 + static_cast<int32_t>(i)))] = counts[i];
            }
        }
    }
    rv.approved = risk_.approved_count();
    rv.rejected = risk_.rejected_count();
    s.hung_callbacks = watchdog_.hung_callbacks();
    s.executor = executor_->name();
    s.routes = executor_->route_stats();
    board_.publish(std::move(s));
}

EngineSnapshot Engine::snapshot() const {
    return board_.get();
}

void Engine::print_status_line() {
    // Pull feeds: simulated time since the first event; push feeds: wall
    // time since the run began.
    const int64_t sim_s = wall_ ? (mono_ns() - wall_start_ns_) / kNsPerSec
                          : first_source_ns_ >= 0 ? (now_ns_ - first_source_ns_) / kNsPerSec
                                                  : 0;
    int64_t pnl = 0;
    for (const auto& [name, st] : portfolio_.all_stats()) {
        pnl = sat_add(pnl, st.realized_pnl_lamports);
    }
    std::printf("[%s %02" PRId64 ":%02" PRId64 ":%02" PRId64 "] events=%" PRIu64 " pools=%zu open=%zu "
                "intents=%" PRIu64 " fills=%" PRIu64 " rejected=%" PRIu64 " pnl=%s SOL state=%s\n",
                wall_ ? "live" : "sim", sim_s / 3600, (sim_s / 60) % 60, sim_s % 60, events_, pools_.size(),
                portfolio_.open_positions(), intents_, fills_, rejections_,
                format_sol(pnl, true).c_str(), trading_state_name(trading_state()));
    std::fflush(stdout);
}

} // namespace sniper
