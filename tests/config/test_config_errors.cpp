#include "config/config.hpp"
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using sniper::test::dump;
using sniper::test::errors_of;
using sniper::test::fake_env;
using sniper::test::load;
using sniper::test::only_error;

TEST_CASE("unknown keys name the full dotted key and suggest the closest", "[config][errors]") {
    SECTION("typo in a nested table") {
        const auto e = errors_of("[feeds.sim]\nsed = 1\n");
        INFO(dump(e));
        REQUIRE(only_error(e, 2, "unknown key 'feeds.sim.sed'; did you mean 'seed'?"));
        CHECK(e[0].column == 1);
        CHECK(e[0].to_string() ==
              "/cfg/test.toml:2:1: unknown key 'feeds.sim.sed'; did you mean 'seed'?");
    }
    SECTION("transposed letters at the top level") {
        const auto e = errors_of("mdoe = \"paper\"\n");
        INFO(dump(e));
        CHECK(only_error(e, 1, "unknown key 'mdoe'; did you mean 'mode'?"));
    }
    SECTION("unknown table") {
        const auto e = errors_of("\n[rsik]\nmax_order_sol = 1\n");
        INFO(dump(e));
        CHECK(only_error(e, 2, "unknown key 'rsik'; did you mean 'risk'?"));
    }
    SECTION("nothing near: no suggestion") {
        const auto e = errors_of("[paper]\nwallet_secret = \"x\"\n");
        INFO(dump(e));
        REQUIRE(only_error(e, 2, "unknown key 'paper.wallet_secret'"));
        CHECK(e[0].message.find("did you mean") == std::string::npos);
    }
    SECTION("unknown feed kind") {
        const auto e = errors_of("[feeds.simm]\nseed = 1\n");
        INFO(dump(e));
        CHECK(only_error(e, 1, "unknown key 'feeds.simm'; did you mean 'sim'?"));
    }
    SECTION("regimes") {
        const auto e = errors_of("[feeds.sim.regimes]\nrunners = 0.1\n");
        INFO(dump(e));
        CHECK(only_error(e, 2, "unknown key 'feeds.sim.regimes.runners'; did you mean 'runner'?"));
    }
    SECTION("keys needing quotes are quoted") {
        const auto e = errors_of("[risk]\n\"max order\" = 1\n");
        INFO(dump(e));
        CHECK(only_error(e, 2, "unknown key 'risk.\"max order\"'"));
    }
}

TEST_CASE("wrong types name the key and the expected and found types", "[config][errors]") {
    CHECK(only_error(errors_of("[risk]\nmax_open_positions = \"5\"\n"), 2,
                     "'risk.max_open_positions' must be an integer, found string \"5\""));
    CHECK(only_error(errors_of("[risk]\nmax_open_positions = 5.5\n"), 2,
                     "'risk.max_open_positions' must be an integer, found float 5.5"));
    CHECK(
        only_error(errors_of("[feeds.sim]\nenabled = \"yes\"\n"), 2,
                   "'feeds.sim.enabled' must be a boolean (true or false), found string \"yes\""));
    CHECK(only_error(errors_of("[feeds.sim]\npools_per_minute = true\n"), 2,
                     "'feeds.sim.pools_per_minute' must be a number, found boolean true"));
    CHECK(only_error(errors_of("mode = 1\n"), 1, "'mode' must be a string, found integer 1"));
    CHECK(only_error(errors_of("logging = \"info\"\n"), 1,
                     "'logging' must be a table, found string \"info\""));
    CHECK(only_error(errors_of("[[risk]]\nmax_order_sol = 1\n"), 1,
                     "'risk' must be a table, found array"));
    CHECK(only_error(errors_of("[paper]\nlanding_delay = 400\n"), 2,
                     "'paper.landing_delay' must be a duration like \"400ms\""));
    CHECK(only_error(errors_of("[paper]\nstarting_balance_sol = \"10\"\n"), 2,
                     "'paper.starting_balance_sol' must be a number, found string \"10\""));
    CHECK(only_error(errors_of("[strategies.s]\nenabled = 1\n"), 2,
                     "'strategies.s.enabled' must be a boolean (true or false), found integer 1"));
    CHECK(only_error(errors_of("[strategies]\ns = 3\n"), 2,
                     "'strategies.s' must be a table of strategy settings, found integer 3"));
    CHECK(only_error(errors_of("data_dir = 1979-05-27\n"), 1,
                     "'data_dir' must be a string, found date 1979-05-27"));
}

