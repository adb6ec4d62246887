// [risk] limits and [risk.strategy.<name>] overrides: parsing, exact unit
// conversion, ranges, and the rule that an override may only tighten.
#include "config/config.hpp"
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using sniper::test::dump;
using sniper::test::errors_of;
using sniper::test::load;
using sniper::test::only_error;

TEST_CASE("risk limits are absent by default: no limit", "[config][risk]") {
    const auto r = load("");
    REQUIRE(r.config);
    const RiskConfig& k = r.config->risk;
    CHECK_FALSE(k.max_position_lamports);
    CHECK_FALSE(k.max_exposure_lamports);
    CHECK_FALSE(k.max_daily_loss_lamports);
    CHECK_FALSE(k.max_drawdown_bps);
    CHECK_FALSE(k.max_orders_per_minute);
    CHECK_FALSE(k.max_orders_per_minute_total);
    CHECK_FALSE(k.min_liquidity_lamports);
    CHECK_FALSE(k.max_fees_per_day_lamports);
    CHECK_FALSE(k.reject_mint_authority);
    CHECK_FALSE(k.reject_freeze_authority);
    CHECK(k.refuse_unknown_safety);
    CHECK(k.global_limits().refuse_unknown_safety == true);
    CHECK_FALSE(k.min_lp_burned_bps);
    CHECK_FALSE(k.max_top10_holder_bps);
    CHECK_FALSE(k.loss_cooldown_ns);
    CHECK_FALSE(k.max_price_age_ns);
    CHECK(k.strategy.empty());
}

