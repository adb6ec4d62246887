// engine/circuit_breaker.cpp — see circuit_breaker.hpp.
#include "engine/circuit_breaker.hpp"

#include <algorithm>
#include <cstdio>

namespace sniper {

const char* CircuitBreaker::tier_name(Tier t) {
    static constexpr const char* kNames[] = {"normal", "warning", "reduce", "halt"};
    return kNames[static_cast<int>(t)];
}

std::optional<CircuitBreaker::Escalation> CircuitBreaker::observe(int64_t equity) {
    if (reset_.exchange(false, std::memory_order_acq_rel)) {
        tier_ = Tier::Normal;
        peak_ = equity;
        reason_.clear();
    }
    peak_ = std::max(peak_, equity);
    drawdown_bps_ = peak_ > 0 && equity < peak_
                        ? static_cast<uint32_t>((static_cast<__int128>(peak_ - equity) * 10000) / peak_)
                        : 0;
    if (cfg_.warning_bps == 0 && cfg_.reduce_bps == 0 && cfg_.halt_bps == 0) {
        return std::nullopt;
    }
    Tier tier = Tier::Normal;
    if (cfg_.halt_bps != 0 && drawdown_bps_ >= cfg_.halt_bps) {
        tier = Tier::Halt;
    } else if (cfg_.reduce_bps != 0 && drawdown_bps_ >= cfg_.reduce_bps) {
        tier = Tier::Reduce;
    } else if (cfg_.warning_bps != 0 && drawdown_bps_ >= cfg_.warning_bps) {
        tier = Tier::Warning;
    }
    if (tier <= tier_) {
        return std::nullopt;
    }
    tier_ = tier;
    const uint32_t limit = tier == Tier::Halt     ? cfg_.halt_bps
                           : tier == Tier::Reduce ? cfg_.reduce_bps
                                                  : cfg_.warning_bps;
    char pct[64];
    std::snprintf(pct, sizeof pct, "%.2f%% >= %.2f%%", drawdown_bps_ / 100.0, limit / 100.0);
    reason_ = std::string("circuit breaker ") + tier_name(tier) + ": drawdown " + pct + " (equity " +
              std::to_string(equity) + " lamports, peak " + std::to_string(peak_) + ")";
    return Escalation{tier, reason_};
}

} // namespace sniper
