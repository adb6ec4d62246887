// core/runtime_limits.hpp — the limits one strategy runs under, from the
// config's [runtime] table and its [runtime.strategy.<name>] overrides.
// Shared by config (reads them), strategy (Lua heap cap, JIT, CPU budget)
// and engine (fault count, callback budget, hang watchdog).
#pragma once

#include <cstdint>

namespace sniper {

struct RuntimeLimits {
    uint32_t max_faults = 10;                // faults before the strategy is failed
    int64_t callback_budget_ns = 20'000'000; // a callback over this counts a fault
    int64_t hang_timeout_ns = 500'000'000;   // still running after this: abandoned, failed
    uint64_t lua_memory_bytes = 64ull << 20; // Lua heap cap (the allocator refuses past it)
    bool lua_jit = true;                     // false: interpreter only, budget enforced in-callback
};

} // namespace sniper
