// Accounting and recovery on the real engine and journal: the drawdown
// circuit breaker, equity samples, today's totals and the equity peak after
// a restart, and paper orders in flight at a crash settled at start-up.
#include "engine/engine.hpp"
#include "feeds/sim_market.hpp"
#include "store/store.hpp"

#include <catch2/catch.hpp>

#include "store/test_support.hpp"
#include "test_support.hpp"
#include "engine/engine_support.hpp"

#include <filesystem>

using namespace sniper;
using testing::QuietLogs;
using testing::TempDir;
namespace fs = std::filesystem;

namespace {

Config make_config(const fs::path& dir, int64_t sim_minutes, uint64_t seed) {
    Config c = testing::base_config(dir, sim_minutes, seed);
    c.runtime.defaults.callback_budget_ns = RuntimeConfig{}.defaults.callback_budget_ns;
    c.risk.max_open_positions = 50;
    c.risk.max_slippage_bps = 3000;
    c.risk.max_order_lamports = kLamportsPerSol;
    c.protection.max_hold_ns = 90 * kNsPerSec; // positions close, so PnL is realized
    testing::install(c, testing::test_plugin("counting"));
    c.strategies["counting"].name = "counting";
    c.strategies["counting"].params_json = R"({"buy_on_new_pool":true,"buy_sol":0.2,"slippage_bps":2500})";
    return c;
}

struct Run {
    std::unique_ptr<Store> store;
    EngineSnapshot snap;
};

// Today's totals as the journal tells them (what a restart restores).
std::pair<int64_t, uint64_t> journal_today(Store& store) {
    int64_t pnl = 0;
    uint64_t fees = 0;
    for (const auto& [name, t] : store.fill_totals(INT64_MIN, INT64_MAX)) {
        pnl += t.realized_pnl_lamports;
        fees += t.fees_lamports;
    }
    return {pnl, fees};
}

Run run_once(const Config& cfg) {
    std::string err;
    Run r;
    r.store = Store::open(cfg.data_dir, &err);
    REQUIRE(r.store);
    r.store->start();
    SimMarket feed(cfg.feeds.sim);
    Engine engine(cfg, feed, r.store.get(), EngineOptions{});
    engine.restore();
    REQUIRE(engine.load_strategies() == 1);
    engine.run();
    r.store->flush();
    r.snap = engine.snapshot();
    return r;
}

} // namespace

TEST_CASE("each circuit breaker tier acts on its own and records why", "[engine][risk][breaker]") {
    QuietLogs quiet;
    struct Tier {
        const char* name;
        uint32_t warning, reduce, halt;
        TradingState end_state;
    };
    const Tier t = GENERATE(Tier{"warning", 10, 0, 0, TradingState::Active},
                            Tier{"reduce", 0, 50, 0, TradingState::Reducing},
                            Tier{"halt", 0, 0, 150, TradingState::Halted});
    INFO("tier " << t.name);
    TempDir d;
    Config cfg = make_config(d.path, 60, 5);
    cfg.risk.circuit_breaker = {t.warning, t.reduce, t.halt}; // bps of the peak (~10 SOL)
    Run r = run_once(cfg);
    CHECK(r.snap.risk.breaker_tier == t.name);
    CHECK(r.snap.state == t.end_state);
    sniper::test::RawDb db(cfg.data_dir + "/sniperd.db");
    const int64_t halved =
        db.integer("SELECT COUNT(*) FROM intents WHERE reason LIKE '%circuit breaker warning: size halved%'");
    if (t.warning != 0) {
        CHECK(halved > 0);
        CHECK(db.integer("SELECT COUNT(*) FROM audit_log WHERE actor = 'circuit_breaker'") == 1);
    } else {
        CHECK(halved == 0);
        CHECK_THAT(r.snap.state_reason, Catch::Contains(std::string("circuit breaker ") + t.name));
        CHECK(db.integer("SELECT COUNT(*) FROM trading_state WHERE actor = 'circuit_breaker'") == 1);
        // Entries were refused from then on.
        CHECK(r.snap.rejections_by_reason.count(t.end_state == TradingState::Halted ? "halted" : "reducing") == 1);
    }
}

