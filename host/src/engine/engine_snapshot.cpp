// engine/engine_snapshot.cpp — what other threads see: the engine's own
// figures handed to the SnapshotPublisher (engine/snapshot_publisher.hpp),
// and the status line.
#include "engine/engine.hpp"

#include "core/clock.hpp"

#include <cinttypes>

namespace sniper {

std::vector<StrategyRow> Engine::strategy_rows() const {
    return snapshots_.strategy_rows();
}

void Engine::publish_snapshot() {
    SnapshotPublisher::Counters c;
    c.state = trading_state();
    {
        std::lock_guard<std::mutex> lk(state_mu_);
        c.state_reason = state_reason_;
    }
    c.events = events_;
    c.intents = intents_;
    c.rejections = rejections_;
    c.fills = fills_;
    c.failed_orders = failed_orders_;
    c.sim_elapsed_ns = first_source_ns_ >= 0 ? now_ns_ - first_source_ns_ : 0;
    snapshots_.publish(std::move(c));
}

EngineSnapshot Engine::snapshot() const {
    return snapshots_.get();
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
