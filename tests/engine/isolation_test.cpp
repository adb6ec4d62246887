// Fault isolation on the real engine: a strategy whose callback never
// returns (sleeping or spinning), or returns too slowly, must not stop the
// other strategies' events, position protection, the kill switch or the
// end of the run.
#include "engine/engine.hpp"
#include "feeds/sim_market.hpp"
#include "strategy/native_plugin.hpp"
#include "store/store.hpp"

#include <catch2/catch.hpp>

#include "store/test_support.hpp"
#include "test_support.hpp"
#include "engine/engine_support.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

using namespace sniper;
using testing::QuietLogs;
using testing::TempDir;
namespace fs = std::filesystem;

namespace {
using testing::counted_events;
using testing::feed_events;
using testing::test_plugin;

Config make_config(const fs::path& dir, int64_t sim_minutes) {
    Config c = testing::base_config(dir, sim_minutes, 91);
    c.runtime.defaults.callback_budget_ns = RuntimeConfig{}.defaults.callback_budget_ns; // budgets are tested here
    c.runtime.defaults.hang_timeout_ns = 100'000'000; // 100 ms
    c.risk.max_open_positions = 1000;
    c.risk.max_slippage_bps = 3000;
    c.risk.max_exposure_lamports = 1000 * kLamportsPerSol;
    return c;
}


const StrategyRow* row(const EngineSnapshot& s, const std::string& name) {
    for (const auto& r : s.strategies) {
        if (r.name == name) {
            return &r;
        }
    }
    return nullptr;
}
} // namespace

TEST_CASE("a hung callback is abandoned, the other strategy gets every event and protection runs",
          "[engine][isolation]") {
    QuietLogs quiet;
    const std::string mode = GENERATE(std::string("sleep"), std::string("spin"));
    TempDir d;
    Config cfg = make_config(d.path, 90);
    cfg.protection.max_hold_ns = 2 * 60 * kNsPerSec; // exits that can only happen after the hang
    const uint64_t expected = feed_events(cfg.feeds.sim);
    std::string err;
    auto store = Store::open(cfg.data_dir, &err);
    REQUIRE(store);
    store->start();
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, store.get(), EngineOptions{});
    REQUIRE(engine.add_strategy(NativePlugin::load(test_plugin("counting"), (d.path / "cache").string(), &err), "counting", "{}"));
    REQUIRE(engine.add_strategy(NativePlugin::load(test_plugin("hangs"), (d.path / "cache").string(), &err), "hangs",
                                R"({"mode":")" + mode + R"(","after":600})"));
    engine.run(); // returns: the feed ended although "hangs" never came back
    const EngineSnapshot snap = engine.snapshot();

    CHECK(counted_events(engine) == expected); // nothing lost, nothing twice
    const StrategyRow* h = row(snap, "hangs");
    REQUIRE(h != nullptr);
    CHECK(h->state == "failed");
    CHECK(h->last_error.find("hang_timeout") != std::string::npos);
    CHECK(row(snap, "counting")->state == "running");
    // "hangs" bought before it hung; only host protection could sell.
    INFO("fills " << snap.fills << " failed " << snap.failed_orders << " intents " << snap.intents << " rejections " << snap.rejections
                  << " positions " << snap.positions.size());
    for (const auto& [k, v] : snap.rejections_by_reason) {
        INFO(k << "=" << v);
    }
    CHECK(snap.protection_exits.count("max_hold") == 1);
    CHECK(snap.protection_exits.at("max_hold") > 0);
    for (const PositionRow& p : snap.positions) {
        // Every one of its positions was closed by the host (a honeypot's
        // exit reverts; those are marked, not dropped).
        CHECK((p.strategy != "hangs" || p.protection_exit_failed));
    }
}

