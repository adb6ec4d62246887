// [runtime] (how strategies run: fault limit, callback budget, hang
// watchdog, Lua heap and JIT) with [runtime.strategy.<name>] overrides, and
// [risk.circuit_breaker] drawdown tiers.
#include "config/config.hpp"
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using sniper::test::dump;
using sniper::test::errors_of;
using sniper::test::load;
using sniper::test::only_error;

TEST_CASE("runtime limits have safe defaults", "[config][runtime]") {
    const auto r = load("");
    REQUIRE(r.config);
    const RuntimeLimits l = r.config->runtime.limits_for("anything");
    CHECK(l.max_faults == 10);
    CHECK(l.callback_budget_ns == 20'000'000);
    CHECK(l.hang_timeout_ns == 500'000'000);
    CHECK(l.lua_memory_bytes == 64ull << 20);
    CHECK(l.lua_jit);
}

TEST_CASE("runtime keys parse, and a strategy table overrides the defaults it names", "[config][runtime]") {
    const auto r = load(R"([runtime]
max_faults = 3
callback_budget = "5ms"
hang_timeout = "250ms"
lua_memory_mb = 16
lua_jit = true

[runtime.strategy.slow_lua]
lua_jit = false
callback_budget = "2ms"
)");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const RuntimeLimits g = r.config->runtime.limits_for("other");
    CHECK(g.max_faults == 3);
    CHECK(g.callback_budget_ns == 5'000'000);
    CHECK(g.hang_timeout_ns == 250'000'000);
    CHECK(g.lua_memory_bytes == 16ull << 20);
    const RuntimeLimits s = r.config->runtime.limits_for("slow_lua");
    CHECK_FALSE(s.lua_jit);
    CHECK(s.callback_budget_ns == 2'000'000);
    CHECK(s.max_faults == 3); // inherited
    CHECK(s.lua_memory_bytes == 16ull << 20);
}

TEST_CASE("runtime keys: bad values name the key and what was found", "[config][runtime][errors]") {
    CHECK(only_error(errors_of("[runtime]\nmax_faults = 0\n"), 2, "'runtime.max_faults'"));
    CHECK(only_error(errors_of("[runtime]\nhang_timeout = \"5ms\"\n"), 2,
                     "'runtime.hang_timeout' must be at least 10ms"));
    CHECK(only_error(errors_of("[runtime]\nlua_jit = \"no\"\n"), 2, "'runtime.lua_jit' must be a boolean"));
    CHECK(only_error(errors_of("[runtime]\nlua_memory_mb = 100000\n"), 2, "'runtime.lua_memory_mb'"));
    CHECK(only_error(errors_of("[runtime]\ncallback_budget = 5\n"), 2, "'runtime.callback_budget'"));
    CHECK(only_error(errors_of("[runtime.strategy.x]\nlua_jt = false\n"), 2, "unknown key 'runtime.strategy.x.lua_jt'"));
    CHECK(only_error(errors_of("[runtime.strategy.Bad-Name]\nlua_jit = false\n"), 1, "strategy name"));
}

TEST_CASE("circuit breaker tiers parse and must escalate", "[config][risk][breaker]") {
    const auto r = load(R"([risk.circuit_breaker]
warning_drawdown_pct = 5
reduce_drawdown_pct = 10.5
halt_drawdown_pct = 20
)");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const CircuitBreakerConfig& cb = r.config->risk.circuit_breaker;
    CHECK(cb.warning_bps == 500);
    CHECK(cb.reduce_bps == 1050);
    CHECK(cb.halt_bps == 2000);
    CHECK(load("").config->risk.circuit_breaker.halt_bps == 0); // off by default

    CHECK(only_error(errors_of("[risk.circuit_breaker]\nwarning_drawdown_pct = 10\nreduce_drawdown_pct = 5\n"), 3,
                     "'risk.circuit_breaker.reduce_drawdown_pct' (5) must be above "
                     "'risk.circuit_breaker.warning_drawdown_pct': tiers escalate"));
    CHECK(only_error(errors_of("[risk.circuit_breaker]\nhalt_drawdown_pct = 0\n"), 2,
                     "'risk.circuit_breaker.halt_drawdown_pct' must be"));
    CHECK(only_error(errors_of("[risk.circuit_breaker]\nhalt_pct = 20\n"), 2,
                     "unknown key 'risk.circuit_breaker.halt_pct'"));
}
