// app/control_views.hpp — the engine's published snapshot as the JSON
// objects the control socket answers with (status, strategies, positions,
// pnl, risk, trading state). Pure functions of a snapshot: no engine
// access, no locks, so the control thread answers while the event path is
// busy or stuck.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sniper {

struct EngineSnapshot;
namespace tools {
struct ToolStats;
}

std::string status_json(const EngineSnapshot& s, int64_t uptime_s);
std::string strategies_json(const EngineSnapshot& s);
std::string positions_json(const EngineSnapshot& s);
std::string pnl_json(const EngineSnapshot& s);
std::string risk_json(const EngineSnapshot& s);
std::string state_json(TradingState st, const std::string& reason);
std::string tools_json(const std::vector<tools::ToolStats>& stats);

} // namespace sniper
