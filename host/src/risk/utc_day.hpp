// risk/utc_day.hpp — the UTC calendar day a timestamp falls in, for the
// daily limits (max_daily_loss_sol, max_fees_per_day_sol). The host sums
// realized PnL and fees per utc_day(now_ns); the gate only compares the
// figures it is given.
#pragma once

#include <cstdint>

namespace sniper {

constexpr int64_t kNsPerUtcDay = 86'400LL * 1'000'000'000LL;

// Days since 1970-01-01 (UTC) for a time in ns since the Unix epoch. Floor
// division, so a time before the epoch belongs to day -1, not day 0. UTC
// days are exactly 86,400 s: Unix time has no leap seconds.
constexpr int64_t utc_day(int64_t ns) {
    const int64_t q = ns / kNsPerUtcDay;
    return (ns % kNsPerUtcDay < 0) ? q - 1 : q;
}

} // namespace sniper
