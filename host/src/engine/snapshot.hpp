// engine/snapshot.hpp — what the engine shows other threads: the
// snapshot (status, strategies, positions, risk view, sources) and the
// board it is published on. The engine rebuilds the snapshot on its own
// thread every ~100 ms of wall time and at the end; readers (sniperctl,
// the daemon) copy it under the board's lock; a trading state change is
// written to the board at once, so whoever sees the new state sees it
// there too.
#pragma once

#include "config/config.hpp"
#include "core/types.hpp"
#include "exec/executor.hpp"
#include "feeds/feed.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sniper {

struct StrategyRow {
    std::string name, kind, file, version, build, state, last_error, hash;
    int64_t load_time_ns = 0; // wall clock
    int64_t slowest_call_ns = 0;
    uint64_t events = 0, intents = 0, errors = 0, trades = 0, wins = 0, fees_lamports = 0;
    int64_t realized_pnl_lamports = 0, max_drawdown_lamports = 0;
};

struct PositionRow {
    std::string strategy;
    Pubkey mint{};
    Pubkey pool{}; // where the host's exits sell it (a migrated coin's new pool)
    uint64_t amount_atoms = 0, cost_lamports = 0, value_lamports = 0;
    int64_t opened_ns = 0;
    // Position protection (0 = none).
    uint32_t stop_loss_bps = 0, take_profit_bps = 0, trailing_stop_bps = 0;
    int64_t max_hold_ns = 0;
    uint64_t peak_value_lamports = 0;
    bool protection_exit_failed = false; // its host exit failed every attempt
};

// What `sniperctl risk` shows.
struct RiskSnapshot {
    RiskConfig limits;               // in force (global + per-strategy overrides)
    CircuitBreakerConfig breaker;
    std::string breaker_tier = "normal"; // normal | warning | reduce | halt
    std::string breaker_reason;
    uint32_t drawdown_bps = 0;       // of equity from the breaker's peak
    int64_t equity_lamports = 0, equity_peak_lamports = 0, breaker_peak_lamports = 0;
    int64_t today_realized_pnl_lamports = 0; // UTC day of the host clock
    uint64_t today_fees_lamports = 0;
    std::map<std::string, std::pair<int64_t, uint64_t>> today_by_strategy; // (pnl, fees)
    std::map<std::string, std::map<std::string, uint64_t>> rejections_by_strategy;
    uint64_t approved = 0, rejected = 0;
};

struct EngineSnapshot {
    Mode mode = Mode::Paper;
    TradingState state = TradingState::Active;
    std::string state_reason;
    std::string feed;
    uint64_t events = 0, intents = 0, rejections = 0, fills = 0, failed_orders = 0;
    uint64_t feed_rejected_inputs = 0;
    uint64_t balance_lamports = 0;
    int64_t realized_pnl_lamports = 0;
    int64_t sim_elapsed_ns = 0;
    uint32_t strategies_loaded = 0;
    std::vector<StrategyRow> strategies;
    std::vector<PositionRow> positions;
    std::map<std::string, uint64_t> rejections_by_reason;
    // Host protection exits sent, by rule (stop_loss, take_profit,
    // trailing_stop, max_hold), and exits that failed every attempt.
    std::map<std::string, uint64_t> protection_exits;
    uint64_t protection_exit_failures = 0;
    RiskSnapshot risk;
    uint64_t hung_callbacks = 0; // strategy calls abandoned by the watchdog
    std::string executor;        // paper | live
    std::vector<RouteStats> routes; // live: landing figures per route
    std::vector<SourceStatus> sources; // push feeds: each live source's state
};

class SnapshotBoard {
  public:
    void publish(EngineSnapshot s) {
        std::lock_guard<std::mutex> lk(mu_);
        snap_ = std::move(s);
    }
    EngineSnapshot get() const {
        std::lock_guard<std::mutex> lk(mu_);
        return snap_;
    }
    void set_state(TradingState state, const std::string& reason) {
        std::lock_guard<std::mutex> lk(mu_);
        snap_.state = state;
        snap_.state_reason = reason;
    }

  private:
    mutable std::mutex mu_;
    EngineSnapshot snap_;
};

} // namespace sniper
