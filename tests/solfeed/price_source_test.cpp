// [feeds.price]: the answer parser on both shapes and on hostile answers,
// and the source against a scripted HTTP server on loopback (polls for the
// watched mints, 429 with back-off, recovery).
#include "solfeed/price_source.hpp"

#include "core/clock.hpp"
#include "rpc/rpc_test_util.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <mutex>
#include <thread>

using namespace sniper;
using rpc::test::FakeReply;
using rpc::test::FakeRequest;
using rpc::test::FakeServer;
using solfeed::PriceAnswer;

namespace {

const std::string kMintA = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const std::string kMintB = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const std::string kSol = "So11111111111111111111111111111111111111112";

Pubkey key(const std::string& s) {
    Pubkey k{};
    REQUIRE(pubkey_from_base58(s, k));
    return k;
}

std::string v3(const std::string& a_usd, const std::string& sol_usd = "150") {
    return R"({")" + kMintA + R"(":{"usdPrice":)" + a_usd + R"(,"blockId":348004026,"decimals":6,"priceChange24h":-1.5},")" +
           kSol + R"(":{"usdPrice":)" + sol_usd + R"(,"blockId":348004026,"decimals":9}})";
}

class Sink final : public EventSink {
  public:
    void push_market_event(const EventBuf&) override {}
    void source_ended() override {}
    void reference_prices(std::vector<ReferencePrice> p) override {
        std::lock_guard<std::mutex> lk(mu);
        batches.push_back(std::move(p));
    }
    size_t count() {
        std::lock_guard<std::mutex> lk(mu);
        return batches.size();
    }
    std::mutex mu;
    std::vector<std::vector<ReferencePrice>> batches;
};

bool wait_for(const std::function<bool()>& pred, int64_t ns = 10'000'000'000) {
    const int64_t end = mono_ns() + ns;
    while (mono_ns() < end) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

} // namespace

TEST_CASE("price answers: v2 prices in SOL and v3 USD prices over SOL's, for the mints asked", "[solfeed][price]") {
    const std::vector<Pubkey> asked{key(kMintA), key(kMintB)};
    // v2: the price in SOL as a string; a mint the endpoint does not know is null.
    PriceAnswer a = solfeed::parse_price_answer(
        R"({"data":{")" + kMintA + R"(":{"id":")" + kMintA + R"(","type":"derivedPrice","price":"0.0000012"},")" +
            kMintB + R"(":null},"timeTaken":0.003})",
        asked);
    REQUIRE(a.reject.empty());
    REQUIRE(a.prices.size() == 1);
    CHECK(a.prices[0].mint == key(kMintA));
    CHECK(a.prices[0].sol_per_token == Approx(1.2e-6));
    CHECK(a.missing == 1);
    // v3: USD over SOL's USD; a mint absent from the answer is missing.
    a = solfeed::parse_price_answer(v3("0.0003"), asked);
    REQUIRE(a.reject.empty());
    REQUIRE(a.prices.size() == 1);
    CHECK(a.prices[0].sol_per_token == Approx(0.0003 / 150));
    CHECK(a.missing == 1);
    // The request: wSOL always asked; vsToken only for a v2 endpoint.
    CHECK(solfeed::price_request_url("https://lite-api.jup.ag/price/v3", {key(kMintA)}) ==
          "https://lite-api.jup.ag/price/v3?ids=" + kMintA + "," + kSol);
    CHECK(solfeed::price_request_url("https://api.jup.ag/price/v2", {key(kMintA)}) ==
          "https://api.jup.ag/price/v2?ids=" + kMintA + "," + kSol + "&vsToken=" + kSol);
}

