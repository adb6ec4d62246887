// The limits configured in [risk] / [risk.strategy.<name>] beyond order
// size, open positions and slippage: each at its edge, fail-closed inputs,
// exits under every tripped limit, the order-rate window, the UTC day, and
// a seeded property test against a small simulated book.
#include "risk/risk_gate.hpp"
#include "risk/utc_day.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <vector>

using namespace sniper;

namespace {
constexpr uint64_t kSol = kLamportsPerSol;
constexpr int64_t kNow = 1'700'000'000LL * kNsPerSec;

struct Fixture {
    RiskConfig limits;
    std::string strategy = "s";
    snp_intent intent{};
    PoolState pool;
    Position position;
    RiskInput in;
    Fixture() {
        limits.max_order_lamports = 10 * kSol;
        limits.max_open_positions = 100;
        limits.max_slippage_bps = 500;
        intent.struct_size = sizeof intent;
        intent.side = SNP_SIDE_BUY;
        intent.mint.bytes[0] = 2;
        intent.pool.bytes[0] = 1;
        intent.amount_in = kSol / 10;
        intent.max_slippage_bps = 300;
        pool.pool = intent.pool;
        pool.mint = intent.mint;
        pool.base_reserve_atoms = 1'000'000;
        pool.quote_reserve_lamports = 50 * kSol;
        pool.updated_ns = kNow - kNsPerSec;
        pool.lp_burned_bps = 10000;
        pool.top10_holder_bps = 1000;
        position.strategy = "s";
        position.mint = intent.mint;
        position.amount_atoms = 500;
        position.cost_lamports = kSol;
        in.strategy = &strategy;
        in.intent = &intent;
        in.state = TradingState::Active;
        in.pool = &pool;
        in.available_lamports = 1000 * kSol;
        in.fees_per_order_lamports = 15000;
        in.now_ns = kNow;
        in.equity_lamports = 100 * kSol;
        in.equity_peak_lamports = 100 * kSol;
    }
    RiskReason check() {
        RiskGate g(limits);
        return g.check(in).reason;
    }
    // The fixture's pool as a NEW_POOL into `book` (safe facts, a second
    // old), and the intent priced against the book's entry.
    void book_pool(PoolBook& book, uint32_t dex) {
        snp_ev_new_pool np{};
        np.pool = pool.pool;
        np.base_mint = pool.mint;
        np.dex = dex;
        np.base_reserve_atoms = pool.base_reserve_atoms;
        np.quote_reserve_lamports = pool.quote_reserve_lamports;
        np.lp_burned_bps = 10000;
        np.top10_holder_bps = 1000;
        np.h.source_ns = kNow - kNsPerSec;
        book.on_new_pool(np);
        in.pool = book.find(pool.pool);
    }
    // An update of the fixture's pool at its reserves, now.
    snp_ev_pool_update pool_update() const {
        snp_ev_pool_update up{};
        up.pool = pool.pool;
        up.base_mint = pool.mint;
        up.base_reserve_atoms = pool.base_reserve_atoms;
        up.quote_reserve_lamports = pool.quote_reserve_lamports;
        up.h.source_ns = kNow;
        return up;
    }
    void make_exit() {
        intent.side = SNP_SIDE_SELL;
        intent.flags = SNP_INTENT_SELL_ALL;
        intent.amount_in = 0;
        intent.max_slippage_bps = 9000;
        in.position = &position;
    }
};
} // namespace

TEST_CASE("every new reason code has a name and an index in range", "[risk][limits]") {
    for (int32_t c = 1001; c <= 1027; ++c) {
        const auto r = static_cast<RiskReason>(c);
        CHECK(std::string(risk_reason_name(r)) != "unknown");
        CHECK(risk_reason_index(r) < kRiskReasonCount);
    }
    CHECK(kRiskReasonCount == 28);
    CHECK(std::string(risk_reason_name(RiskReason::StalePrice)) == "stale_price");
    CHECK(std::string(risk_reason_name(RiskReason::CurveComplete)) == "curve_complete");
}

