// engine/engine_protection.cpp — the engine's side of what the host does on
// its own: kill --flatten (Flatten) and position protection (Protection)
// send host exits (HostExits) through the engine's risk gate; the circuit
// breaker (CircuitBreaker) decides and the engine changes the trading
// state; equity samples for the journal.
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
    const size_t sent = flatten_.begin(reason);
    finish_flatten_if_done();
    log::warn("engine", "flattening every position, then HALTED",
              {{"orders", static_cast<uint64_t>(sent)}, {"reason", reason}});
    drain_deliveries();
    return sent;
}

void Engine::finish_flatten_if_done() {
    if (!flatten_.finish_if_done()) {
        return;
    }
    publish_snapshot(); // whoever sees HALTED must also see the positions gone
    std::string err;
    set_trading_state(TradingState::Halted, flatten_.reason() + " (flattened)", "sniperctl", &err);
}

uint64_t Engine::submit_host_exit(const std::string& strategy, const snp_intent& intent, std::string reason) {
    PendingIntent p;
    p.intent = intent;
    p.reason = std::move(reason);
    p.intent_id = next_intent_id_++;
    const size_t before = orders_.size();
    decide_intent(strategy, registry_.index_of(strategy), p);
    return orders_.size() == before ? 0 : p.intent_id; // 0: refused, nothing in flight
}

void Engine::check_protection_pool(const Pubkey& pool) {
    if (!flatten_.active()) { // kill --flatten is exiting everything already
        protection_.check_pool(pool, now_ns_);
    }
}

void Engine::check_protection_all() {
    if (!flatten_.active()) {
        protection_.check_all(now_ns_);
    }
}

void Engine::follow_migration(const snp_ev_new_pool& np) {
    std::vector<std::pair<std::string, Pubkey>> moved;
    for (const auto& [key, p] : portfolio_.positions()) {
        if (p.mint == np.base_mint && p.amount_atoms > 0 && p.pool != np.pool) {
            const PoolState* from = pools_.find(p.pool);
            if (from != nullptr && from->complete) {
                moved.push_back(key);
            }
        }
    }
    for (const auto& [strategy, mint] : moved) {
        Position* p = portfolio_.find_mut(strategy, mint);
        const Pubkey curve = p->pool;
        p->pool = np.pool;
        journal_position(strategy, mint, np.pool);
        log::info("engine", "a held coin migrated: its position follows it from the completed curve to the new pool",
                  {{"strategy", strategy},
                   {"mint", to_base58(mint)},
                   {"curve", to_base58(curve)},
                   {"pool", to_base58(np.pool)}});
    }
}

void Engine::adopt_held_pool(const Pubkey& pool, const Pubkey& mint) {
    for (const auto& [key, p] : portfolio_.positions()) {
        if (p.pool == pool && p.mint == mint && p.amount_atoms > 0) {
            pools_.adopt(pool, mint, p.pool_fee_bps, p.base_decimals);
            const bool known = pools_.find(pool)->facts_known;
            log::info("engine",
                      known ? "a held pool from before the restart is known again (from its source's events; its "
                              "safety facts unknown until measured, its fee and decimals as journaled)"
                            : "a held pool from before the restart is known again (from its source's events; its "
                              "safety facts unknown until measured; its fee assumed and its decimals unknown: "
                              "the journal row predates them)",
                      {{"pool", to_base58(pool)}, {"mint", to_base58(mint)}, {"strategy", key.first}});
            return;
        }
    }
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

// The circuit breaker decides on marked equity; the engine acts on its
// escalations (trading state, log, audit).
void Engine::check_breaker() {
    const int64_t equity = equity_lamports();
    risk_inputs_.note_equity(equity);
    const std::optional<CircuitBreaker::Escalation> up = breaker_.observe(equity);
    if (!up) {
        return;
    }
    std::string err;
    if (up->tier == CircuitBreaker::Tier::Warning) {
        log::warn("risk", "circuit breaker warning: entries at half size", {{"reason", up->reason}});
        if (store_ != nullptr) {
            store_->append(AuditRecord{wall_ns(), "circuit_breaker", "warning", up->reason});
        }
    } else if (up->tier == CircuitBreaker::Tier::Reduce) {
        if (trading_state() == TradingState::Active) {
            set_trading_state(TradingState::Reducing, up->reason, "circuit_breaker", &err);
        }
        log::error("risk", "circuit breaker: REDUCING, exits only", {{"reason", up->reason}});
    } else {
        if (trading_state() != TradingState::Halted) {
            set_trading_state(TradingState::Halted, up->reason, "circuit_breaker", &err);
        }
        log::error("risk", "circuit breaker: HALTED", {{"reason", up->reason}});
    }
}

} // namespace sniper