TEST_CASE("every risk key parses and converts exactly", "[config][risk]") {
    const auto r = load(R"([risk]
max_order_sol = 0.3
max_open_positions = 7
max_slippage_bps = 800
max_position_sol = 0.1
max_exposure_sol = 2.7
max_daily_loss_sol = 1
max_drawdown_pct = 12.34
max_orders_per_minute = 100
max_orders_per_minute_total = 250
min_liquidity_sol = 7.5
max_fees_per_day_sol = 0.000000001
reject_mint_authority = true
reject_freeze_authority = false
refuse_unknown_safety = false
min_lp_burned_pct = 90
max_top10_holder_pct = 35.5
loss_cooldown = "15m"
max_price_age = "1.5s"

[risk.strategy.sniper]
max_order_sol = 0.2
max_open_positions = 3
max_slippage_bps = 500
max_position_sol = 0.05
max_exposure_sol = 1
max_daily_loss_sol = 0.5
max_drawdown_pct = 10
max_orders_per_minute = 5
min_liquidity_sol = 10
max_fees_per_day_sol = 0.000000001
reject_mint_authority = true
reject_freeze_authority = true
refuse_unknown_safety = true
min_lp_burned_pct = 99.99
max_top10_holder_pct = 20
loss_cooldown = "1h"
max_price_age = "250ms"

[risk.strategy.momentum]
min_liquidity_sol = 30
)");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const RiskConfig& k = r.config->risk;
    CHECK(k.max_order_lamports == 300'000'000);
    CHECK(k.max_open_positions == 7);
    CHECK(k.max_slippage_bps == 800);
    CHECK(k.max_position_lamports == 100'000'000u);
    CHECK(k.max_exposure_lamports == 2'700'000'000u);
    CHECK(k.max_daily_loss_lamports == 1'000'000'000u);
    CHECK(k.max_drawdown_bps == 1234u);
    CHECK(k.max_orders_per_minute == 100u);
    CHECK(k.max_orders_per_minute_total == 250u);
    CHECK(k.min_liquidity_lamports == 7'500'000'000u);
    CHECK(k.max_fees_per_day_lamports == 1u);
    CHECK(k.reject_mint_authority);
    CHECK_FALSE(k.reject_freeze_authority);
    CHECK_FALSE(k.refuse_unknown_safety);
    CHECK(k.min_lp_burned_bps == 9000u);
    CHECK(k.max_top10_holder_bps == 3550u);
    CHECK(k.loss_cooldown_ns == 15 * 60 * kNsPerSec);
    CHECK(k.max_price_age_ns == 1'500'000'000);

    REQUIRE(k.strategy.size() == 2);
    const RiskLimits& s = k.strategy.at("sniper");
    CHECK(s.max_order_lamports == 200'000'000u);
    CHECK(s.max_open_positions == 3u);
    CHECK(s.max_slippage_bps == 500u);
    CHECK(s.max_position_lamports == 50'000'000u);
    CHECK(s.max_exposure_lamports == kLamportsPerSol);
    CHECK(s.max_daily_loss_lamports == 500'000'000u);
    CHECK(s.max_drawdown_bps == 1000u);
    CHECK(s.max_orders_per_minute == 5u);
    CHECK(s.min_liquidity_lamports == 10 * kLamportsPerSol);
    CHECK(s.max_fees_per_day_lamports == 1u);
    CHECK(s.reject_mint_authority == true);
    CHECK(s.reject_freeze_authority == true);
    CHECK(s.refuse_unknown_safety == true);
    CHECK(k.limits_for("sniper").refuse_unknown_safety == true);   // the override tightens
    CHECK(k.limits_for("momentum").refuse_unknown_safety == false); // the [risk] value
    CHECK(s.min_lp_burned_bps == 9999u);
    CHECK(s.max_top10_holder_bps == 2000u);
    CHECK(s.loss_cooldown_ns == 3600 * kNsPerSec);
    CHECK(s.max_price_age_ns == 250 * kNsPerMs);

    const RiskLimits& m = k.strategy.at("momentum");
    CHECK(m.min_liquidity_lamports == 30 * kLamportsPerSol);
    CHECK_FALSE(m.max_order_lamports);
    CHECK_FALSE(m.reject_mint_authority);

    // What the gate applies: the tighter value, the rest from [risk].
    const RiskLimits eff = k.limits_for("momentum");
    CHECK(eff.min_liquidity_lamports == 30 * kLamportsPerSol);
    CHECK(eff.max_order_lamports == 300'000'000u);
    CHECK(eff.reject_mint_authority == true);
    CHECK(eff.loss_cooldown_ns == 15 * 60 * kNsPerSec);
    CHECK(k.limits_for("unknown").max_slippage_bps == 800u);
}

TEST_CASE("an override without a global value is any value", "[config][risk]") {
    const auto r = load("[risk.strategy.s]\nmax_exposure_sol = 100\nloss_cooldown = \"0s\"\n");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->risk.strategy.at("s").max_exposure_lamports == 100 * kLamportsPerSol);
    CHECK(r.config->risk.strategy.at("s").loss_cooldown_ns == 0);
}

TEST_CASE("an override equal to the global value is allowed", "[config][risk]") {
    const auto r =
        load("[risk]\nmax_exposure_sol = 3\nreject_freeze_authority = true\n"
             "[risk.strategy.s]\nmax_exposure_sol = 3.0\nreject_freeze_authority = true\n");
    INFO(dump(r.errors));
    CHECK(r.config);
}

TEST_CASE("a looser override is an error naming both values", "[config][risk][errors]") {
    SECTION("cap above the global cap") {
        const auto e = errors_of("[risk]\nmax_exposure_sol = 3\n[risk.strategy.s]\n"
                                 "max_exposure_sol = 3.5\n");
        INFO(dump(e));
        REQUIRE(only_error(e, 4,
                           "'risk.strategy.s.max_exposure_sol' (3.5) is looser than "
                           "'risk.max_exposure_sol' (3)"));
        CHECK(e[0].column == 20);
        CHECK(e[0].to_string().rfind("/cfg/test.toml:4:20: ", 0) == 0);
    }
    SECTION("above a default of the three always-on limits") {
        const auto e = errors_of("[risk.strategy.s]\nmax_order_sol = 1\n");
        INFO(dump(e));
        CHECK(only_error(e, 2,
                         "'risk.strategy.s.max_order_sol' (1) is looser than "
                         "'risk.max_order_sol' (0.5)"));
    }
    SECTION("floor below the global floor") {
        const auto e = errors_of("[risk]\nmin_lp_burned_pct = 90\n[risk.strategy.s]\n"
                                 "min_lp_burned_pct = 80\n");
        INFO(dump(e));
        CHECK(only_error(e, 4, "(80) is looser than 'risk.min_lp_burned_pct' (90)"));
    }
    SECTION("a safety gate turned off") {
        const auto e = errors_of("[risk]\nreject_mint_authority = true\n[risk.strategy.s]\n"
                                 "reject_mint_authority = false\n");
        INFO(dump(e));
        CHECK(only_error(e, 4, "(false) is looser than 'risk.reject_mint_authority' (true)"));
    }
    SECTION("a shorter loss cooldown, a longer price age") {
        const auto e = errors_of("[risk]\nloss_cooldown = \"15m\"\nmax_price_age = \"30s\"\n"
                                 "[risk.strategy.s]\nloss_cooldown = \"10m\"\n"
                                 "max_price_age = \"1m\"\n");
        INFO(dump(e));
        REQUIRE(e.size() == 2);
        CHECK(e[0].line == 5);
        CHECK(e[0].message.find("(\"10m\") is looser than 'risk.loss_cooldown' (\"15m\")") !=
              std::string::npos);
        CHECK(e[1].line == 6);
        CHECK(e[1].message.find("(\"1m\") is looser than 'risk.max_price_age' (\"30s\")") !=
              std::string::npos);
    }
    SECTION("rate and percent") {
        const auto e = errors_of("[risk]\nmax_orders_per_minute = 60\nmax_drawdown_pct = 20\n"
                                 "[risk.strategy.s]\nmax_orders_per_minute = 61\n"
                                 "max_drawdown_pct = 20.5\n");
        INFO(dump(e));
        REQUIRE(e.size() == 2);
        CHECK(e[0].message.find("(61) is looser than 'risk.max_orders_per_minute' (60)") !=
              std::string::npos);
        CHECK(e[1].message.find("(20.5) is looser than 'risk.max_drawdown_pct' (20)") !=
              std::string::npos);
    }
}

TEST_CASE("risk keys: wrong types and ranges name the key", "[config][risk][errors]") {
    CHECK(only_error(errors_of("[risk]\nmax_exposure_sol = \"3\"\n"), 2,
                     "'risk.max_exposure_sol' must be a number, found string \"3\""));
    CHECK(only_error(errors_of("[risk]\nmax_position_sol = 0\n"), 2,
                     "'risk.max_position_sol' must be > 0"));
    CHECK(only_error(errors_of("[risk]\nmax_daily_loss_sol = -1\n"), 2, "max_daily_loss_sol"));
    CHECK(only_error(errors_of("[risk]\nmax_drawdown_pct = 0\n"), 2,
                     "'risk.max_drawdown_pct' must be between 0.01 and 100, found 0"));
    CHECK(only_error(errors_of("[risk]\nmax_drawdown_pct = 100.5\n"), 2,
                     "'risk.max_drawdown_pct' must be between 0.01 and 100, found 100.5"));
    CHECK(only_error(errors_of("[risk]\nmin_lp_burned_pct = nan\n"), 2,
                     "'risk.min_lp_burned_pct' must be a finite number"));
    CHECK(only_error(errors_of("[risk]\nmax_top10_holder_pct = 101\n"), 2,
                     "'risk.max_top10_holder_pct' must be between 0 and 100, found 101"));
    CHECK(only_error(errors_of("[risk]\nmax_orders_per_minute = 0\n"), 2,
                     "'risk.max_orders_per_minute' must be between 1 and 1000000, found 0"));
    CHECK(only_error(errors_of("[risk]\nmax_orders_per_minute = 1.5\n"), 2,
                     "'risk.max_orders_per_minute' must be an integer, found float 1.5"));
    CHECK(only_error(errors_of("[risk]\nmax_orders_per_minute_total = -3\n"), 2,
                     "'risk.max_orders_per_minute_total' must be between 1 and 1000000"));
    CHECK(only_error(errors_of("[risk]\nreject_freeze_authority = \"yes\"\n"), 2,
                     "'risk.reject_freeze_authority' must be a boolean"));
    CHECK(only_error(errors_of("[risk]\nmax_price_age = \"0s\"\n"), 2,
                     "'risk.max_price_age' must be > 0"));
    CHECK(only_error(errors_of("[risk]\nloss_cooldown = 15\n"), 2,
                     "'risk.loss_cooldown' must be a duration like"));
    CHECK(only_error(errors_of("[risk]\nmin_liquidity_sol = inf\n"), 2,
                     "'risk.min_liquidity_sol' must be a finite number"));
    CHECK(only_error(errors_of("[risk]\nmax_fees_per_day_sol = true\n"), 2,
                     "'risk.max_fees_per_day_sol' must be a number, found boolean true"));
    CHECK(only_error(errors_of("[risk.strategy.s]\nmax_orders_per_minute_total = 5\n"), 2,
                     "unknown key 'risk.strategy.s.max_orders_per_minute_total'"));
    CHECK(only_error(errors_of("[risk.strategy.s]\nmax_exposur_sol = 5\n"), 2,
                     "did you mean 'max_exposure_sol'?"));
    CHECK(only_error(errors_of("[risk.strategy.Bad]\nmax_order_sol = 0.1\n"), 1,
                     "strategy name \"Bad\" is invalid"));
    CHECK(only_error(errors_of("[risk]\nstrategy = 3\n"), 2,
                     "'risk.strategy' must be a table, found integer 3"));
    CHECK(only_error(errors_of("[risk.strategy]\ns = 3\n"), 2,
                     "'risk.strategy.s' must be a table of risk limits, found integer 3"));
}

TEST_CASE("every risk problem is reported at once with its position", "[config][risk][errors]") {
    const auto r = load(R"([risk]
max_exposure_sol = 3
max_drawdown_pct = 0
reject_mint_authority = 1
max_price_age = "soon"
[risk.strategy.a]
max_exposure_sol = 4
max_orders_per_minute = 0
[risk.strategy.b]
loss_cooldown = "1h"
reject_mint_authority = false
)");
    INFO(dump(r.errors));
    CHECK_FALSE(r.config);
    const std::vector<std::pair<uint32_t, std::string>> expected = {
        {3, "'risk.max_drawdown_pct' must be between"},
        {4, "'risk.reject_mint_authority' must be a boolean"},
        {5, "'risk.max_price_age' must be a duration like"},
        {7, "'risk.strategy.a.max_exposure_sol' (4) is looser than 'risk.max_exposure_sol' (3)"},
        {8, "'risk.strategy.a.max_orders_per_minute' must be between 1 and"},
    };
    // b: the global reject_mint_authority is invalid, so it is not compared;
    // the cooldown has no global value, so any override is tighter.
    REQUIRE(r.errors.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        INFO("error " << i);
        CHECK(r.errors[i].line == expected[i].first);
        CHECK(r.errors[i].column >= 1);
        CHECK(r.errors[i].message.find(expected[i].second) != std::string::npos);
    }
}

TEST_CASE("an invalid global value is reported once, not again at the override",
          "[config][risk][errors]") {
    const auto e = errors_of("[risk]\nmax_order_sol = \"lots\"\n[risk.strategy.s]\n"
                             "max_order_sol = 1\n");
    INFO(dump(e));
    CHECK(only_error(e, 2, "'risk.max_order_sol' must be a number"));
}