TEST_CASE("a completed bonding curve refuses entries and sells for good: the program takes no trade", "[risk][limits]") {
    Fixture f;
    PoolBook book;
    f.book_pool(book, SNP_DEX_PUMP_FUN);
    CHECK(f.check() == RiskReason::None);
    snp_ev_curve_complete done{};
    done.pool = f.pool.pool;
    done.base_mint = f.pool.pool; // another mint: not this pool's, ignored
    book.on_curve_complete(done);
    CHECK(f.check() == RiskReason::None);
    done.base_mint = f.pool.mint;
    book.on_curve_complete(done);
    CHECK(f.check() == RiskReason::CurveComplete);
    RiskGate g(f.limits);
    CHECK_THAT(g.check(f.in).message, Catch::Contains("bonding curve completed"));
    // A later update of its reserves does not reopen it.
    const snp_ev_pool_update up = f.pool_update();
    book.on_pool_update(up);
    CHECK(f.check() == RiskReason::CurveComplete);
    // pump.fun's sell fails on a completed curve (BondingCurveComplete):
    // the held coin is sold on its migration pool instead.
    f.make_exit();
    CHECK(f.check() == RiskReason::CurveComplete);
    CHECK_THAT(g.check(f.in).message, Catch::Contains("sell on the pool its migration makes"));
}

TEST_CASE("no new limit is applied when absent, whatever the unfilled inputs say",
          "[risk][limits]") {
    Fixture f;
    f.in.now_ns = 0;
    f.in.equity_lamports = 0;
    f.in.equity_peak_lamports = 0;
    f.pool.updated_ns = 0;
    f.pool.flags = SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT;
    f.pool.lp_burned_bps = 0;
    f.pool.top10_holder_bps = 10000;
    f.in.realized_pnl_today_lamports = -1000 * static_cast<int64_t>(kSol);
    f.in.last_loss_exit_ns = 1;
    CHECK(f.check() == RiskReason::None);
}

TEST_CASE("max_position: cost + buy at the limit passes, one lamport more is refused",
          "[risk][limits]") {
    Fixture f;
    f.in.position = &f.position;
    f.in.position_cost_lamports = kSol;
    f.limits.max_position_lamports = kSol + f.intent.amount_in;
    CHECK(f.check() == RiskReason::None);
    f.intent.amount_in += 1;
    CHECK(f.check() == RiskReason::MaxPosition);
    SECTION("overflow is never within the cap") {
        f.in.position_cost_lamports = UINT64_MAX;
        CHECK(f.check() == RiskReason::MaxPosition);
    }
}

TEST_CASE("max_exposure: total at the limit passes, above refused, an override caps the strategy",
          "[risk][limits]") {
    Fixture f;
    f.limits.max_exposure_lamports = 3 * kSol;
    f.in.exposure_lamports = 3 * kSol - f.intent.amount_in;
    CHECK(f.check() == RiskReason::None);
    f.in.exposure_lamports += 1;
    CHECK(f.check() == RiskReason::MaxExposure);
    f.in.exposure_lamports = 0;
    f.limits.strategy["s"].max_exposure_lamports = kSol;
    f.in.strategy_exposure_lamports = kSol - f.intent.amount_in;
    CHECK(f.check() == RiskReason::None);
    f.in.strategy_exposure_lamports += 1;
    CHECK(f.check() == RiskReason::MaxExposure);
    f.strategy = "other"; // the override is this strategy's only
    CHECK(f.check() == RiskReason::None);
}

TEST_CASE("max_daily_loss: refused once today's realized loss reaches the limit",
          "[risk][limits]") {
    Fixture f;
    const int64_t lim = 3 * static_cast<int64_t>(kSol);
    f.limits.max_daily_loss_lamports = 3 * kSol;
    f.in.realized_pnl_today_lamports = -(lim - 1);
    CHECK(f.check() == RiskReason::None);
    f.in.realized_pnl_today_lamports = -lim;
    CHECK(f.check() == RiskReason::MaxDailyLoss);
    f.in.realized_pnl_today_lamports = INT64_MIN;
    CHECK(f.check() == RiskReason::MaxDailyLoss);
    SECTION("the override applies to the strategy's own PnL") {
        f.in.realized_pnl_today_lamports = 0;
        f.limits.strategy["s"].max_daily_loss_lamports = kSol;
        f.in.strategy_realized_pnl_today_lamports = -static_cast<int64_t>(kSol) + 1;
        CHECK(f.check() == RiskReason::None);
        f.in.strategy_realized_pnl_today_lamports -= 1;
        CHECK(f.check() == RiskReason::MaxDailyLoss);
    }
}

