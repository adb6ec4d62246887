#include "core/histogram.hpp"
#include "core/json.hpp"
#include "core/rng.hpp"
#include "core/types.hpp"

#include <catch2/catch.hpp>

using namespace sniper;

TEST_CASE("JSON writer escapes and separates", "[core][json]") {
    JsonWriter w;
    w.begin_object().kv("a", "x\"y\n\x01").kv("n", int64_t{-5}).kv("u", uint64_t{7});
    w.key("arr").begin_array().value(1.5).value(true).null().end_array();
    w.kv("nan", std::nan("")).end_object();
    CHECK(w.str() == R"({"a":"x\"y\n\u0001","n":-5,"u":7,"arr":[1.5,true,null],"nan":null})");
}

TEST_CASE("SOL formatting is integer-exact", "[core]") {
    CHECK(format_sol(1'204'100'000, true) == "+1.2041");
    CHECK(format_sol(-71'200'000, true) == "-0.0712");
    CHECK(format_sol(0, false) == "0.0000");
    CHECK(format_sol(INT64_MIN, true) == "-9223372036.8547");
}

TEST_CASE("the PRNG is deterministic per seed", "[core]") {
    Rng a(1), b(1), c(2);
    for (int i = 0; i < 100; ++i) {
        const uint64_t x = a.next();
        CHECK(x == b.next());
        (void)c.next();
    }
    CHECK(Rng(1).next() != Rng(2).next());
    Rng r(3);
    for (int i = 0; i < 1000; ++i) {
        const double u = r.uniform();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
    }
}

TEST_CASE("latency histogram percentiles", "[core]") {
    LatencyHistogram h;
    for (int i = 1; i <= 100; ++i) {
        h.record(i * 10);
    }
    CHECK(h.count() == 100);
    CHECK(h.percentile(0.5) == 510);
    CHECK(h.percentile(0.99) == 1000);
    h.record(1'000'000'000);
    CHECK(h.max() == 1'000'000'000);
}

TEST_CASE("trading state names round-trip", "[core]") {
    TradingState s{};
    REQUIRE(parse_trading_state("HALTED", s));
    CHECK(s == TradingState::Halted);
    CHECK(std::string(trading_state_name(TradingState::Reducing)) == "REDUCING");
    CHECK_FALSE(parse_trading_state("halted", s));
}