TEST_CASE("out-of-range values name the key and the range and the value", "[config][errors]") {
    CHECK(only_error(errors_of("[risk]\nmax_slippage_bps = 20000\n"), 2,
                     "'risk.max_slippage_bps' must be between 1 and 10000, found 20000"));
    CHECK(only_error(errors_of("[risk]\nmax_slippage_bps = 0\n"), 2,
                     "'risk.max_slippage_bps' must be between 1 and 10000, found 0"));
    CHECK(only_error(errors_of("[risk]\nmax_open_positions = 0\n"), 2,
                     "'risk.max_open_positions' must be between 1 and 4294967295, found 0"));
    CHECK(only_error(errors_of("[risk]\nmax_order_sol = 0\n"), 2,
                     "'risk.max_order_sol' must be > 0 and <= 1000000000, found 0"));
    CHECK(only_error(errors_of("[risk]\nmax_order_sol = 0.0000000001\n"), 2,
                     "'risk.max_order_sol' must be at least 1 lamport"));
    CHECK(only_error(errors_of("[feeds.sim]\npools_per_minute = 0\n"), 2,
                     "'feeds.sim.pools_per_minute' must be > 0 and <= 6000, found 0"));
    CHECK(only_error(errors_of("[feeds.sim]\npools_per_minute = 6000.5\n"), 2,
                     "'feeds.sim.pools_per_minute' must be > 0 and <= 6000, found 6000.5"));
    CHECK(only_error(errors_of("[feeds.sim]\nfee_bps = 1001\n"), 2,
                     "'feeds.sim.fee_bps' must be between 0 and 1000, found 1001"));
    CHECK(only_error(errors_of("[feeds.sim]\ncurve_share = 1.5\n"), 2, "'feeds.sim.curve_share' must be"));
    CHECK(only_error(errors_of("[feeds.sim]\ncurve_share = -0.1\n"), 2, "'feeds.sim.curve_share' must be"));
    CHECK(only_error(errors_of("[feeds.sim]\nspeed = 2e6\n"), 2,
                     "'feeds.sim.speed' must be between 0 and 1000000, found 2000000"));
    CHECK(only_error(errors_of("[paper]\nfailure_rate_pct = 100.5\n"), 2,
                     "'paper.failure_rate_pct' must be between 0 and 100, found 100.5"));
    CHECK(only_error(
        errors_of("[paper]\nstarting_balance_sol = 2e9\n"), 2,
        "'paper.starting_balance_sol' must be between 0 and 1000000000, found 2000000000"));
    CHECK(only_error(errors_of("mode = \"demo\"\n"), 1,
                     "'mode' must be one of \"paper\", \"live\", found \"demo\""));
    CHECK(only_error(errors_of("[logging]\nlevel = \"verbose\"\n"), 2,
                     "'logging.level' must be one of \"debug\", \"info\", \"warn\", \"error\", "
                     "found \"verbose\""));
    CHECK(only_error(errors_of("[logging]\nformat = \"xml\"\n"), 2,
                     "'logging.format' must be one of \"json\", \"human\", found \"xml\""));
    CHECK(only_error(errors_of("[feeds.sim]\nupdate_interval = \"0s\"\n"), 2,
                     "'feeds.sim.update_interval' must be > 0, found \"0s\""));
    CHECK(only_error(
        errors_of("[feeds.sim.regimes]\npump_and_dump = 0\nslow_bleed = 0\nrug_pull = 0\n"
                  "honeypot = 0\nrunner = 0\n"),
        1, "'feeds.sim.regimes' needs at least one weight > 0"));
    CHECK(only_error(errors_of("data_dir = \"\"\n"), 1, "'data_dir' must not be empty"));
}