TEST_CASE("max_drawdown: refused at or beyond the limit, an unknown peak fails closed",
          "[risk][limits]") {
    Fixture f;
    f.limits.max_drawdown_bps = 2000; // 20 %
    f.in.equity_peak_lamports = 10 * static_cast<int64_t>(kSol);
    f.in.equity_lamports = 8 * static_cast<int64_t>(kSol) + 1; // just under 20 % down
    CHECK(f.check() == RiskReason::None);
    f.in.equity_lamports = 8 * static_cast<int64_t>(kSol); // exactly 20 %
    CHECK(f.check() == RiskReason::MaxDrawdown);
    f.in.equity_lamports = -5; // below zero: beyond 100 %
    CHECK(f.check() == RiskReason::MaxDrawdown);
    f.in.equity_lamports = 12 * static_cast<int64_t>(kSol); // above a stale peak: no drawdown
    CHECK(f.check() == RiskReason::None);
    f.in.equity_peak_lamports = 0;
    CHECK(f.check() == RiskReason::MaxDrawdown);
    f.in.equity_peak_lamports = -1;
    CHECK(f.check() == RiskReason::MaxDrawdown);
}

TEST_CASE("min_liquidity: at the floor passes, one lamport below is refused", "[risk][limits]") {
    Fixture f;
    f.limits.min_liquidity_lamports = 10 * kSol;
    f.pool.quote_reserve_lamports = 10 * kSol;
    CHECK(f.check() == RiskReason::None);
    f.pool.quote_reserve_lamports -= 1;
    CHECK(f.check() == RiskReason::MinLiquidity);
    f.pool.quote_reserve_lamports = 0; // no reserves at all: no price, before liquidity
    CHECK(f.check() == RiskReason::NoPrice);
}

TEST_CASE("max_fees_per_day counts this order's fees", "[risk][limits]") {
    Fixture f;
    f.limits.max_fees_per_day_lamports = 1'000'000;
    f.in.fees_today_lamports = 1'000'000 - f.in.fees_per_order_lamports;
    CHECK(f.check() == RiskReason::None);
    f.in.fees_today_lamports += 1;
    CHECK(f.check() == RiskReason::MaxFeesPerDay);
    f.in.fees_today_lamports = 0;
    f.limits.strategy["s"].max_fees_per_day_lamports = 100'000;
    f.in.strategy_fees_today_lamports = 100'000 - f.in.fees_per_order_lamports;
    CHECK(f.check() == RiskReason::None);
    f.in.strategy_fees_today_lamports += 1;
    CHECK(f.check() == RiskReason::MaxFeesPerDay);
}

TEST_CASE("token safety gates", "[risk][limits]") {
    Fixture f;
    SECTION("mint authority") {
        f.pool.flags = SNP_POOL_MINT_AUTHORITY_PRESENT;
        CHECK(f.check() == RiskReason::None);
        f.limits.reject_mint_authority = true;
        CHECK(f.check() == RiskReason::MintAuthority);
        f.pool.flags = SNP_POOL_FREEZE_AUTHORITY_PRESENT;
        CHECK(f.check() == RiskReason::None);
    }
    SECTION("freeze authority, set only in the override") {
        f.pool.flags = SNP_POOL_FREEZE_AUTHORITY_PRESENT;
        f.limits.strategy["s"].reject_freeze_authority = true;
        CHECK(f.check() == RiskReason::FreezeAuthority);
        f.pool.flags = 0;
        CHECK(f.check() == RiskReason::None);
    }
    SECTION("LP burned: at the floor passes, 1 bps below refused") {
        f.limits.min_lp_burned_bps = 9000;
        f.pool.lp_burned_bps = 9000;
        CHECK(f.check() == RiskReason::None);
        f.pool.lp_burned_bps = 8999;
        CHECK(f.check() == RiskReason::MinLpBurned);
        f.pool.lp_burned_bps = 0; // unknown reads as none burned: refused
        CHECK(f.check() == RiskReason::MinLpBurned);
    }
    SECTION("top-10 holders: at the cap passes, 1 bps above refused") {
        f.limits.max_top10_holder_bps = 3500;
        f.pool.top10_holder_bps = 3500;
        CHECK(f.check() == RiskReason::None);
        f.pool.top10_holder_bps = 3501;
        CHECK(f.check() == RiskReason::MaxTop10Holders);
    }
}

