#include "app/control_views.hpp"

#include "tools/tool_runner.hpp"

#include "core/json.hpp"
#include "engine/engine.hpp"

#include <map>

namespace sniper {

std::string status_json(const EngineSnapshot& s, int64_t uptime_s) {
    JsonWriter w;
    w.begin_object();
    w.kv("mode", mode_name(s.mode));
    w.kv("trading_state", trading_state_name(s.state));
    w.kv("state_reason", s.state_reason);
    w.kv("uptime_s", uptime_s);
    w.kv("events_processed", s.events);
    w.kv("strategies_loaded", static_cast<uint64_t>(s.strategies_loaded));
    w.kv("open_positions", static_cast<uint64_t>(s.positions.size()));
    w.kv("realized_pnl_lamports", s.realized_pnl_lamports);
    w.kv("balance_lamports", s.balance_lamports);
    w.kv("intents", s.intents);
    w.kv("rejections", s.rejections);
    w.kv("fills", s.fills);
    w.kv("failed_orders", s.failed_orders);
    w.kv("feed", s.feed);
    w.kv("feed_rejected_inputs", s.feed_rejected_inputs);
    w.kv("sim_time_s", s.sim_elapsed_ns / kNsPerSec);
    w.key("rejections_by_reason").begin_object();
    for (const auto& [k, v] : s.rejections_by_reason) {
        w.kv(k, v);
    }
    w.end_object();
    w.kv("executor", s.executor);
    // Live: landing figures per route (empty in paper mode).
    w.key("landing").begin_array();
    for (const RouteStats& r : s.routes) {
        w.begin_object();
        w.kv("route", r.route).kv("intents", r.intents).kv("sent", r.sent).kv("landed", r.landed);
        w.kv("failed_on_chain", r.failed).kv("expired", r.expired).kv("refused", r.refused);
        w.kv("resigns", r.resigns).kv("rebroadcasts", r.rebroadcasts).kv("late_rebroadcasts", r.late_rebroadcasts);
        w.kv("confirm_ms_p50", r.confirm_ms_p50).kv("confirm_ms_p99", r.confirm_ms_p99);
        w.kv("confirm_ms_max", r.confirm_ms_max);
        w.kv("confirm_blocks_p50", r.confirm_blocks_p50).kv("confirm_blocks_max", r.confirm_blocks_max);
        w.kv("confirm_slots_n", r.confirm_slots_n)
            .kv("confirm_slots_p50", r.confirm_slots_p50)
            .kv("confirm_slots_max", r.confirm_slots_max);
        w.end_object();
    }
    w.end_array();
    // Push feeds: each live source, its connections and what it refused.
    w.key("sources").begin_array();
    for (const SourceStatus& src : s.sources) {
        w.begin_object();
        w.kv("name", src.name).kv("state", src.state).kv("messages", src.messages);
        w.kv("events", src.events).kv("duplicates", src.duplicates).kv("rejected", src.rejected);
        w.kv("skipped", src.skipped).kv("outages", src.outages).kv("stale_marks", src.stale_marks);
        w.kv("slot_gaps", src.slot_gaps);
        w.kv("migrations_found", src.migrations_found).kv("migrations_waiting", src.migrations_waiting);
        w.kv("safety_followed", src.safety_followed).kv("safety_updates", src.safety_updates);
        w.kv("raydium_followed", src.raydium_followed);
        w.kv("last_event_age_ms", src.last_event_age_ms);
        w.key("rejected_by_reason").begin_object();
        for (const auto& [k, v] : src.rejected_by_reason) {
            w.kv(k, v);
        }
        w.end_object();
        w.key("endpoints").begin_array();
        for (const SourceStatus::Endpoint& e : src.endpoints) {
            w.begin_object();
            w.kv("url", e.url).kv("connected", e.connected).kv("connects", e.connects);
            w.kv("messages", e.messages).kv("rate_limited", e.rate_limited);
            w.kv("requests_delayed", e.requests_delayed).kv("last_error", e.last_error);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
}

std::string strategies_json(const EngineSnapshot& s) {
    JsonWriter w;
    w.begin_object().key("strategies").begin_array();
    for (const StrategyRow& r : s.strategies) {
        w.begin_object();
        w.kv("name", r.name).kv("kind", r.kind).kv("file", r.file).kv("version", r.version);
        w.kv("state", r.state).kv("events", r.events).kv("intents", r.intents).kv("errors", r.errors);
        w.kv("last_error", r.last_error).kv("trades", r.trades).kv("wins", r.wins);
        w.kv("realized_pnl_lamports", r.realized_pnl_lamports);
        w.kv("max_drawdown_lamports", r.max_drawdown_lamports);
        w.kv("fees_lamports", r.fees_lamports);
        w.kv("hash", r.hash);
        w.kv("load_time_s", r.load_time_ns / kNsPerSec);
        w.kv("build", r.build);
        w.kv("slowest_call_us", r.slowest_call_ns / 1000);
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

std::string positions_json(const EngineSnapshot& s) {
    JsonWriter w;
    w.begin_object().key("positions").begin_array();
    for (const PositionRow& p : s.positions) {
        w.begin_object();
        w.kv("strategy", p.strategy).kv("mint", to_base58(p.mint)).kv("pool", to_base58(p.pool));
        w.kv("amount_atoms", p.amount_atoms).kv("cost_lamports", p.cost_lamports);
        w.kv("value_lamports", p.value_lamports);
        w.kv("unrealized_pnl_lamports",
             static_cast<int64_t>(p.value_lamports) - static_cast<int64_t>(p.cost_lamports));
        w.kv("opened_s", static_cast<double>(p.opened_ns) / 1e9);
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

std::string pnl_json(const EngineSnapshot& s) {
    struct Acc {
        int64_t realized = 0, unrealized = 0;
        uint64_t fees = 0, trades = 0, wins = 0, open = 0;
    };
    std::map<std::string, Acc> by;
    for (const StrategyRow& r : s.strategies) {
        if (r.state == "refused") {
            continue;
        }
        Acc& a = by[r.name];
        a.realized = r.realized_pnl_lamports;
        a.fees = r.fees_lamports;
        a.trades = r.trades;
        a.wins = r.wins;
    }
    int64_t marked = 0;
    for (const PositionRow& p : s.positions) {
        Acc& a = by[p.strategy];
        a.unrealized += static_cast<int64_t>(p.value_lamports) - static_cast<int64_t>(p.cost_lamports);
        ++a.open;
        marked += static_cast<int64_t>(p.value_lamports);
    }
    Acc total;
    JsonWriter w;
    w.begin_object().key("strategies").begin_array();
    for (const auto& [name, a] : by) {
        w.begin_object().kv("name", name).kv("realized_pnl_lamports", a.realized);
        w.kv("unrealized_pnl_lamports", a.unrealized).kv("fees_lamports", a.fees);
        w.kv("trades", a.trades).kv("wins", a.wins).kv("open_positions", a.open).end_object();
        total.realized += a.realized;
        total.unrealized += a.unrealized;
        total.fees += a.fees;
    }
    w.end_array();
    w.kv("realized_pnl_lamports", total.realized).kv("unrealized_pnl_lamports", total.unrealized);
    w.kv("fees_lamports", total.fees).kv("balance_lamports", s.balance_lamports);
    w.kv("equity_lamports", static_cast<int64_t>(s.balance_lamports) + marked);
    w.end_object();
    return w.take();
}

std::string state_json(TradingState st, const std::string& reason) {
    JsonWriter w;
    w.begin_object().kv("trading_state", trading_state_name(st)).kv("reason", reason).end_object();
    return w.take();
}


namespace {

void write_limits(JsonWriter& w, const RiskLimits& l) {
    w.begin_object();
    const auto u = [&w](const char* k, const auto& v) {
        if (v) {
            w.kv(k, static_cast<uint64_t>(*v));
        }
    };
    const auto i = [&w](const char* k, const std::optional<int64_t>& v) {
        if (v) {
            w.kv(k, *v);
        }
    };
    const auto b = [&w](const char* k, const std::optional<bool>& v) {
        if (v) {
            w.kv(k, *v);
        }
    };
    u("max_order_lamports", l.max_order_lamports);
    u("max_open_positions", l.max_open_positions);
    u("max_slippage_bps", l.max_slippage_bps);
    u("max_position_lamports", l.max_position_lamports);
    u("max_exposure_lamports", l.max_exposure_lamports);
    u("max_daily_loss_lamports", l.max_daily_loss_lamports);
    u("max_drawdown_bps", l.max_drawdown_bps);
    u("max_orders_per_minute", l.max_orders_per_minute);
    u("min_liquidity_lamports", l.min_liquidity_lamports);
    u("max_fees_per_day_lamports", l.max_fees_per_day_lamports);
    b("reject_mint_authority", l.reject_mint_authority);
    b("reject_freeze_authority", l.reject_freeze_authority);
    u("min_lp_burned_bps", l.min_lp_burned_bps);
    u("max_top10_holder_bps", l.max_top10_holder_bps);
    i("loss_cooldown_ns", l.loss_cooldown_ns);
    i("max_price_age_ns", l.max_price_age_ns);
    w.end_object();
}

} // namespace

std::string risk_json(const EngineSnapshot& s) {
    const RiskSnapshot& r = s.risk;
    JsonWriter w;
    w.begin_object();
    w.kv("trading_state", trading_state_name(s.state)).kv("state_reason", s.state_reason);
    w.key("circuit_breaker").begin_object();
    w.kv("tier", r.breaker_tier).kv("reason", r.breaker_reason);
    w.kv("drawdown_bps", static_cast<uint64_t>(r.drawdown_bps));
    w.kv("equity_lamports", r.equity_lamports).kv("peak_lamports", r.breaker_peak_lamports);
    w.kv("warning_bps", static_cast<uint64_t>(r.breaker.warning_bps));
    w.kv("reduce_bps", static_cast<uint64_t>(r.breaker.reduce_bps));
    w.kv("halt_bps", static_cast<uint64_t>(r.breaker.halt_bps));
    w.end_object();
    w.kv("equity_peak_lamports", r.equity_peak_lamports);
    w.key("today").begin_object();
    w.kv("realized_pnl_lamports", r.today_realized_pnl_lamports).kv("fees_lamports", r.today_fees_lamports);
    w.key("by_strategy").begin_object();
    for (const auto& [name, t] : r.today_by_strategy) {
        w.key(name).begin_object().kv("realized_pnl_lamports", t.first).kv("fees_lamports", t.second).end_object();
    }
    w.end_object().end_object();
    w.key("limits");
    write_limits(w, r.limits.global_limits());
    if (r.limits.max_orders_per_minute_total) {
        w.kv("max_orders_per_minute_total", static_cast<uint64_t>(*r.limits.max_orders_per_minute_total));
    }
    w.key("overrides").begin_object();
    for (const auto& [name, l] : r.limits.strategy) {
        w.key(name);
        write_limits(w, l);
    }
    w.end_object();
    w.kv("approved", r.approved).kv("rejected", r.rejected);
    w.key("rejections_by_reason").begin_object();
    for (const auto& [k, v] : s.rejections_by_reason) {
        w.kv(k, v);
    }
    w.end_object();
    w.key("rejections_by_strategy").begin_object();
    for (const auto& [name, m] : r.rejections_by_strategy) {
        w.key(name).begin_object();
        for (const auto& [k, v] : m) {
            w.kv(k, v);
        }
        w.end_object();
    }
    w.end_object();
    w.end_object();
    return w.take();
}

std::string tools_json(const std::vector<tools::ToolStats>& stats) {
    JsonWriter w;
    w.begin_object().key("tools").begin_array();
    for (const tools::ToolStats& t : stats) {
        w.begin_object();
        w.kv("name", t.name).kv("state", t.state).kv("mode", t.mode);
        w.kv("workers", static_cast<uint64_t>(t.workers)).kv("workers_alive", static_cast<uint64_t>(t.workers_alive));
        w.kv("in_flight", static_cast<uint64_t>(t.in_flight)).kv("calls", t.calls).kv("ok", t.ok);
        w.key("errors").begin_object();
        w.kv("tool_error", t.tool_errors).kv("queue_full", t.queue_full).kv("timeout", t.timeouts);
        w.kv("crashed", t.crashed).kv("bad_response", t.bad_response).kv("spawn_failed", t.spawn_failed);
        w.kv("bad_input", t.bad_input).kv("shutdown", t.shutdown);
        w.end_object();
        w.kv("timeouts", t.timeouts).kv("restarts", t.restarts);
        w.kv("p50_latency_ns", t.p50_latency_ns).kv("p99_latency_ns", t.p99_latency_ns);
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

} // namespace sniper
