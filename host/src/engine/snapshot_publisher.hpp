// engine/snapshot_publisher.hpp — builds the snapshot other threads see
// (engine/snapshot.hpp) from the engine's parts and publishes it on its
// board. The engine calls publish() on its own thread (every ~100 ms of
// wall time, after a reload, a restore, a flatten and at the end) with the
// figures only it keeps; everything else is read from the parts here.
// Readers copy the snapshot from the board under its lock (get()).
#pragma once

#include "config/config.hpp"
#include "engine/circuit_breaker.hpp"
#include "engine/lane_watchdog.hpp"
#include "engine/protection.hpp"
#include "engine/risk_inputs.hpp"
#include "engine/snapshot.hpp"
#include "engine/strategy_registry.hpp"
#include "exec/executor.hpp"
#include "feeds/feed.hpp"
#include "ledger/portfolio.hpp"
#include "market/pool_book.hpp"
#include "risk/risk_gate.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sniper {

class SnapshotPublisher {
  public:
    // What the snapshot is read from; all outlive the publisher.
    struct Parts {
        const Config& cfg;
        const Feed& feed;
        const Executor& executor;
        const StrategyRegistry& registry;
        const Portfolio& portfolio;
        const PoolBook& pools;
        const RiskGate& risk;
        const RiskInputs& risk_inputs;
        const CircuitBreaker& breaker;
        const Protection& protection;
        const LaneWatchdog& watchdog;
    };
    // The figures the engine keeps itself.
    struct Counters {
        TradingState state = TradingState::Active;
        std::string state_reason;
        uint64_t events = 0, intents = 0, rejections = 0, fills = 0, failed_orders = 0;
        int64_t sim_elapsed_ns = 0; // simulated time since the first event (0 on the wall clock)
    };

    // Publishes a first, nearly empty snapshot (mode, feed, executor).
    explicit SnapshotPublisher(Parts parts);

    // Engine thread: builds the snapshot and publishes it.
    void publish(Counters counters);
    // Any thread: a trading state change, visible at once.
    void set_state(TradingState state, const std::string& reason) { board_.set_state(state, reason); }
    // Any thread: a copy of the last published snapshot.
    EngineSnapshot get() const { return board_.get(); }

    // Per strategy, then the files the loader refused (engine thread).
    std::vector<StrategyRow> strategy_rows() const;

  private:
    std::vector<PositionRow> position_rows() const;
    RiskSnapshot risk_view() const;

    Parts p_;
    SnapshotBoard board_;
};

} // namespace sniper