TEST_CASE("refuse_unknown_safety = false lets a fact the feed could not establish through its limit, and only "
          "that one",
          "[risk][limits]") {
    Fixture f;
    f.limits.reject_mint_authority = true;
    f.limits.reject_freeze_authority = true;
    f.limits.min_lp_burned_bps = 9000;
    f.limits.max_top10_holder_bps = 3500;
    // Every fact unknown, each at its worst value: refused by default.
    f.pool.flags = SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT | SNP_POOL_AUTHORITIES_UNKNOWN |
                   SNP_POOL_LP_UNKNOWN | SNP_POOL_HOLDERS_UNKNOWN;
    f.pool.lp_burned_bps = 0;
    f.pool.top10_holder_bps = 10000;
    CHECK(f.check() == RiskReason::MintAuthority);
    RiskGate g(f.limits);
    CHECK_THAT(g.check(f.in).message, Catch::Contains("not established"));
    f.limits.refuse_unknown_safety = true;
    CHECK(f.check() == RiskReason::MintAuthority);
    f.limits.refuse_unknown_safety = false;
    CHECK(f.check() == RiskReason::None);
    // A measured fact still counts: each limit refuses on its own measure.
    f.pool.flags &= ~SNP_POOL_LP_UNKNOWN;
    CHECK(f.check() == RiskReason::MinLpBurned);
    f.pool.lp_burned_bps = 10000;
    f.pool.flags &= ~SNP_POOL_HOLDERS_UNKNOWN;
    CHECK(f.check() == RiskReason::MaxTop10Holders);
    f.pool.top10_holder_bps = 1000;
    f.pool.flags &= ~SNP_POOL_AUTHORITIES_UNKNOWN;
    CHECK(f.check() == RiskReason::MintAuthority);
    f.pool.flags = SNP_POOL_FREEZE_AUTHORITY_PRESENT;
    CHECK(f.check() == RiskReason::FreezeAuthority);
    f.pool.flags = 0;
    CHECK(f.check() == RiskReason::None);
}

TEST_CASE("loss_cooldown: refused within the cooldown after a losing exit", "[risk][limits]") {
    Fixture f;
    f.limits.loss_cooldown_ns = 15 * 60 * kNsPerSec;
    f.in.last_loss_exit_ns = 0; // never lost on this mint
    CHECK(f.check() == RiskReason::None);
    f.in.last_loss_exit_ns = kNow - *f.limits.loss_cooldown_ns + 1;
    CHECK(f.check() == RiskReason::LossCooldown);
    f.in.last_loss_exit_ns = kNow - *f.limits.loss_cooldown_ns;
    CHECK(f.check() == RiskReason::None);
    f.in.last_loss_exit_ns = kNow - 1;
    f.in.now_ns = 0; // cannot tell how long ago: fail closed
    CHECK(f.check() == RiskReason::LossCooldown);
}

TEST_CASE("max_price_age: stale or unknown update time refuses entries", "[risk][limits]") {
    Fixture f;
    f.limits.max_price_age_ns = 30 * kNsPerSec;
    f.pool.updated_ns = kNow - 30 * kNsPerSec;
    CHECK(f.check() == RiskReason::None);
    f.pool.updated_ns -= 1;
    CHECK(f.check() == RiskReason::StalePrice);
    f.pool.updated_ns = kNow + kNsPerSec; // stamped after now: fresh
    CHECK(f.check() == RiskReason::None);
    f.pool.updated_ns = 0;
    CHECK(f.check() == RiskReason::StalePrice);
    f.pool.updated_ns = kNow;
    f.in.now_ns = 0;
    CHECK(f.check() == RiskReason::StalePrice);
}

TEST_CASE("a pool a feed marked stale refuses entries until fresh data, never exits", "[risk][limits]") {
    Fixture f;
    PoolBook book;
    f.book_pool(book, SNP_DEX_SIM);
    CHECK(f.check() == RiskReason::None); // no max_price_age: the age alone is no reason
    CHECK(book.mark_stale(f.pool.pool));
    Pubkey unknown{};
    unknown.bytes[0] = 99;
    CHECK_FALSE(book.mark_stale(unknown));
    CHECK(f.check() == RiskReason::StalePrice);
    RiskGate g(f.limits);
    CHECK_THAT(g.check(f.in).message, Catch::Contains("lost this pool's data"));
    f.make_exit();
    CHECK(f.check() == RiskReason::None); // a protective exit is never held back
    f.intent.side = SNP_SIDE_BUY;
    f.intent.flags = 0;
    f.intent.amount_in = kSol / 10;
    f.intent.max_slippage_bps = 300;
    const snp_ev_pool_update up = f.pool_update();
    book.on_pool_update(up);
    CHECK(f.check() == RiskReason::None);
}

