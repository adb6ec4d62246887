// The event path end to end, in process: real plugins, the real simulated
// market, the real SQLite journal.
#include "core/log.hpp"
#include "engine/engine.hpp"
#include "feeds/sim_market.hpp"
#include "store/store.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"
#include "engine/engine_support.hpp"

#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <thread>
#include <unistd.h>

using namespace sniper;
using testing::TempDir;
using testing::QuietLogs;
namespace fs = std::filesystem;

namespace {

Config make_config(const fs::path& dir, int64_t sim_minutes, uint64_t seed) {
    Config c = testing::base_config(dir, sim_minutes, seed);
    c.paper.failure_rate_bps = 500;
    c.risk.max_open_positions = 10;
    c.risk.max_slippage_bps = 3000;
    c.risk.max_order_lamports = kLamportsPerSol;
    // Launch pools jump in the first slot: entries need room.
    c.strategies["example_sniper"].name = "example_sniper";
    c.strategies["example_sniper"].params_json = R"({"max_slippage_bps":2500})";
    return c;
}

using testing::built_plugin;
using testing::install;
using testing::test_plugin;

struct RunResult {
    std::string journal;
    std::vector<StrategyRow> rows;
    uint64_t events = 0;
    EngineSnapshot snap;
    std::vector<std::string> load_errors;
};

RunResult run_once(Config& cfg) {
    std::string err;
    auto store = Store::open(cfg.data_dir, &err);
    REQUIRE(store);
    SimMarket feed(cfg.feeds.sim);
    RunResult r;
    {
        Engine engine(cfg, feed, store.get(), EngineOptions{});
        engine.restore();
        store->start();
        engine.load_strategies();
        engine.run();
        r.rows = engine.strategy_rows();
        r.events = engine.events_processed();
        r.snap = engine.snapshot();
        r.load_errors = engine.load_errors();
    }
    store->flush();
    r.journal = store->dump_trade_journal();
    store->stop();
    return r;
}
} // namespace

TEST_CASE("both example strategies trade on the simulated market", "[engine][e2e]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 60, 42);
    install(cfg, built_plugin("example_sniper"));
    install(cfg, built_plugin("example_momentum"));
    const RunResult r = run_once(cfg);
    REQUIRE(r.rows.size() == 2);
    for (const StrategyRow& row : r.rows) {
        INFO(row.name << " last_error=" << row.last_error);
        CHECK(row.state == "running");
        CHECK(row.intents > 0);
        CHECK(row.trades > 0);
        CHECK(row.errors == 0);
    }
    CHECK(r.snap.fills > 0);
    CHECK(r.journal.find("fill|") != std::string::npos);
}

TEST_CASE("same seed and config give a byte-identical journal", "[engine][determinism]") {
    QuietLogs quiet;
    TempDir a, b, c;
    Config ca = make_config(a.path, 30, 7), cb = make_config(b.path, 30, 7), cc = make_config(c.path, 30, 8);
    for (Config* cfg : {&ca, &cb, &cc}) {
        install(*cfg, built_plugin("example_sniper"));
        install(*cfg, built_plugin("example_momentum"));
    }
    const RunResult ra = run_once(ca);
    const RunResult rb = run_once(cb);
    const RunResult rc = run_once(cc);
    REQUIRE(ra.journal.size() > 1000);
    CHECK(ra.journal == rb.journal);
    CHECK(ra.events == rb.events);
    CHECK(ra.journal != rc.journal);
}

TEST_CASE("every feed event reaches a subscribed strategy exactly once, in order", "[engine]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 20, 3);
    install(cfg, test_plugin("counting"));
    // Count the feed on its own with the same seed.
    SimMarket probe(cfg.feeds.sim);
    EventBuf ev;
    uint64_t feed_events = 0;
    while (probe.next(ev)) {
        ++feed_events;
    }
    const RunResult r = run_once(cfg);
    REQUIRE(r.rows.size() == 1);
    CHECK(r.events == feed_events);
    // The plugin throws if a sequence number repeats or goes backwards, so
    // zero errors also means strictly increasing seq.
    CHECK(r.rows[0].errors == 0);
    CHECK(r.rows[0].events == feed_events);
}

