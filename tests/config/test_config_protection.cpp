// [protection]: default stop loss / take profit / trailing stop / max hold.
#include "config/config.hpp"
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using sniper::test::dump;
using sniper::test::errors_of;
using sniper::test::load;
using sniper::test::only_error;

TEST_CASE("[protection] absent means no default protection", "[config][protection]") {
    const auto r = load("mode = \"paper\"\n");
    REQUIRE(r.config);
    CHECK_FALSE(r.config->protection.stop_loss_bps);
    CHECK_FALSE(r.config->protection.take_profit_bps);
    CHECK_FALSE(r.config->protection.trailing_stop_bps);
    CHECK_FALSE(r.config->protection.max_hold_ns);
}

TEST_CASE("[protection] values are read in bps and ns", "[config][protection]") {
    const auto r = load("[protection]\nstop_loss_pct = 20\ntake_profit_pct = 150.5\n"
                        "trailing_stop_pct = 12.25\nmax_hold = \"5m\"\n");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const ProtectionConfig& p = r.config->protection;
    CHECK(p.stop_loss_bps == 2000u);
    CHECK(p.take_profit_bps == 15050u);
    CHECK(p.trailing_stop_bps == 1225u);
    CHECK(p.max_hold_ns == 5 * 60 * kNsPerSec);
    const auto partial = load("[protection]\ntake_profit_pct = 100000\n");
    REQUIRE(partial.config);
    CHECK(partial.config->protection.take_profit_bps == 10'000'000u);
    CHECK_FALSE(partial.config->protection.stop_loss_bps);
}

TEST_CASE("[protection] errors are positioned", "[config][protection][errors]") {
    CHECK(only_error(errors_of("[protection]\nstop_loss = 20\n"), 2, "protection.stop_loss"));
    CHECK(only_error(errors_of("[protection]\nstop_loss_pct = 0\n"), 2, "'protection.stop_loss_pct'"));
    CHECK(only_error(errors_of("[protection]\nstop_loss_pct = 100\n"), 2, "'protection.stop_loss_pct'"));
    CHECK(only_error(errors_of("[protection]\nstop_loss_pct = -5\n"), 2, "'protection.stop_loss_pct'"));
    CHECK(only_error(errors_of("[protection]\ntake_profit_pct = 0\n"), 2, "'protection.take_profit_pct'"));
    CHECK(only_error(errors_of("[protection]\ntake_profit_pct = 100001\n"), 2,
                     "'protection.take_profit_pct'"));
    CHECK(only_error(errors_of("[protection]\ntrailing_stop_pct = 100\n"), 2,
                     "'protection.trailing_stop_pct'"));
    CHECK(only_error(errors_of("[protection]\nstop_loss_pct = \"20%\"\n"), 2,
                     "'protection.stop_loss_pct'"));
    CHECK(only_error(errors_of("[protection]\nmax_hold = \"0s\"\n"), 2, "'protection.max_hold'"));
    CHECK(only_error(errors_of("[protection]\nmax_hold = 300\n"), 2, "'protection.max_hold'"));
    CHECK(only_error(errors_of("protection = 5\n"), 1, "protection"));
    const auto errs = errors_of("[protection]\nstop_loss_pct = 0\ntake_profit_pct = -1\n");
    REQUIRE(errs.size() == 2);
    CHECK(errs[0].line == 2);
    CHECK(errs[0].column > 0);
    CHECK(errs[1].line == 3);
}