TEST_CASE("negative values are rejected where only >= 0 makes sense", "[config][errors]") {
    CHECK(only_error(errors_of("[paper]\nseed = -1\n"), 2, "'paper.seed' must be >= 0, found -1"));
    CHECK(only_error(errors_of("[feeds.sim]\nseed = -42\n"), 2,
                     "'feeds.sim.seed' must be >= 0, found -42"));
    CHECK(only_error(errors_of("[paper]\nbase_fee_lamports = -5000\n"), 2,
                     "'paper.base_fee_lamports' must be >= 0, found -5000"));
    CHECK(only_error(errors_of("[paper]\ntip_sol = -0.1\n"), 2,
                     "'paper.tip_sol' must be between 0 and 1000000000, found -0.1"));
    CHECK(only_error(errors_of("[feeds.sim]\nspeed = -1.0\n"), 2,
                     "'feeds.sim.speed' must be between 0 and 1000000, found -1"));
    CHECK(only_error(errors_of("[feeds.sim.regimes]\nrunner = -0.5\n"), 2,
                     "'feeds.sim.regimes.runner' must be between 0 and 1000000, found -0.5"));
}

TEST_CASE("NaN and infinity are errors everywhere", "[config][errors]") {
    CHECK(only_error(errors_of("[feeds.sim]\npools_per_minute = nan\n"), 2,
                     "'feeds.sim.pools_per_minute' must be a finite number, found nan"));
    CHECK(only_error(errors_of("[feeds.sim]\nspeed = inf\n"), 2,
                     "'feeds.sim.speed' must be a finite number, found inf"));
    CHECK(only_error(errors_of("[paper]\nstarting_balance_sol = -inf\n"), 2,
                     "'paper.starting_balance_sol' must be a finite number, found -inf"));
    CHECK(only_error(errors_of("[risk]\nmax_order_sol = -nan\n"), 2,
                     "must be a finite number, found nan"));
    CHECK(only_error(errors_of("[strategies.s]\nx = nan\n"), 2,
                     "'strategies.s.x' must be a finite number, found nan"));
    CHECK(only_error(errors_of("[strategies.s]\nx = [1.0, inf]\n"), 2,
                     "'strategies.s.x[1]' must be a finite number, found inf"));
}

TEST_CASE("bad durations show the expected form", "[config][errors]") {
    for (const char* bad : {"400", "-1s", "1.5 s", "10 minutes", "1d", "fast"}) {
        INFO(bad);
        const auto e = errors_of(std::string("[paper]\nlanding_delay = \"") + bad + "\"\n");
        INFO(dump(e));
        CHECK(only_error(
            e, 2,
            std::string(
                "'paper.landing_delay' must be a duration like \"400ms\", \"1.5s\" or \"2h\" "
                "(a number >= 0 followed by ns, us, ms, s, m or h), found \"") +
                bad + "\""));
    }
}

TEST_CASE("strategy names must be 1 to 64 lowercase letters or digits or underscores", "[config][errors]") {
    CHECK(only_error(errors_of("\n[strategies.Example]\n"), 2,
                     "strategy name \"Example\" is invalid; names must match [a-z0-9_]{1,64}"));
    CHECK(only_error(errors_of("[strategies.my-strat]\nbuy_sol = 1\n"), 1,
                     "strategy name \"my-strat\" is invalid"));
    CHECK(only_error(errors_of("[strategies.\"\"]\n"), 1, "strategy name \"\" is invalid"));
    CHECK(only_error(errors_of("[strategies." + std::string(65, 'a') + "]\n"), 1, "is invalid"));
    CHECK(errors_of("[strategies." + std::string(64, 'a') + "]\n").empty());
    CHECK(errors_of("[strategies.a_1]\n").empty());
}