TEST_CASE("per-intent overrides tighten, and a looser one built in code cannot loosen",
          "[risk][limits]") {
    Fixture f;
    f.limits.strategy["s"].max_order_lamports = kSol / 20;
    CHECK(f.check() == RiskReason::MaxOrderSize);
    f.limits.strategy["s"].max_order_lamports = 100 * kSol; // looser: ignored
    f.intent.amount_in = f.limits.max_order_lamports + 1;
    CHECK(f.check() == RiskReason::MaxOrderSize);
    f.intent.amount_in = kSol / 10;
    f.limits.strategy["s"].max_slippage_bps = 100;
    CHECK(f.check() == RiskReason::MaxSlippage);
    f.limits.strategy["s"].max_slippage_bps.reset();
    f.limits.strategy["s"].max_open_positions = 2;
    f.in.open_positions = 2;
    CHECK(f.check() == RiskReason::MaxOpenPositions);
}

TEST_CASE("order rate: 1000 intents in one second at 100/min let exactly 100 through",
          "[risk][limits][rate]") {
    Fixture f;
    f.limits.max_orders_per_minute = 100;
    RiskGate g(f.limits);
    int passed = 0;
    for (int i = 0; i < 1000; ++i) {
        f.in.now_ns = kNow + i * kNsPerMs; // 1000 intents within 1 s
        const RiskDecision d = g.check(f.in);
        if (d.approved()) {
            ++passed;
        } else {
            REQUIRE(d.reason == RiskReason::MaxOrdersPerMinute);
        }
    }
    CHECK(passed == 100);
    // Just under 60 s after the first approval all 100 still count.
    f.in.now_ns = kNow + 60 * kNsPerSec - 1;
    CHECK(g.check(f.in).reason == RiskReason::MaxOrdersPerMinute);
    // From 60 s on, each approval leaves the window 60 s after it was made:
    // the same burst again lets exactly 100 through.
    passed = 0;
    for (int i = 0; i < 1000; ++i) {
        f.in.now_ns = kNow + 60 * kNsPerSec + i * kNsPerMs;
        passed += g.check(f.in).approved() ? 1 : 0;
    }
    CHECK(passed == 100);
    // Exits are neither limited nor counted.
    f.make_exit();
    for (int i = 0; i < 50; ++i) {
        CHECK(g.check(f.in).approved());
    }
}

TEST_CASE("order rate: per strategy and total windows are separate", "[risk][limits][rate]") {
    Fixture f;
    f.limits.max_orders_per_minute = 3;
    f.limits.max_orders_per_minute_total = 5;
    f.limits.strategy["b"].max_orders_per_minute = 1;
    RiskGate g(f.limits);
    std::string a = "a", b = "b", c = "c";
    f.in.strategy = &a;
    for (int i = 0; i < 3; ++i) {
        CHECK(g.check(f.in).approved());
    }
    CHECK(g.check(f.in).reason == RiskReason::MaxOrdersPerMinute);
    f.in.strategy = &b;
    CHECK(g.check(f.in).approved());
    CHECK(g.check(f.in).reason == RiskReason::MaxOrdersPerMinute); // b's override: 1
    f.in.strategy = &c;
    CHECK(g.check(f.in).approved()); // 5 in total now
    CHECK(g.check(f.in).reason == RiskReason::MaxOrdersPerMinuteTotal);
    // Rejections do not count: after 60 s everyone starts afresh.
    f.in.now_ns += 60 * kNsPerSec;
    CHECK(g.check(f.in).approved());
    // The window survives a reload of the limits.
    g.set_limits(f.limits);
    f.in.strategy = &b;
    CHECK(g.check(f.in).approved());
    CHECK(g.check(f.in).reason == RiskReason::MaxOrdersPerMinute);
    // No clock, no rate: fail closed.
    f.in.now_ns = 0;
    f.in.strategy = &a;
    CHECK(g.check(f.in).reason == RiskReason::MaxOrdersPerMinute);
}

