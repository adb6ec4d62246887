// engine/engine_protection.cpp — what the host does on its own: position
// protection (stop loss, take profit, trailing stop, max hold), kill
// --flatten, the host exits both send, and the drawdown circuit breaker.
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

size_t Engine::flatten_all(const std::string& reason) {
    // Exits go through the risk gate like any intent (REDUCING lets them
    // pass); they are the host's, so strategies see order updates for
    // intents they never submitted (client_tag 0).
    flatten_reason_ = reason;
    flattening_ = true;
    std::vector<std::pair<std::string, Position>> todo;
    for (const auto& [key, p] : portfolio_.positions()) {
        todo.emplace_back(key.first, p);
    }
    size_t sent = 0;
    for (const auto& [strategy, pos] : todo) {
        sent += send_flatten_exit(strategy, pos.mint, pos.pool, 1) ? 1 : 0;
    }
    finish_flatten_if_done();
    log::warn("engine", "flattening every position, then HALTED",
              {{"orders", static_cast<uint64_t>(sent)}, {"reason", reason}});
    drain_deliveries();
    return sent;
}

void Engine::finish_flatten_if_done() {
    if (!flattening_ || !flatten_orders_.empty()) {
        return;
    }
    bool buy_in_flight = false;
    orders_.each([&](const Order& o) { buy_in_flight = buy_in_flight || o.side == SNP_SIDE_BUY; });
    if (buy_in_flight) {
        return; // a buy sent before the flatten: exit it when it lands
    }
    flattening_ = false;
    publish_snapshot(); // whoever sees HALTED must also see the positions gone
    std::string err;
    set_trading_state(TradingState::Halted, flatten_reason_ + " (flattened)", "sniperctl", &err);
}

uint64_t Engine::send_host_exit(const std::string& strategy, const Pubkey& mint, const Pubkey& pool,
                                std::string reason) {
    // The host's own SELL_ALL: through the risk gate like any intent.
    PendingIntent p;
    p.intent.struct_size = sizeof(snp_intent);
    p.intent.side = SNP_SIDE_SELL;
    p.intent.mint = mint;
    p.intent.pool = pool;
    p.intent.flags = SNP_INTENT_SELL_ALL;
    p.intent.max_slippage_bps = 10000;
    p.reason = std::move(reason);
    p.intent_id = next_intent_id_++;
    const size_t before = orders_.size();
    decide_intent(strategy, strategy_index_of(strategy), p);
    return orders_.size() == before ? 0 : p.intent_id; // 0: refused, nothing in flight
}

bool Engine::send_flatten_exit(const std::string& strategy, const Pubkey& mint, const Pubkey& pool,
                               uint32_t attempt) {
    const uint64_t id = send_host_exit(strategy, mint, pool, "flatten: " + flatten_reason_);
    if (id == 0) {
        return false; // refused (e.g. HALTED meanwhile)
    }
    flatten_orders_[id] = FlattenExit{strategy, mint, pool, attempt};
    return true;
}

// ------------------------------------------------------ position protection

uint32_t Engine::strategy_index_of(const std::string& strategy) const {
    for (const auto& s : strategies_) {
        if (s->name() == strategy) {
            return s->index();
        }
    }
    return UINT32_MAX;
}

void Engine::set_protection(const Order& o) {
    Position* pos = portfolio_.find_mut(o.strategy, o.mint);
    if (pos == nullptr) {
        return;
    }
    // Intent value > 0: that value; 0: the [protection] default; < 0: none.
    const auto pick = [](int32_t v, const std::optional<uint32_t>& def) -> uint32_t {
        return v > 0 ? static_cast<uint32_t>(v) : v < 0 ? 0u : def.value_or(0u);
    };
    pos->stop_loss_bps = pick(o.stop_loss_bps, protection_.stop_loss_bps);
    pos->take_profit_bps = pick(o.take_profit_bps, protection_.take_profit_bps);
    pos->trailing_stop_bps = pick(o.trailing_stop_bps, protection_.trailing_stop_bps);
    pos->max_hold_ns = o.max_hold_ns > 0 ? o.max_hold_ns
                       : o.max_hold_ns < 0 ? 0
                                           : protection_.max_hold_ns.value_or(0);
    if (const PoolState* pool = pools_.find(pos->pool)) {
        pos->peak_value_lamports = std::max<uint64_t>(
            pos->peak_value_lamports,
            amm::mark_value(pos->amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports));
    }
    protect_state_.erase({o.strategy, o.mint}); // new limits: a fresh start
}

