#include "config/config.hpp"
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace sniper;
using sniper::test::dump;
using sniper::test::fake_env;
using sniper::test::load;

namespace fs = std::filesystem;

TEST_CASE("the shipped config/paper.toml loads clean", "[config]") {
    const std::string path = std::string(SNIPER_SOURCE_DIR) + "/config/paper.toml";
    const auto r = load_config_file(path, fake_env());
    INFO(dump(r.errors));
    REQUIRE(r.errors.empty());
    REQUIRE(r.config);
    const Config& c = *r.config;
    const fs::path root = fs::path(SNIPER_SOURCE_DIR).lexically_normal();

    CHECK(c.source_path == (root / "config/paper.toml").lexically_normal().string());
    CHECK(c.mode == Mode::Paper);
    CHECK(c.data_dir == (root / "data").string());
    CHECK(c.plugins_dir == (root / "build/plugins").string());
    CHECK(c.socket_path() == (root / "data/sniperd.sock").string());
    CHECK(c.logging.level == "info");
    CHECK(c.logging.format == "json");

    CHECK(c.feeds.sim.enabled);
    CHECK_FALSE(c.feeds.replay.enabled);
    CHECK(c.feeds.sim.seed == 42);
    CHECK(c.feeds.sim.pools_per_minute == 6.0);
    CHECK(c.feeds.sim.duration_ns == 6 * 3600 * kNsPerSec);
    CHECK(c.feeds.sim.update_interval_ns == kNsPerSec);
    CHECK(c.feeds.sim.speed == 720.0);
    CHECK(c.feeds.sim.initial_liquidity_min_lamports == 5 * kLamportsPerSol);
    CHECK(c.feeds.sim.initial_liquidity_max_lamports == 80 * kLamportsPerSol);
    CHECK(c.feeds.sim.fee_bps == 25);
    CHECK(c.feeds.sim.curve_share == 0.5);
    CHECK(c.feeds.sim.regimes.rug_pull == 0.20);

    CHECK(c.paper.starting_balance_lamports == 10 * kLamportsPerSol);
    CHECK(c.paper.base_fee_lamports == 5000);
    CHECK(c.paper.priority_fee_lamports == 10'000);
    CHECK(c.paper.tip_lamports == 0);
    CHECK(c.paper.landing_delay_ns == 400 * kNsPerMs);
    CHECK(c.paper.failure_rate_bps == 200);
    CHECK(c.paper.seed == 7);

    CHECK(c.risk.max_order_lamports == kLamportsPerSol / 2);
    CHECK(c.risk.max_open_positions == 10);
    CHECK(c.risk.max_slippage_bps == 3000);
    CHECK(c.risk.max_position_lamports == kLamportsPerSol / 2);
    CHECK(c.risk.max_exposure_lamports == 3 * kLamportsPerSol);
    CHECK(c.risk.max_daily_loss_lamports == 3 * kLamportsPerSol);
    CHECK(c.risk.max_orders_per_minute == 60u);
    CHECK_FALSE(c.risk.max_orders_per_minute_total);
    CHECK(c.risk.reject_freeze_authority);
    CHECK_FALSE(c.risk.reject_mint_authority);
    CHECK(c.risk.max_price_age_ns == 30 * kNsPerSec);
    CHECK_FALSE(c.risk.max_drawdown_bps);
    CHECK(c.risk.strategy.empty());

    REQUIRE(c.strategies.size() == 4);
    CHECK_FALSE(c.strategies.at("example_tool_lua").enabled); // off in the demo
    CHECK(c.tools_dir == (root / "tools/ai").string());
    CHECK(c.strategies.at("example_sniper_lua").params_json == c.strategies.at("example_sniper").params_json);
    CHECK(c.risk.circuit_breaker.warning_bps == 1000);
    CHECK(c.risk.circuit_breaker.reduce_bps == 1500);
    CHECK(c.risk.circuit_breaker.halt_bps == 2500);
    CHECK(c.runtime.defaults.hang_timeout_ns == 500'000'000);
    CHECK(c.runtime.defaults.callback_budget_ns == 20'000'000);
    const auto& sniper_s = c.strategies.at("example_sniper");
    CHECK(sniper_s.name == "example_sniper");
    CHECK(sniper_s.enabled);
    CHECK(
        sniper_s.params_json ==
        R"({"buy_sol":0.1,"max_hold":"10m","max_slippage_bps":2500,"max_top10_pct":35.0,)"
        R"("min_liquidity_sol":10.0,"min_lp_burned_pct":90.0,"stop_loss_pct":25.0,"take_profit_pct":60.0})");
    const auto& momentum = c.strategies.at("example_momentum");
    CHECK(momentum.enabled);
    CHECK(momentum.params_json ==
          R"({"buy_sol":0.05,"cooldown":"15m","entry_change_pct":25.0,"exit_change_pct":-10.0,)"
          R"("lookback":60,"max_slippage_bps":300,"min_liquidity_sol":30.0,"take_profit_pct":40.0})");

    CHECK(check_mode_allowed(c, fake_env()).empty());
}

TEST_CASE("an empty file gives the documented defaults", "[config]") {
    const auto r = load("");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const Config& c = *r.config;
    CHECK(c.source_path == "/cfg/test.toml");
    CHECK(c.mode == Mode::Paper);
    CHECK(c.data_dir == "/cfg/data");
    CHECK(c.plugins_dir == "/cfg/plugins");
    CHECK(c.socket_path() == "/cfg/data/sniperd.sock");
    CHECK(c.feeds.sim.enabled);
    CHECK_FALSE(c.feeds.replay.enabled);
    CHECK(c.feeds.sim.duration_ns == 0);
    CHECK(c.paper.failure_rate_bps == 200);
    CHECK(c.risk.max_order_lamports == kLamportsPerSol / 2);
    CHECK(c.strategies.empty());
}

TEST_CASE("paths are resolved against the config file's directory", "[config]") {
    SECTION("relative") {
        const auto r = load(R"(data_dir = "../var/./data/"
plugins_dir = "plug"
[control]
socket = "run/ctl.sock"
[feeds.replay]
path = "../rec/day1.jsonl"
)");
        INFO(dump(r.errors));
        REQUIRE(r.config);
        CHECK(r.config->data_dir == "/var/data");
        CHECK(r.config->plugins_dir == "/cfg/plug");
        CHECK(r.config->control.socket_path == "/cfg/run/ctl.sock");
        CHECK(r.config->socket_path() == "/cfg/run/ctl.sock");
        CHECK(r.config->feeds.replay.path == "/rec/day1.jsonl");
    }
    SECTION("absolute paths are kept") {
        const auto r = load(R"(data_dir = "/srv/sniper"
[control]
socket = "/tmp/s.sock"
)");
        REQUIRE(r.config);
        CHECK(r.config->data_dir == "/srv/sniper");
        CHECK(r.config->socket_path() == "/tmp/s.sock");
    }
    SECTION("an empty socket means <data_dir>/sniperd.sock") {
        const auto r = load("data_dir = \"d\"\n[control]\nsocket = \"\"\n");
        REQUIRE(r.config);
        CHECK(r.config->control.socket_path.empty());
        CHECK(r.config->socket_path() == "/cfg/d/sniperd.sock");
    }
}

TEST_CASE("load_config_file resolves paths next to the file and reports a missing file",
          "[config]") {
    const fs::path dir =
        fs::temp_directory_path() / ("sniper_cfg_test_" + std::to_string(::getpid()));
    fs::create_directories(dir / "conf");
    const fs::path file = dir / "conf" / "x.toml";
    { std::ofstream(file) << "data_dir = \"../d\"\n"; }
    const auto r = load_config_file(file.string(), fake_env());
    INFO(dump(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->data_dir == (dir / "d").string());
    CHECK(r.config->source_path == file.string());

    const auto missing = load_config_file((dir / "nope.toml").string(), fake_env());
    REQUIRE(missing.errors.size() == 1);
    CHECK_FALSE(missing.config);
    CHECK(missing.errors[0].line == 0);
    CHECK(missing.errors[0].to_string() ==
          (dir / "nope.toml").string() + ": cannot open config file");
    fs::remove_all(dir);
}

TEST_CASE("SOL amounts convert to lamports exactly", "[config]") {
    const auto r = load(R"([paper]
starting_balance_sol = 0.1
tip_sol = 0.000000001
[risk]
max_order_sol = 1
[feeds.sim]
initial_liquidity_min_sol = 0.3
initial_liquidity_max_sol = 1000000000
)");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->paper.starting_balance_lamports == 100'000'000);
    CHECK(r.config->paper.tip_lamports == 1);
    CHECK(r.config->risk.max_order_lamports == 1'000'000'000);
    CHECK(r.config->feeds.sim.initial_liquidity_min_lamports == 300'000'000);
    CHECK(r.config->feeds.sim.initial_liquidity_max_lamports == 1'000'000'000'000'000'000ULL);
}

TEST_CASE("SOL amounts below a lamport round half away from zero", "[config]") {
    const auto r = load("[paper]\nstarting_balance_sol = 0.0000000015\ntip_sol = 0.0000000004\n");
    REQUIRE(r.config);
    CHECK(r.config->paper.starting_balance_lamports == 2);
    CHECK(r.config->paper.tip_lamports == 0);
}

TEST_CASE("percent and duration fields convert to bps and ns", "[config]") {
    const auto r = load(R"([paper]
failure_rate_pct = 12.34
landing_delay = "0s"
[feeds.sim]
duration = "1.5s"
update_interval = "250us"
speed = 1
)");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->paper.failure_rate_bps == 1234);
    CHECK(r.config->paper.landing_delay_ns == 0);
    CHECK(r.config->feeds.sim.duration_ns == 1'500'000'000);
    CHECK(r.config->feeds.sim.update_interval_ns == 250'000);
    CHECK(r.config->feeds.sim.speed == 1.0);
}

TEST_CASE("a replay path selects the replay feed and disables sim", "[config]") {
    SECTION("sim table present without enabled") {
        const auto r = load(R"([feeds.sim]
seed = 1
[feeds.replay]
path = "rec.jsonl"
speed = 10.0
)");
        INFO(dump(r.errors));
        REQUIRE(r.config);
        CHECK(r.config->feeds.replay.enabled);
        CHECK_FALSE(r.config->feeds.sim.enabled);
        CHECK(r.config->feeds.replay.speed == 10.0);
        CHECK(r.config->feeds.replay.path == "/cfg/rec.jsonl");
    }
    SECTION("sim explicitly disabled") {
        const auto r = load("[feeds.sim]\nenabled = false\n[feeds.replay]\npath = \"rec.jsonl\"\n");
        INFO(dump(r.errors));
        REQUIRE(r.config);
        CHECK(r.config->feeds.replay.enabled);
        CHECK_FALSE(r.config->feeds.sim.enabled);
    }
}

TEST_CASE("regime weights merge with the defaults and may be zero", "[config]") {
    const auto r = load("[feeds.sim.regimes]\nrunner = 1\nhoneypot = 0.0\n");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->feeds.sim.regimes.runner == 1.0);
    CHECK(r.config->feeds.sim.regimes.honeypot == 0.0);
    CHECK(r.config->feeds.sim.regimes.pump_and_dump == 0.35);
}

TEST_CASE("strategy params become JSON", "[config]") {
    const auto r = load(R"([strategies.s1]
enabled = false
i = -3
f = 2.5
whole = 60.0
big = 1e300
s = "hi \"there\""
b = true
arr = [1, 2.0, "x"]
nested = { a = 1, b = { c = "d" } }
when = 1979-05-27T07:32:00Z
day = 1979-05-27
at = 07:32:00

[[strategies.s1.rules]]
name = "first"
[[strategies.s1.rules]]
name = "second"

[strategies.empty]
[strategies.enabled_only]
enabled = true
)");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const auto& s = r.config->strategies.at("s1");
    CHECK_FALSE(s.enabled);
    CHECK(s.params_json ==
          R"({"arr":[1,2.0,"x"],"at":"07:32:00","b":true,"big":1e+300,"day":"1979-05-27",)"
          R"("f":2.5,"i":-3,"nested":{"a":1,"b":{"c":"d"}},)"
          R"("rules":[{"name":"first"},{"name":"second"}],"s":"hi \"there\"",)"
          R"("when":"1979-05-27T07:32:00Z","whole":60.0})");
    CHECK(r.config->strategies.at("empty").params_json == "{}");
    CHECK(r.config->strategies.at("empty").enabled);
    CHECK(r.config->strategies.at("enabled_only").params_json == "{}");
}

TEST_CASE("SNIPER_ environment references are resolved in every string", "[config]") {
    const auto env = fake_env({{"SNIPER_DATA", "/srv/x"},
                               {"SNIPER_LEVEL", "debug"},
                               {"SNIPER_API_KEY", "k-123"},
                               {"SNIPER_DELAY", "250"}});
    const auto r = load(R"(data_dir = "${SNIPER_DATA}/data"
[logging]
level = "${SNIPER_LEVEL}"
[paper]
landing_delay = "${SNIPER_DELAY}ms"
[strategies.s]
key = "Bearer ${SNIPER_API_KEY}"
list = ["${SNIPER_API_KEY}"]
literal = "cost $5, $${NOT_A_REF}"
)",
                        env);
    INFO(dump(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->data_dir == "/srv/x/data");
    CHECK(r.config->logging.level == "debug");
    CHECK(r.config->paper.landing_delay_ns == 250 * kNsPerMs);
    CHECK(r.config->strategies.at("s").params_json ==
          R"({"key":"Bearer k-123","list":["k-123"],"literal":"cost $5, ${NOT_A_REF}"})");
}

TEST_CASE("ConfigError::to_string formats with and without a position", "[config]") {
    CHECK(ConfigError{"a.toml", 3, 7, "boom"}.to_string() == "a.toml:3:7: boom");
    CHECK(ConfigError{"a.toml", 0, 0, "boom"}.to_string() == "a.toml: boom");
}

TEST_CASE("process_env reads the real environment", "[config]") {
    ::setenv("SNIPER_CONFIG_TEST_VAR", "v1", 1);
    const auto env = process_env();
    CHECK(env("SNIPER_CONFIG_TEST_VAR") == std::optional<std::string>("v1"));
    ::unsetenv("SNIPER_CONFIG_TEST_VAR");
    CHECK_FALSE(env("SNIPER_CONFIG_TEST_VAR").has_value());
}