TEST_CASE("broken plugins are refused while the good ones trade", "[engine][faults]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 30, 5);
    install(cfg, built_plugin("example_sniper"));
    for (const char* bad : {"wrong_abi_major", "missing_symbol", "null_manifest", "small_manifest",
                            "null_vtable", "bad_name", "throws_in_create", "throws_in_on_event"}) {
        install(cfg, test_plugin(bad));
    }
    std::ofstream(fs::path(cfg.plugins_dir) / "garbage.so") << "not a library";
    const RunResult r = run_once(cfg);
    CHECK(r.load_errors.size() == 8); // 6 refused by the loader + garbage + throws_in_create
    bool sniper_ok = false, thrower_failed = false;
    size_t refused = 0;
    for (const StrategyRow& row : r.rows) {
        if (row.state == "refused") {
            ++refused;
            CHECK_FALSE(row.last_error.empty());
        }
        if (row.name == "wrong_abi_major") {
            CHECK(row.state == "refused");
            CHECK_THAT(row.last_error, Catch::Contains("built for strategy ABI 2.0"));
        }
        if (row.name == "example_sniper") {
            sniper_ok = row.state == "running" && row.trades > 0;
        }
        if (row.name == "throws_in_on_event") {
            thrower_failed = row.state == "failed" && row.errors >= 10;
        }
    }
    CHECK(sniper_ok);
    CHECK(thrower_failed);
    CHECK(refused == 7); // shown in `sniperctl strategies` with the reason
}

TEST_CASE("HALTED stops every order and survives a restart", "[engine][kill]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 30, 9);
    // counting buys every new pool regardless of the trading state, so every
    // one of its intents must meet the gate.
    install(cfg, test_plugin("counting"));
    cfg.strategies["counting"].name = "counting";
    cfg.strategies["counting"].params_json = R"({"buy_on_new_pool":true,"buy_sol":0.01})";
    {
        std::string err;
        auto store = Store::open(cfg.data_dir, &err);
        REQUIRE(store);
        store->start();
        SimMarket feed(cfg.feeds.sim);
        Engine engine(cfg, feed, store.get(), EngineOptions{});
        engine.restore();
        engine.load_strategies();
        REQUIRE(engine.set_trading_state(TradingState::Halted, "test kill", "test", &err));
        engine.run();
        const EngineSnapshot s = engine.snapshot();
        CHECK(s.intents > 0);
        CHECK(s.fills == 0);
        CHECK(s.rejections == s.intents);
        CHECK(s.rejections_by_reason.at("halted") == s.intents);
        store->stop();
    }
    // Restart: comes up HALTED, with the reason.
    std::string err;
    auto store = Store::open(cfg.data_dir, &err);
    REQUIRE(store);
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, store.get(), EngineOptions{});
    engine.restore();
    CHECK(engine.trading_state() == TradingState::Halted);
    CHECK(engine.snapshot().state_reason == "test kill");
}

TEST_CASE("positions survive a restart", "[engine][restart]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 15, 21);
    install(cfg, test_plugin("counting"));
    cfg.strategies["counting"].name = "counting";
    cfg.strategies["counting"].params_json = R"({"buy_on_new_pool":true,"buy_sol":0.01,"slippage_bps":2500})";
    const RunResult first = run_once(cfg);
    REQUIRE_FALSE(first.snap.positions.empty());
    std::string err;
    auto store = Store::open(cfg.data_dir, &err);
    REQUIRE(store);
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, store.get(), EngineOptions{});
    engine.restore();
    const auto open = store->load_open_positions();
    CHECK(open.size() == first.snap.positions.size());
}

TEST_CASE("a plugin built against the frozen ABI 1.0 header loads and trades on the 1.1 host", "[engine][abi]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 30, 7);
    cfg.strategies.clear();
    cfg.strategies["abi10_trader"].name = "abi10_trader";
    install(cfg, test_plugin("abi10_trader"));
    const RunResult r = run_once(cfg);
    REQUIRE(r.load_errors.empty());
    REQUIRE(r.rows.size() == 1);
    const StrategyRow& row = r.rows[0];
    INFO("last_error=" << row.last_error);
    CHECK(row.name == "abi10_trader");
    CHECK(row.state == "running");
    CHECK(row.errors == 0);
    CHECK(row.intents > 10);
    CHECK(row.trades > 0);
    // Its 136-byte intents became orders and fills, buys and sells.
    CHECK(r.snap.fills > 0);
    CHECK(r.journal.find("|strategy=abi10_trader|side=buy") != std::string::npos);
    CHECK(r.journal.find("|strategy=abi10_trader|side=sell") != std::string::npos);
}