void Engine::check_protection_pool(const Pubkey& pool) {
    std::vector<std::pair<std::string, Pubkey>> keys;
    for (const auto& [key, p] : portfolio_.positions()) {
        if (p.pool == pool && p.protected_any()) {
            keys.push_back(key);
        }
    }
    for (const auto& [strategy, mint] : keys) {
        check_protection(strategy, mint);
    }
}

void Engine::check_protection_all() {
    std::vector<std::pair<std::string, Pubkey>> keys;
    for (const auto& [key, p] : portfolio_.positions()) {
        if (p.protected_any()) {
            keys.push_back(key);
        }
    }
    for (const auto& [strategy, mint] : keys) {
        check_protection(strategy, mint);
    }
}

void Engine::check_protection(const std::string& strategy, const Pubkey& mint) {
    if (flattening_) {
        return; // kill --flatten is exiting everything already
    }
    Position* p = portfolio_.find_mut(strategy, mint);
    if (p == nullptr || p->amount_atoms == 0 || !p->protected_any()) {
        return;
    }
    uint64_t value = 0;
    const PoolState* pool = pools_.find(p->pool);
    if (pool != nullptr) {
        value = amm::mark_value(p->amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports);
        p->peak_value_lamports = std::max(p->peak_value_lamports, value);
    }
    for (const auto& [id, x] : protect_orders_) {
        if (x.strategy == strategy && x.mint == mint) {
            return; // one exit in flight per position
        }
    }
    const auto key = std::make_pair(strategy, mint);
    auto st = protect_state_.find(key);
    if (st != protect_state_.end() && now_ns_ < st->second.retry_at_ns &&
        (st->second.failed || st->second.refused_state == host_trading_state())) {
        return; // backing off: no resend on every event
    }
    using u128 = unsigned __int128;
    const auto scaled = [](uint64_t base, uint64_t num) {
        const u128 v = static_cast<u128>(base) * num / 10000u;
        return v > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(v);
    };
    const char* rule = nullptr;
    if (pool != nullptr) {
        if (p->stop_loss_bps != 0 &&
            value <= scaled(p->cost_lamports, 10000u - std::min<uint32_t>(p->stop_loss_bps, 10000u))) {
            rule = "stop_loss";
        } else if (p->trailing_stop_bps != 0 && p->peak_value_lamports > 0 &&
                   value <= scaled(p->peak_value_lamports,
                                   10000u - std::min<uint32_t>(p->trailing_stop_bps, 10000u))) {
            rule = "trailing_stop";
        } else if (p->take_profit_bps != 0 &&
                   value >= scaled(p->cost_lamports, 10000ull + p->take_profit_bps)) {
            rule = "take_profit";
        }
    }
    if (rule == nullptr && p->max_hold_ns != 0 && now_ns_ - p->opened_ns >= p->max_hold_ns) {
        rule = "max_hold";
    }
    if (rule == nullptr) {
        return;
    }
    ProtectState& ps = protect_state_[key];
    if (!ps.logged) {
        ps.logged = true;
        ++protection_exits_[rule];
        log::warn("protection", "position protection triggered: exiting",
                  {{"strategy", strategy}, {"mint", to_base58(mint)}, {"rule", rule},
                   {"value_lamports", value}, {"cost_lamports", p->cost_lamports},
                   {"peak_lamports", p->peak_value_lamports},
                   {"held_ns", static_cast<uint64_t>(std::max<int64_t>(0, now_ns_ - p->opened_ns))}});
    }
    // After every attempt failed: one attempt per retry period.
    send_protection_exit(strategy, mint, p->pool, rule, ps.failed ? 3 : 1);
}

bool Engine::send_protection_exit(const std::string& strategy, const Pubkey& mint, const Pubkey& pool,
                                  const std::string& rule, uint32_t attempt) {
    constexpr int64_t kBackoffNs = 60 * kNsPerSec;
    const uint64_t id = send_host_exit(strategy, mint, pool, "protection: " + rule);
    if (id == 0) {
        // Refused (HALTED, an order of the strategy in flight, ...): wait
        // for the state to change or the back-off to pass.
        ProtectState& ps = protect_state_[{strategy, mint}];
        ps.retry_at_ns = now_ns_ + kBackoffNs;
        ps.refused_state = host_trading_state();
        return false;
    }
    protect_orders_[id] = ProtectExit{strategy, mint, pool, rule, attempt};
    return true;
}