TEST_CASE("exits pass when every entry limit is tripped", "[risk][limits]") {
    Fixture f;
    f.limits.max_order_lamports = 1;
    f.limits.max_open_positions = 1;
    f.limits.max_slippage_bps = 1;
    f.limits.max_position_lamports = 1;
    f.limits.max_exposure_lamports = 1;
    f.limits.max_daily_loss_lamports = 1;
    f.limits.max_drawdown_bps = 1;
    f.limits.max_orders_per_minute = 1;
    f.limits.max_orders_per_minute_total = 1;
    f.limits.min_liquidity_lamports = 1000 * kSol;
    f.limits.max_fees_per_day_lamports = 1;
    f.limits.reject_mint_authority = true;
    f.limits.reject_freeze_authority = true;
    f.limits.min_lp_burned_bps = 10000;
    f.limits.max_top10_holder_bps = 0;
    f.limits.loss_cooldown_ns = 3600 * kNsPerSec;
    f.limits.max_price_age_ns = 1;
    f.in.open_positions = 50;
    f.in.position_cost_lamports = 100 * kSol;
    f.in.exposure_lamports = 100 * kSol;
    f.in.realized_pnl_today_lamports = -100 * static_cast<int64_t>(kSol);
    f.in.equity_lamports = 1;
    f.in.fees_today_lamports = kSol;
    f.pool.flags = SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT;
    f.pool.lp_burned_bps = 0;
    f.pool.top10_holder_bps = 10000;
    f.pool.updated_ns = 1;
    f.in.last_loss_exit_ns = kNow - 1;
    CHECK(f.check() != RiskReason::None); // an entry is refused
    f.make_exit();
    RiskGate g(f.limits);
    for (int i = 0; i < 10; ++i) {
        CHECK(g.check(f.in).approved()); // and exits are not rate-limited
    }
    f.in.now_ns = 0;
    f.in.equity_peak_lamports = 0;
    CHECK(g.check(f.in).approved()); // nor need what only entries need
    f.in.state = TradingState::Reducing;
    CHECK(g.check(f.in).approved());
    f.in.state = TradingState::Halted;
    CHECK(g.check(f.in).reason == RiskReason::Halted);
    f.in.state = TradingState::Active;
    f.in.position = nullptr;
    CHECK(g.check(f.in).reason == RiskReason::NoPosition);
}

TEST_CASE("utc_day splits at midnight UTC", "[risk][limits]") {
    // 2026-11-22T00:00:00Z = 20414 days after the epoch.
    const int64_t midnight = 20414LL * 86400 * kNsPerSec;
    CHECK(utc_day(midnight - 1'000'000) == 20413); // 23:59:59.999
    CHECK(utc_day(midnight - 1) == 20413);
    CHECK(utc_day(midnight) == 20414); // 00:00:00.000
    CHECK(utc_day(midnight + 86400 * kNsPerSec - 1) == 20414);
    CHECK(utc_day(0) == 0);
    CHECK(utc_day(-1) == -1); // floor, not truncation
    CHECK(utc_day(-86400 * kNsPerSec) == -1);
    CHECK(utc_day(-86400 * kNsPerSec - 1) == -2);
}