namespace {
// An executor that is not the paper one: it fills every buy at a fixed
// 1000 atoms per lamport after 1 s, refuses every sell as not landed, and
// counts what it was asked. The engine must not care which executor it has.
class FakeExecutor final : public Executor {
  public:
    const char* name() const override { return "fake"; }
    uint64_t quote(const PoolState&, uint32_t side, uint64_t amount_in) const override {
        return side == SNP_SIDE_BUY ? amount_in * 1000 : amount_in / 1000;
    }
    uint64_t fees_per_order() const override { return 7; }
    int64_t submit(const Order&, int64_t now_ns) override {
        ++submitted;
        return now_ns + kNsPerSec;
    }
    ExecReport settle(const Order& o) override {
        ExecReport r;
        r.intent_id = o.intent_id;
        if (o.side == SNP_SIDE_BUY) {
            r.status = SNP_ORDER_FILLED;
            r.in_amount = o.amount_in;
            r.out_amount = o.amount_in * 1000;
            r.fee_lamports = 7;
        } else {
            r.status = SNP_ORDER_FAILED;
            r.code = kExecNotLanded;
            r.reason = "fake: sells never land";
        }
        ++settled;
        return r;
    }
    std::vector<ExecReport> reconcile(const std::vector<UnsettledOrder>&) override { return {}; }
    uint64_t submitted = 0, settled = 0;
};
} // namespace

TEST_CASE("the engine trades through any Executor: a fake one's reports move the ledger", "[engine][executor]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 20, 3);
    install(cfg, built_plugin("example_sniper"));
    SimMarket feed(cfg.feeds.sim);
    auto fake = std::make_unique<FakeExecutor>();
    FakeExecutor* ex = fake.get();
    Engine engine(cfg, feed, nullptr, EngineOptions{}, std::move(fake));
    REQUIRE(engine.load_strategies() == 1);
    engine.run();
    const EngineSnapshot snap = engine.snapshot();
    REQUIRE(ex->submitted > 0);
    CHECK(ex->settled == ex->submitted); // the run ends settled
    CHECK(snap.fills > 0);
    for (const PositionRow& p : snap.positions) {
        // Every position is the fake's fills: 1000 atoms per lamport spent,
        // cost = spent + 7 lamports of fee per buy.
        CHECK(p.amount_atoms % 1000 == 0);
        CHECK((p.cost_lamports - p.amount_atoms / 1000) % 7 == 0);
    }
    CHECK(snap.failed_orders > 0); // its sells fail: the engine retried and reported them
}

// A post that arrives while run() is finishing (its last snapshot, the
// store's flush) used to run at once on the poster's thread, beside the
// engine thread still reading the strategies: a reload's swap then freed a
// plugin the last snapshot was reading (seen under ASan). It must run on
// the engine thread, after what finish() was doing, before run() returns.
TEST_CASE("work posted while the run finishes runs on the engine thread before run returns", "[engine][post]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 1, 5);
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, nullptr, EngineOptions{});
    std::promise<void> finishing;
    std::atomic<bool> second_posted{false}, first_done{false}, overlap{false}, second_ran{false};
    std::thread::id engine_thread, second_thread;
    // Re-posted after every event until the run is over: then it runs
    // inside finish(), and holds the engine thread until the second post
    // has returned (at most 5 s).
    std::function<void()> first;
    first = [&] {
        if (engine.running()) {
            engine.post(first);
            return;
        }
        engine_thread = std::this_thread::get_id();
        finishing.set_value();
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!second_posted.load() && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        first_done = true;
    };
    engine.post(first);
    std::thread runner([&engine] { engine.run(); });
    finishing.get_future().wait();
    engine.post([&] {
        overlap = !first_done.load();
        second_thread = std::this_thread::get_id();
        second_ran = true;
    });
    second_posted = true;
    runner.join();
    CHECK(second_ran.load());
    CHECK_FALSE(overlap.load());
    CHECK(second_thread == engine_thread);
    // Once run() has returned, a post runs at once on its caller.
    bool inline_ran = false;
    engine.post([&] { inline_ran = true; });
    CHECK(inline_ran);
}