TEST_CASE("environment references must name a set SNIPER_ variable", "[config][errors]") {
    SECTION("non-SNIPER variable") {
        const auto e =
            errors_of("[control]\nsocket = \"${HOME}/s.sock\"\n", fake_env({{"HOME", "/home/u"}}));
        INFO(dump(e));
        CHECK(only_error(
            e, 2,
            "'control.socket' references ${HOME}; only environment variables starting with SNIPER_ "
            "may be referenced"));
    }
    SECTION("unset variable") {
        const auto e = errors_of("\n[strategies.s]\napi_key = \"${SNIPER_API_KEY}\"\n");
        INFO(dump(e));
        CHECK(only_error(
            e, 3,
            "'strategies.s.api_key' references ${SNIPER_API_KEY}, but that environment variable is "
            "not set"));
    }
    SECTION("malformed references") {
        CHECK(only_error(errors_of("data_dir = \"${SNIPER_X\"\n"), 1, "unterminated ${ reference"));
        CHECK(only_error(errors_of("data_dir = \"${}\"\n"), 1, "malformed reference ${}"));
        CHECK(only_error(errors_of("data_dir = \"${SNIPER-X}\"\n"), 1,
                         "malformed reference ${SNIPER-X}"));
    }
    SECTION("lowercase prefix is not SNIPER_") {
        const auto e = errors_of("data_dir = \"${sniper_x}\"\n", fake_env({{"sniper_x", "v"}}));
        CHECK(only_error(e, 1, "only environment variables starting with SNIPER_"));
    }
}

TEST_CASE("feed selection: exactly one feed", "[config][errors]") {
    SECTION("both feeds enabled, error at the later key") {
        const auto e = errors_of(R"([feeds.sim]
enabled = true
seed = 1
[feeds.replay]
path = "day1.jsonl"
)");
        INFO(dump(e));
        CHECK(only_error(e, 5, "both feeds are enabled"));
    }
    SECTION("both feeds, replay first") {
        const auto e =
            errors_of("[feeds.replay]\npath = \"a.jsonl\"\n[feeds.sim]\nenabled = true\n");
        INFO(dump(e));
        CHECK(only_error(e, 4, "both feeds are enabled"));
    }
    SECTION("no feed") {
        const auto e = errors_of("[feeds.sim]\nenabled = false\n");
        INFO(dump(e));
        CHECK(only_error(e, 2, "no feed enabled"));
    }
    SECTION("replay table without a path") {
        const auto e = errors_of("[feeds.replay]\nspeed = 1.0\n");
        INFO(dump(e));
        CHECK(only_error(e, 1, "'feeds.replay' has no 'path'"));
    }
    SECTION("liquidity max below min, error at the later key") {
        const auto e = errors_of(
            "[feeds.sim]\ninitial_liquidity_max_sol = 5.0\ninitial_liquidity_min_sol = 80\n");
        INFO(dump(e));
        CHECK(only_error(e, 3,
                         "'feeds.sim.initial_liquidity_max_sol' (5) must be >= "
                         "'feeds.sim.initial_liquidity_min_sol' "
                         "(80)"));
    }
    SECTION("liquidity min above the default max") {
        const auto e = errors_of("[feeds.sim]\ninitial_liquidity_min_sol = 100\n");
        CHECK(only_error(e, 2, "must be >= 'feeds.sim.initial_liquidity_min_sol' (100)"));
    }
}