void Engine::sample_equity() {
    if (store_ == nullptr) {
        return;
    }
    EquitySampleRecord r;
    r.ts_ns = now_ns_;
    r.equity_lamports = equity_lamports();
    r.balance_lamports = portfolio_.balance_lamports();
    __int128 realized = 0;
    for (const auto& [name, st] : portfolio_.all_stats()) {
        realized += st.realized_pnl_lamports;
    }
    r.realized_pnl_lamports = sat_i64(realized);
    __int128 cost = 0;
    for (const auto& [key, p] : portfolio_.positions()) {
        cost += p.cost_lamports;
    }
    r.unrealized_pnl_lamports = sat_i64(static_cast<__int128>(r.equity_lamports) - r.balance_lamports -
                                        orders_.reserved_lamports() - cost);
    r.open_positions = static_cast<uint32_t>(portfolio_.open_positions());
    store_->append(r);
}

// The circuit breaker: drawdown of marked equity from its peak (since the
// last resume) moves the trading state by tier. It only escalates.
void Engine::check_breaker() {
    const CircuitBreakerConfig& cb = risk_cfg_breaker_;
    const int64_t equity = equity_lamports();
    if (breaker_reset_.exchange(false, std::memory_order_acq_rel)) {
        breaker_tier_ = BreakerTier::Normal;
        breaker_peak_ = equity;
        breaker_reason_.clear();
    }
    equity_peak_ = std::max(equity_peak_, equity);
    breaker_peak_ = std::max(breaker_peak_, equity);
    breaker_drawdown_bps_ =
        breaker_peak_ > 0 && equity < breaker_peak_
            ? static_cast<uint32_t>((static_cast<__int128>(breaker_peak_ - equity) * 10000) / breaker_peak_)
            : 0;
    if (cb.warning_bps == 0 && cb.reduce_bps == 0 && cb.halt_bps == 0) {
        return;
    }
    BreakerTier tier = BreakerTier::Normal;
    if (cb.halt_bps != 0 && breaker_drawdown_bps_ >= cb.halt_bps) {
        tier = BreakerTier::Halt;
    } else if (cb.reduce_bps != 0 && breaker_drawdown_bps_ >= cb.reduce_bps) {
        tier = BreakerTier::Reduce;
    } else if (cb.warning_bps != 0 && breaker_drawdown_bps_ >= cb.warning_bps) {
        tier = BreakerTier::Warning;
    }
    if (tier <= breaker_tier_) {
        return;
    }
    breaker_tier_ = tier;
    const char* names[] = {"normal", "warning", "reduce", "halt"};
    const uint32_t limit = tier == BreakerTier::Halt ? cb.halt_bps : tier == BreakerTier::Reduce ? cb.reduce_bps : cb.warning_bps;
    char pct[64];
    std::snprintf(pct, sizeof pct, "%.2f%% >= %.2f%%", breaker_drawdown_bps_ / 100.0, limit / 100.0);
    breaker_reason_ = std::string("circuit breaker ") + names[static_cast<int>(tier)] + ": drawdown " + pct +
                      " (equity " + std::to_string(equity) + " lamports, peak " + std::to_string(breaker_peak_) + ")";
    std::string err;
    if (tier == BreakerTier::Warning) {
        log::warn("risk", "circuit breaker warning: entries at half size", {{"reason", breaker_reason_}});
        if (store_ != nullptr) {
            store_->append(AuditRecord{wall_ns(), "circuit_breaker", "warning", breaker_reason_});
        }
    } else if (tier == BreakerTier::Reduce) {
        if (trading_state() == TradingState::Active) {
            set_trading_state(TradingState::Reducing, breaker_reason_, "circuit_breaker", &err);
        }
        log::error("risk", "circuit breaker: REDUCING, exits only", {{"reason", breaker_reason_}});
    } else {
        if (trading_state() != TradingState::Halted) {
            set_trading_state(TradingState::Halted, breaker_reason_, "circuit_breaker", &err);
        }
        log::error("risk", "circuit breaker: HALTED", {{"reason", breaker_reason_}});
    }
}

} // namespace sniper