// Random intents from several strategies against a small book that applies
// what the gate approves: no approved entry may ever leave a limit exceeded.
TEST_CASE("property: approved intents never exceed any limit", "[risk][limits][property]") {
    struct Pos {
        uint64_t atoms = 0;
        uint64_t cost = 0;
    };
    for (const uint32_t seed : {1u, 2u, 3u, 42u}) {
        INFO("seed " << seed);
        std::mt19937_64 rng(seed);
        RiskConfig cfg;
        cfg.max_order_lamports = kSol;
        cfg.max_open_positions = 6;
        cfg.max_slippage_bps = 1000;
        cfg.max_position_lamports = 2 * kSol;
        cfg.max_exposure_lamports = 5 * kSol;
        cfg.max_daily_loss_lamports = 3 * kSol;
        cfg.max_fees_per_day_lamports = 2'000'000;
        cfg.max_orders_per_minute = 10;
        cfg.max_orders_per_minute_total = 15;
        cfg.min_liquidity_lamports = 5 * kSol;
        cfg.max_drawdown_bps = 3000;
        cfg.strategy["s1"].max_exposure_lamports = 2 * kSol;
        cfg.strategy["s1"].max_orders_per_minute = 4;
        cfg.strategy["s2"].max_daily_loss_lamports = kSol;
        RiskGate gate(cfg);
        const std::vector<std::string> names = {"s0", "s1", "s2"};
        constexpr int kMints = 5;
        std::map<std::pair<int, int>, Pos> book; // (strategy, mint)
        std::map<std::string, int64_t> pnl;
        std::map<std::string, uint64_t> strat_fees;
        int64_t pnl_total = 0;
        uint64_t fees_total = 0;
        const int64_t start_balance = 20 * static_cast<int64_t>(kSol);
        int64_t cash = start_balance;
        int64_t peak = start_balance;
        std::vector<std::pair<int, int64_t>> approvals; // (strategy, t)
        const uint64_t fee = 15000;
        int64_t now = kNow;
        int approved_buys = 0;
        for (int step = 0; step < 5000; ++step) {
            now += static_cast<int64_t>(rng() % (3 * kNsPerSec));
            const int si = static_cast<int>(rng() % names.size());
            const int mi = static_cast<int>(rng() % kMints);
            PoolState pool;
            pool.pool.bytes[0] = static_cast<uint8_t>(mi + 1);
            pool.mint.bytes[0] = static_cast<uint8_t>(mi + 100);
            pool.base_reserve_atoms = 1'000'000;
            pool.quote_reserve_lamports = (rng() % 20) * kSol;
            pool.updated_ns = now;
            Pos& p = book[{si, mi}];
            Position position;
            position.mint = pool.mint;
            position.amount_atoms = p.atoms;
            position.cost_lamports = p.cost;
            uint64_t exposure = 0, strat_exposure = 0;
            uint32_t open = 0;
            for (const auto& [k, v] : book) {
                exposure += v.cost;
                if (k.first == si) {
                    strat_exposure += v.cost;
                }
                open += v.atoms > 0 ? 1 : 0;
            }
            const int64_t equity = cash + static_cast<int64_t>(exposure); // marked at cost
            peak = std::max(peak, equity);

            snp_intent it{};
            it.struct_size = sizeof it;
            it.mint = pool.mint;
            it.pool = pool.pool;
            it.max_slippage_bps = 1 + static_cast<uint32_t>(rng() % 1200);
            const bool buy = rng() % 3 != 0;
            it.side = buy ? SNP_SIDE_BUY : SNP_SIDE_SELL;
            if (buy) {
                it.amount_in = 1 + rng() % (3 * kSol / 2);
            } else {
                it.flags = SNP_INTENT_SELL_ALL;
            }
            RiskInput in;
            in.strategy = &names[static_cast<size_t>(si)];
            in.intent = &it;
            in.state = TradingState::Active;
            in.pool = &pool;
            in.position = p.atoms > 0 ? &position : nullptr;
            in.open_positions = open;
            in.available_lamports = static_cast<uint64_t>(std::max<int64_t>(cash, 0));
            in.fees_per_order_lamports = fee;
            in.now_ns = now;
            in.position_cost_lamports = p.cost;
            in.exposure_lamports = exposure;
            in.strategy_exposure_lamports = strat_exposure;
            in.realized_pnl_today_lamports = pnl_total;
            in.strategy_realized_pnl_today_lamports = pnl[*in.strategy];
            in.fees_today_lamports = fees_total;
            in.strategy_fees_today_lamports = strat_fees[*in.strategy];
            in.equity_lamports = equity;
            in.equity_peak_lamports = peak;
            const RiskDecision d = gate.check(in);
            if (!d.approved()) {
                continue;
            }
            const std::string& name = *in.strategy;
            fees_total += fee;
            strat_fees[name] += fee;
            if (buy) {
                ++approved_buys;
                // Invariants checked on what the approved entry leads to.
                REQUIRE(it.amount_in <= cfg.max_order_lamports);
                REQUIRE(p.cost + it.amount_in <= *cfg.max_position_lamports);
                REQUIRE(exposure + it.amount_in <= *cfg.max_exposure_lamports);
                if (name == "s1") {
                    REQUIRE(strat_exposure + it.amount_in <= 2 * kSol);
                }
                REQUIRE(fees_total <= *cfg.max_fees_per_day_lamports);
                REQUIRE(pnl_total > -static_cast<int64_t>(*cfg.max_daily_loss_lamports));
                if (name == "s2") {
                    REQUIRE(pnl[name] > -static_cast<int64_t>(kSol));
                }
                REQUIRE((peak - equity) * 10000 <
                        static_cast<int64_t>(*cfg.max_drawdown_bps) * peak);
                REQUIRE(pool.quote_reserve_lamports >= *cfg.min_liquidity_lamports);
                REQUIRE(it.max_slippage_bps <= cfg.max_slippage_bps);
                REQUIRE((p.atoms > 0 || open < cfg.max_open_positions));
                approvals.emplace_back(si, now);
                int in_window = 0, mine = 0;
                for (const auto& [s, t] : approvals) {
                    if (t > now - 60 * kNsPerSec) {
                        ++in_window;
                        mine += s == si ? 1 : 0;
                    }
                }
                REQUIRE(in_window <= 15);
                REQUIRE(mine <= (name == "s1" ? 4 : 10));
                cash -= static_cast<int64_t>(it.amount_in + fee);
                p.atoms += it.amount_in; // 1 atom per lamport at entry
                p.cost += it.amount_in;
            } else {
                REQUIRE(p.atoms > 0);
                // Exit at a random price between 0x and 2x the cost.
                const uint64_t proceeds = p.cost * (rng() % 200) / 100;
                const int64_t realized =
                    static_cast<int64_t>(proceeds) - static_cast<int64_t>(p.cost + fee);
                pnl_total += realized;
                pnl[name] += realized;
                cash += static_cast<int64_t>(proceeds) - static_cast<int64_t>(fee);
                p = Pos{};
            }
        }
        CHECK(approved_buys > 20); // the test exercised approvals, not only refusals
    }
}

