#include "config/config.hpp"
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using sniper::test::dump;
using sniper::test::fake_env;
using sniper::test::load;

namespace {

Config load_ok(const std::string& toml) {
    const auto r = load(toml);
    INFO(dump(r.errors));
    REQUIRE(r.config);
    return *r.config;
}

} // namespace

TEST_CASE("paper is the default mode and always allowed", "[config][mode]") {
    const Config c = load_ok("");
    CHECK(c.mode == Mode::Paper);
    CHECK(check_mode_allowed(c, fake_env()).empty());
    CHECK(check_mode_allowed(c, fake_env({{"SNIPER_TRADING_MODE", "paper"}})).empty());
}

TEST_CASE("SNIPER_TRADING_MODE=live with mode = paper stays paper", "[config][mode]") {
    const Config c = load_ok("mode = \"paper\"\n");
    CHECK(c.mode == Mode::Paper);
    CHECK(check_mode_allowed(c, fake_env({{"SNIPER_TRADING_MODE", "live"}})).empty());
}

TEST_CASE("live in the file without the environment opt-in is refused", "[config][mode]") {
    const Config c = load_ok("mode = \"live\"\n");
    CHECK(c.mode == Mode::Live);

    const std::string unset = check_mode_allowed(c, fake_env());
    CHECK(unset.find("mode = \"live\"") != std::string::npos);
    CHECK(unset.find("SNIPER_TRADING_MODE=live") != std::string::npos);
    CHECK(unset.find("found SNIPER_TRADING_MODE unset") != std::string::npos);

    const std::string paper = check_mode_allowed(c, fake_env({{"SNIPER_TRADING_MODE", "paper"}}));
    CHECK(paper.find("found SNIPER_TRADING_MODE=\"paper\"") != std::string::npos);

    // Exactly "live": no case folding, no whitespace forgiveness.
    CHECK_FALSE(check_mode_allowed(c, fake_env({{"SNIPER_TRADING_MODE", "LIVE"}})).empty());
    CHECK_FALSE(check_mode_allowed(c, fake_env({{"SNIPER_TRADING_MODE", "live "}})).empty());
}

TEST_CASE("live in the file and the environment passes the opt-in (the start checks follow at run)",
          "[config][mode]") {
    const Config c = load_ok("mode = \"live\"\n");
    CHECK(check_mode_allowed(c, fake_env({{"SNIPER_TRADING_MODE", "live"}})).empty());
}