TEST_CASE("with every tier set, the highest tier crossed wins",
          "[engine][risk][breaker]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 60, 5);
    cfg.risk.circuit_breaker = {10, 50, 150};
    Run r = run_once(cfg);
    CHECK(r.snap.state == TradingState::Halted);
    CHECK(r.snap.risk.breaker_tier == "halt");
    CHECK_THAT(r.snap.state_reason, Catch::Contains("circuit breaker halt: drawdown"));
}

TEST_CASE("a restart keeps today's realized loss and fees, the equity peak, and settles orders in flight",
          "[engine][recovery]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = make_config(d.path, 40, 9);
    {
        Run first = run_once(cfg);
        REQUIRE(first.snap.fills > 0);
        // The journal agrees with what the engine counted in memory.
        const auto [pnl, fees] = journal_today(*first.store);
        CHECK(first.snap.risk.today_realized_pnl_lamports == pnl);
        CHECK(first.snap.risk.today_fees_lamports == fees);
        CHECK(fees > 0);
        sniper::test::RawDb db(cfg.data_dir + "/sniperd.db");
        CHECK(db.integer("SELECT COUNT(*) FROM equity_samples") >= 40);
        CHECK(db.integer("SELECT equity_lamports FROM equity_samples ORDER BY id DESC LIMIT 1") ==
              first.snap.risk.equity_lamports);
        // A crash between "accepted" and the landing: an order row with no
        // outcome, as kill -9 leaves it.
        db.exec("INSERT INTO intents (intent_id, strategy, side, mint, pool, amount_in, max_slippage_bps, flags,"
                " client_tag, accepted, reason_code, reason, ts_ns) VALUES (999999, 'counting', 1,"
                " '11111111111111111111111111111112', '11111111111111111111111111111113', 1000, 100, 0, 0, 1, 0, '', 1)");
        db.exec("INSERT INTO orders (intent_id, strategy, status, side, mint, min_out, detail, ts_ns)"
                " VALUES (999999, 'counting', 1, 1, '11111111111111111111111111111112', 1, '', 1)");
    }
    const int64_t peak_before = [&] {
        sniper::test::RawDb db(cfg.data_dir + "/sniperd.db");
        return db.integer("SELECT MAX(equity_lamports) FROM equity_samples");
    }();

    cfg.feeds.sim.duration_ns = 5 * 60 * kNsPerSec; // same simulated day, a short second run
    cfg.feeds.sim.seed = 10;
    Run second = run_once(cfg);
    sniper::test::RawDb db(cfg.data_dir + "/sniperd.db");
    // Today's figures are the whole day's, both runs: the restart restored
    // the first run's and counted on.
    const auto [pnl, fees] = journal_today(*second.store);
    CHECK(second.snap.risk.today_realized_pnl_lamports == pnl);
    CHECK(second.snap.risk.today_fees_lamports == fees);
    CHECK(db.integer("SELECT COUNT(*) FROM fills WHERE ts_ns < (SELECT MIN(ts_ns) FROM equity_samples WHERE id >"
                     " (SELECT MAX(id) - 6 FROM equity_samples))") > 0); // fills of the first run count
    CHECK(second.snap.risk.equity_peak_lamports >= peak_before);
    // The order in flight at the "crash" was settled as expired, once.
    CHECK(db.integer("SELECT status FROM orders WHERE intent_id = 999999 ORDER BY id DESC LIMIT 1") ==
          SNP_ORDER_EXPIRED);
    CHECK(db.integer("SELECT COUNT(*) FROM orders WHERE intent_id = 999999") == 2);
    CHECK(db.integer("SELECT COUNT(*) FROM fills WHERE intent_id = 999999") == 0);
}