TEST_CASE("a pool adopted from an update (a held pool after a restart) sells, and buys once its safety is measured",
          "[risk][limits]") {
    Fixture f;
    f.limits.reject_mint_authority = true;
    PoolBook book;
    const snp_ev_pool_update up = f.pool_update();
    book.on_pool_update(up);
    REQUIRE(book.find(f.pool.pool) == nullptr); // an update alone makes no pool
    book.adopt(up.pool, up.base_mint);
    book.on_pool_update(up);
    const PoolState* p = book.find(f.pool.pool);
    REQUIRE(p != nullptr);
    CHECK(p->adopted);
    CHECK(p->fee_bps == kAdoptedPoolFeeBps); // no journaled facts: assumed
    CHECK_FALSE(p->facts_known);
    CHECK(p->base_reserve_atoms == f.pool.base_reserve_atoms);
    CHECK((p->flags & SNP_POOL_AUTHORITIES_UNKNOWN) != 0);
    CHECK(p->top10_holder_bps == 10000);
    f.in.pool = p;
    CHECK(f.check() == RiskReason::MintAuthority); // its facts unknown: not safe
    {
        // Its facts read again by the source (a POOL_SAFETY for the held
        // pool): measured, the buy passes the same limit.
        snp_ev_pool_safety s{};
        s.pool = f.pool.pool;
        s.base_mint = f.pool.mint;
        s.flags = SNP_POOL_HOLDERS_UNKNOWN; // no authority; holders not measured yet
        s.lp_burned_bps = 10000;
        s.top10_holder_bps = 10000;
        book.on_pool_safety(s);
        CHECK(f.check() == RiskReason::None);
        s.flags |= SNP_POOL_MINT_AUTHORITY_PRESENT; // and back: refused again
        book.on_pool_safety(s);
        CHECK(f.check() == RiskReason::MintAuthority);
    }
    f.make_exit();
    CHECK(f.check() == RiskReason::None); // the held coin can be sold
    // Its NEW_POOL after all (a source that saw it created): facts known.
    f.book_pool(book, SNP_DEX_PUMP_SWAP);
    CHECK_FALSE(book.find(f.pool.pool)->adopted);
    CHECK(book.find(f.pool.pool)->facts_known);
}

TEST_CASE("a pool adopted with its position's journaled fee and decimals knows them and half of them is not enough",
          "[risk][limits]") {
    Pubkey pool{}, mint{};
    pool.bytes[0] = 1;
    mint.bytes[0] = 2;
    PoolBook book;
    book.adopt(pool, mint, 25, 6);
    CHECK(book.find(pool)->fee_bps == 25);
    CHECK(book.find(pool)->decimals == 6);
    CHECK(book.find(pool)->facts_known);
    book.adopt(pool, mint, 0, 0); // a fee-less pool of a 0-decimal token: facts too
    CHECK(book.find(pool)->fee_bps == 0);
    CHECK(book.find(pool)->facts_known);
    for (const auto& [fee, decimals] : {std::pair{25, -1}, std::pair{-1, 6}, std::pair{10001, 6}, std::pair{25, 19}}) {
        INFO(fee << " " << decimals);
        book.adopt(pool, mint, fee, decimals);
        CHECK_FALSE(book.find(pool)->facts_known);
        CHECK(book.find(pool)->decimals == 0);
        CHECK(book.find(pool)->fee_bps == (fee >= 0 && fee <= 10000 ? static_cast<uint32_t>(fee) : kAdoptedPoolFeeBps));
    }
}