TEST_CASE("a callback over its budget counts faults until the strategy fails", "[engine][isolation]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 30);
    RuntimeLimits slow = cfg.runtime.defaults;
    slow.callback_budget_ns = 5'000'000; // 5 ms
    slow.max_faults = 3;
    cfg.runtime.strategy["hangs"] = slow;
    const uint64_t expected = feed_events(cfg.feeds.sim);
    std::string err;
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, nullptr, EngineOptions{});
    REQUIRE(engine.add_strategy(NativePlugin::load(test_plugin("counting"), (d.path / "cache").string(), &err), "counting", "{}"));
    REQUIRE(engine.add_strategy(NativePlugin::load(test_plugin("hangs"), (d.path / "cache").string(), &err), "hangs",
                                R"({"mode":"slow","slow_ms":20,"after":10})"));
    engine.run();
    const EngineSnapshot snap = engine.snapshot();
    const StrategyRow* h = row(snap, "hangs");
    REQUIRE(h != nullptr);
    CHECK(h->state == "failed");
    CHECK(h->errors == 3);
    CHECK(h->last_error.find("callback budget") != std::string::npos);
    CHECK(counted_events(engine) == expected);
}

TEST_CASE("a create that never returns fails that strategy only", "[engine][isolation]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 5);
    std::string err;
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, nullptr, EngineOptions{});
    CHECK_FALSE(engine.add_strategy(NativePlugin::load(test_plugin("hangs"), (d.path / "cache").string(), &err), "hangs",
                                    R"({"in_create":true})"));
    REQUIRE(engine.add_strategy(NativePlugin::load(test_plugin("counting"), (d.path / "cache").string(), &err), "counting", "{}"));
    engine.run();
    CHECK(counted_events(engine) == feed_events(cfg.feeds.sim));
    bool shown = false;
    for (const StrategyRow& r : engine.snapshot().strategies) {
        if (r.state == "refused" && r.last_error.find("create did not return") != std::string::npos) {
            shown = true;
        }
    }
    CHECK(shown);
}

TEST_CASE("kill while a callback is stuck: HALTED at once, nothing approved after it", "[engine][isolation]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 60);
    cfg.runtime.defaults.hang_timeout_ns = 1'500'000'000; // stuck long enough to kill inside it
    std::string err;
    auto store = Store::open(cfg.data_dir, &err);
    REQUIRE(store);
    store->start();
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, store.get(), EngineOptions{});
    REQUIRE(engine.add_strategy(NativePlugin::load(test_plugin("counting"), (d.path / "cache").string(), &err), "counting",
                                R"({"buy_on_new_pool":true,"buy_sol":0.01})"));
    REQUIRE(engine.add_strategy(NativePlugin::load(test_plugin("hangs"), (d.path / "cache").string(), &err), "hangs",
                                R"({"mode":"sleep","after":300})"));
    std::thread runner([&engine] { engine.run(); });
    // The sim runs flat out: "hangs" is stuck within milliseconds, for 1.5 s.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    REQUIRE(engine.running());
    REQUIRE(row(engine.snapshot(), "hangs")->state == "running"); // not abandoned yet
    REQUIRE(engine.set_trading_state(TradingState::Halted, "test kill", "test", &err));
    CHECK(engine.trading_state() == TradingState::Halted);
    // What was approved before the kill, as journaled (the writer drains
    // while the event path is stuck).
    store->flush();
    sniper::test::RawDb db(cfg.data_dir + "/sniperd.db");
    const int64_t approved_at_kill = db.integer("SELECT COUNT(*) FROM intents WHERE accepted = 1");
    CHECK(approved_at_kill > 0);
    runner.join();
    store->flush();
    CHECK(db.integer("SELECT COUNT(*) FROM intents WHERE accepted = 1") == approved_at_kill);
    // The other strategy went on buying after the takeover; all refused.
    CHECK(db.integer("SELECT COUNT(*) FROM intents WHERE accepted = 0 AND reason_code = 1001") > 0);
    CHECK(row(engine.snapshot(), "hangs")->state == "failed");
}