TEST_CASE("a syntax error is reported with its position and nothing else", "[config][errors]") {
    const auto r = load("mode = \"paper\"\n[risk]\nmax_order_sol = = 1\nbogus_key = 3\n");
    INFO(dump(r.errors));
    CHECK_FALSE(r.config);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 3);
    CHECK(r.errors[0].column > 0);
    CHECK(r.errors[0].message.rfind("TOML syntax error: ", 0) == 0);
    CHECK(r.errors[0].to_string().rfind("/cfg/test.toml:3:", 0) == 0);

    const auto dup = errors_of("[risk]\nmax_order_sol = 1\nmax_order_sol = 2\n");
    REQUIRE(dup.size() == 1);
    CHECK(dup[0].line == 3);
}

TEST_CASE("every problem in a file is reported at once in line order", "[config][errors]") {
    const auto r = load(R"(mode = "paper"
data_dir = 5
[logging]
level = "loud"
[feeds.sim]
sed = 42
pools_per_minute = nan
duration = "2 hours"
[paper]
failure_rate_pct = 150
seed = -7
[risk]
max_open_positions = 0
[strategies.Bad]
enabled = "yes"
[strategies.good]
token = "${SNIPER_MISSING}"
home = "${HOME}"
)");
    INFO(dump(r.errors));
    CHECK_FALSE(r.config);
    const std::vector<std::pair<uint32_t, std::string>> expected = {
        {2, "'data_dir' must be a string"},
        {4, "'logging.level' must be one of"},
        {6, "unknown key 'feeds.sim.sed'; did you mean 'seed'?"},
        {7, "'feeds.sim.pools_per_minute' must be a finite number"},
        {8, "'feeds.sim.duration' must be a duration like"},
        {10, "'paper.failure_rate_pct' must be between 0 and 100, found 150"},
        {11, "'paper.seed' must be >= 0, found -7"},
        {13, "'risk.max_open_positions' must be between 1 and"},
        {14, "strategy name \"Bad\" is invalid"},
        {15, "'strategies.Bad.enabled' must be a boolean"},
        {17, "${SNIPER_MISSING}, but that environment variable is not set"},
        {18, "references ${HOME}; only environment variables starting with SNIPER_"},
    };
    REQUIRE(r.errors.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        INFO("error " << i);
        CHECK(r.errors[i].file == "/cfg/test.toml");
        CHECK(r.errors[i].line == expected[i].first);
        CHECK(r.errors[i].column >= 1);
        CHECK(r.errors[i].message.find(expected[i].second) != std::string::npos);
    }
}

TEST_CASE("secret values never appear in error messages", "[config][errors]") {
    const std::string secret = "s3cr3t-PRIVATE-KEY-value";
    const auto env = fake_env({{"SNIPER_SECRET", secret},
                               {"SNIPER_TRADING_MODE", secret},
                               {"HOME", secret},
                               {"OTHER_SECRET", secret}});
    // Secrets substituted into fields that then fail validation: the error
    // must show the reference as written, not what it resolved to.
    const auto r = load(R"(mode = "${SNIPER_SECRET}"
data_dir = "${SNIPER_SECRET}"
[logging]
level = "${SNIPER_SECRET}"
format = "x${SNIPER_SECRET}"
[feeds.sim]
duration = "${SNIPER_SECRET}"
update_interval = "${SNIPER_SECRET}"
[paper]
landing_delay = "${SNIPER_SECRET}"
[feeds.replay]
path = "${OTHER_SECRET}"
[control]
socket = "${HOME}"
[strategies.s]
key = "${SNIPER_SECRET}"
bad = "${OTHER_SECRET}"
nan = nan
unset = "${SNIPER_UNSET}"
[strategies.Bad]
key = "${SNIPER_SECRET}"
)",
                        env);
    INFO(dump(r.errors));
    CHECK_FALSE(r.config);
    CHECK(r.errors.size() >= 9);
    for (const auto& e : r.errors) {
        CHECK(e.to_string().find(secret) == std::string::npos);
        CHECK(e.to_string().find("s3cr3t") == std::string::npos);
    }
    // The reference itself is named so the user can find it.
    CHECK(dump(r.errors).find("found \"${SNIPER_SECRET}\"") != std::string::npos);
}