TEST_CASE("price answers: a malformed or lying answer yields no price at all, with its reason", "[solfeed][price]") {
    const std::vector<Pubkey> asked{key(kMintA)};
    const auto reason = [&](const std::string& body) { return solfeed::parse_price_answer(body, asked); };
    for (const std::string& bad : {std::string("\"0\""), std::string("-1"), std::string("0"), std::string("\"NaN\""),
                                   std::string("\"1e400\""), std::string("null"), std::string("\"12abc\""),
                                   std::string("true"), std::string("\"\"")}) {
        INFO(bad);
        const PriceAnswer a = reason(v3(bad));
        CHECK(a.reject == "PRICE_INVALID");
        CHECK(a.prices.empty());
    }
    CHECK(reason(v3("1e999")).reject == "JSON_INVALID"); // beyond a double: not JSON simdjson accepts
    CHECK(reason(v3("0.1", "0")).reject == "PRICE_INVALID"); // SOL at 0 would divide by zero
    CHECK(reason(R"({")" + kMintA + R"(":{"usdPrice":0.1}})").reject == "NO_SOL_PRICE");
    CHECK(reason("[1,2]").reject == "JSON_INVALID");
    CHECK(reason("<html>busy</html>").reject == "JSON_INVALID");
    CHECK(reason(R"({"data":{")" + kMintA + R"(":{"id":")" + kMintB + R"(","price":"0.1"}}})").reject == "ID_MISMATCH");
    CHECK(reason(R"({"data":{")" + kMintA + R"(":{"id":")" + kMintA + R"(","price":"-0.1"}}})").reject ==
          "PRICE_INVALID");
}

TEST_CASE("price source polls the held mints, backs off on 429 and recovers", "[solfeed][price]") {
    testing::QuietLogs quiet;
    std::mutex mu;
    int served = 0;
    FakeServer server([&](const FakeRequest&) {
        std::lock_guard<std::mutex> lk(mu);
        ++served;
        if (served == 2) {
            FakeReply r;
            r.status = 429;
            r.body = R"({"error":"rate limited"})";
            r.headers = {"Retry-After: 0"};
            return r;
        }
        FakeReply r;
        r.body = v3("0.0003");
        return r;
    });
    PriceFeedConfig cfg;
    cfg.enabled = true;
    cfg.url = server.url() + "/price/v3";
    cfg.interval_ns = 50'000'000;
    cfg.timeout_ns = 2'000'000'000;
    solfeed::PriceSource source(cfg);
    Sink sink;
    source.start(sink);
    // Nothing held: nothing asked.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(server.requests().empty());
    CHECK(source.status()->state == "idle");
    source.watch_mints({key(kMintA)});
    REQUIRE(wait_for([&] { return sink.count() >= 2; }));
    const auto st = source.status();
    REQUIRE(st);
    source.stop();
    const auto reqs = server.requests();
    REQUIRE(reqs.size() >= 3);
    CHECK(reqs[0].target == "/price/v3?ids=" + kMintA + "," + kSol);
    CHECK(st->name == "price");
    CHECK(st->rejected_by_reason.at("RATE_LIMITED") == 1);
    CHECK(st->state == "up"); // the answer after the 429 was good
    std::lock_guard<std::mutex> lk(sink.mu);
    CHECK(sink.batches[0].size() == 1);
    CHECK(sink.batches[0][0].sol_per_token == Approx(0.0003 / 150));
    // After the 429 the next poll waited at least one interval.
    CHECK(reqs[2].at_ms - reqs[1].at_ms >= 50);
}

TEST_CASE("price source against a dead endpoint reports it down and hands over nothing", "[solfeed][price]") {
    testing::QuietLogs quiet;
    PriceFeedConfig cfg;
    cfg.enabled = true;
    cfg.url = "http://127.0.0.1:1/price/v3"; // nobody listens on port 1
    cfg.interval_ns = 20'000'000;
    cfg.timeout_ns = 500'000'000;
    solfeed::PriceSource source(cfg);
    Sink sink;
    source.start(sink);
    source.watch_mints({key(kMintA)});
    REQUIRE(wait_for([&] {
        const auto st = source.status();
        return st->state == "down" && st->rejected >= 2;
    }));
    const auto st = source.status();
    source.stop();
    CHECK(sink.count() == 0);
    CHECK(st->rejected_by_reason.count("HTTP_FAILED") == 1);
    REQUIRE(st->endpoints.size() == 1);
    CHECK_FALSE(st->endpoints[0].connected);
    CHECK_THAT(st->endpoints[0].last_error, Catch::StartsWith("HTTP_FAILED"));
}
