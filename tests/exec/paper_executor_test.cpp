#include "exec/order_manager.hpp"
#include "exec/paper_executor.hpp"
#include "ledger/portfolio.hpp"
#include "market/amm.hpp"

#include <catch2/catch.hpp>

using namespace sniper;

namespace {
class NullFeed final : public VenueTruth {
  public:
    bool sell_blocked(const Pubkey& m) const override { return blocked && m == blocked_mint; }
    void on_own_swap(const Pubkey&, uint32_t side, uint64_t in, uint64_t out) override {
        swaps.push_back({side, in, out});
    }
    bool blocked = false;
    Pubkey blocked_mint{};
    struct Swap {
        uint32_t side;
        uint64_t in, out;
    };
    std::vector<Swap> swaps;
};

Pubkey key(uint8_t b) {
    Pubkey k{};
    k.bytes[0] = b;
    return k;
}

snp_ev_new_pool pool_event(const Pubkey& pool, const Pubkey& mint) {
    snp_ev_new_pool e{};
    e.pool = pool;
    e.base_mint = mint;
    e.base_reserve_atoms = 800'000'000'000'000;
    e.quote_reserve_lamports = 30'000'000'000;
    e.fee_bps = 25;
    return e;
}

// What the engine does with a landing: the venue settles, the ledger applies.
struct Landed {
    ExecReport r;
    LedgerChange c;
    uint32_t status() const { return r.status; }
};
Landed land(PaperExecutor& ex, Portfolio& pf, const Order& o) {
    Landed l;
    l.r = ex.settle(o);
    l.c = pf.apply(o, l.r);
    return l;
}

PaperConfig no_failures() {
    PaperConfig c;
    c.failure_rate_bps = 0;
    c.base_fee_lamports = 5000;
    c.priority_fee_lamports = 10000;
    c.tip_lamports = 1000;
    c.starting_balance_lamports = 10 * kLamportsPerSol;
    return c;
}
} // namespace

TEST_CASE("constant-product arithmetic matches hand-computed values", "[exec][amm]") {
    // 1 SOL into 30 SOL / 800e12 atoms at 25 bps:
    // in after fee = 997,500,000; out = 997.5e6 * 800e12 / (30e9 + 997.5e6) rounded down.
    CHECK(amm::swap_out(30'000'000'000, 800'000'000'000'000, 1'000'000'000, 25) == 25'744'011'613'839);
    // 1e13 atoms back into the same pool.
    CHECK(amm::swap_out(800'000'000'000'000, 30'000'000'000, 10'000'000'000'000, 25) == 369'455'847);
    CHECK(amm::swap_out(0, 1, 1, 0) == 0);
    CHECK(amm::swap_out(1, 1, 0, 0) == 0);
    CHECK(amm::swap_out(10, 10, 10, 10000) == 0);
    // No overflow at the edges of u64.
    CHECK(amm::swap_out(UINT64_MAX, UINT64_MAX, UINT64_MAX, 0) == UINT64_MAX / 2);
    CHECK(amm::min_out_for(10000, 300) == 9700);
    CHECK(amm::min_out_for(10000, 10000) == 0);
    CHECK(amm::mark_value(10, 100, 50) == 5);
}

TEST_CASE("a paper buy then sell fills against the pool with fees counted", "[exec][paper]") {
    NullFeed feed;
    PoolBook pools;
    const Pubkey pool = key(1), mint = key(2);
    pools.on_new_pool(pool_event(pool, mint));
    Portfolio pf(10 * kLamportsPerSol);
    PaperExecutor ex(no_failures(), pools, feed, pf);

    Order buy;
    buy.intent_id = 1;
    buy.strategy = "s";
    buy.side = SNP_SIDE_BUY;
    buy.mint = mint;
    buy.pool = pool;
    buy.amount_in = kLamportsPerSol;
    buy.min_out = amm::min_out_for(25'744'011'613'839, 300);
    const Landed b = land(ex, pf, buy);
    REQUIRE(b.r.status == SNP_ORDER_FILLED);
    CHECK(b.r.out_amount == 25'744'011'613'839);
    CHECK(b.r.fee_lamports == 15000);
    CHECK(b.r.tip_lamports == 1000);
    CHECK(pf.balance_lamports() == 10 * kLamportsPerSol - kLamportsPerSol - 16000);
    const Position* p = pf.find("s", mint);
    REQUIRE(p != nullptr);
    CHECK(p->amount_atoms == 25'744'011'613'839);
    CHECK(p->cost_lamports == kLamportsPerSol + 16000);
    CHECK(pools.find(pool)->quote_reserve_lamports == 31'000'000'000);
    REQUIRE(feed.swaps.size() == 1);

    Order sell = buy;
    sell.intent_id = 2;
    sell.side = SNP_SIDE_SELL;
    sell.sell_all = true;
    sell.min_out = 0;
    const Landed s = land(ex, pf, sell);
    REQUIRE(s.r.status == SNP_ORDER_FILLED);
    // Selling back what we bought returns less than we paid (fees both ways).
    const uint64_t expect = amm::swap_out(800'000'000'000'000 - 25'744'011'613'839, 31'000'000'000,
                                          25'744'011'613'839, 25);
    CHECK(s.r.out_amount == expect);
    CHECK(s.c.realized_pnl_lamports == static_cast<int64_t>(expect) - 16000 - static_cast<int64_t>(kLamportsPerSol + 16000));
    CHECK(s.c.position_closed);
    CHECK(pf.find("s", mint) == nullptr);
    CHECK(pf.stats("s").trades == 1);
    CHECK(pf.stats("s").wins == 0);
    CHECK(pf.stats("s").realized_pnl_lamports == s.c.realized_pnl_lamports);
    CHECK(pf.balance_lamports() == 10 * kLamportsPerSol - kLamportsPerSol - 16000 + expect - 16000);
}

TEST_CASE("slippage, honeypots, missing positions and balance fail the order", "[exec][paper]") {
    NullFeed feed;
    PoolBook pools;
    const Pubkey pool = key(1), mint = key(2);
    pools.on_new_pool(pool_event(pool, mint));
    Portfolio pf(10 * kLamportsPerSol);
    PaperExecutor ex(no_failures(), pools, feed, pf);
    Order o;
    o.strategy = "s";
    o.side = SNP_SIDE_BUY;
    o.mint = mint;
    o.pool = pool;
    o.amount_in = kLamportsPerSol;

    SECTION("slippage beyond the bound fails and pays the fee") {
        o.min_out = 25'744'011'613'840; // one atom more than the pool gives
        const Landed r = land(ex, pf, o);
        CHECK(r.r.status == SNP_ORDER_FAILED);
        CHECK(r.r.code == kExecSlippage);
        CHECK(pf.balance_lamports() == 10 * kLamportsPerSol - 16000);
        CHECK(pf.find("s", mint) == nullptr);
    }
    SECTION("a honeypot's sell reverts") {
        REQUIRE(land(ex, pf, o).status() == SNP_ORDER_FILLED);
        feed.blocked = true;
        feed.blocked_mint = mint;
        o.side = SNP_SIDE_SELL;
        o.sell_all = true;
        const Landed r = land(ex, pf, o);
        CHECK(r.r.status == SNP_ORDER_FAILED);
        CHECK(r.r.code == kExecSellBlocked);
        CHECK(pf.find("s", mint) != nullptr); // still held: nothing was sold
    }
    SECTION("a sell without a position fails without a fee") {
        o.side = SNP_SIDE_SELL;
        o.sell_all = true;
        const Landed r = land(ex, pf, o);
        CHECK(r.r.status == SNP_ORDER_FAILED);
        CHECK(r.r.code == kExecNoPosition);
        CHECK(pf.balance_lamports() == 10 * kLamportsPerSol);
    }
    SECTION("a buy larger than the balance fails") {
        o.amount_in = 10 * kLamportsPerSol;
        const Landed r = land(ex, pf, o);
        CHECK(r.r.code == kExecInsufficientBalance);
    }
}

TEST_CASE("the landing failure rate is seeded and roughly right", "[exec][paper]") {
    PaperConfig c = no_failures();
    c.failure_rate_bps = 2000;
    c.seed = 99;
    auto run = [&c]() {
        NullFeed feed;
        PoolBook pools;
        pools.on_new_pool(pool_event(key(1), key(2)));
        Portfolio pf(1000 * kLamportsPerSol);
        PaperExecutor ex(c, pools, feed, pf);
        std::vector<uint32_t> out;
        for (int i = 0; i < 1000; ++i) {
            Order o;
            o.strategy = "s";
            o.side = SNP_SIDE_BUY;
            o.mint = key(2);
            o.pool = key(1);
            o.amount_in = 1000;
            out.push_back(land(ex, pf, o).status());
        }
        return out;
    };
    const auto a = run();
    CHECK(a == run());
    const auto failed = std::count(a.begin(), a.end(), static_cast<uint32_t>(SNP_ORDER_FAILED));
    CHECK(failed > 150);
    CHECK(failed < 250);
}

TEST_CASE("an intent deadline before the landing expires the order, and caps lower fee and tip", "[exec][paper]") {
    NullFeed feed;
    PoolBook pools;
    pools.on_new_pool(pool_event(key(1), key(2)));
    Portfolio pf(10 * kLamportsPerSol);
    PaperExecutor ex(no_failures(), pools, feed, pf);
    Order o;
    o.strategy = "s";
    o.side = SNP_SIDE_BUY;
    o.mint = key(2);
    o.pool = key(1);
    o.amount_in = kLamportsPerSol;
    o.land_ns = ex.submit(o, 1'000'000'000);
    CHECK(o.land_ns == 1'400'000'000);
    o.deadline_ns = 1'300'000'000;
    const Landed late = land(ex, pf, o);
    CHECK(late.r.status == SNP_ORDER_EXPIRED);
    CHECK(late.r.code == kExecDeadline);
    CHECK(pf.balance_lamports() == 10 * kLamportsPerSol);
    o.deadline_ns = 1'400'000'000; // landing exactly at the deadline is in time
    o.max_priority_fee_lamports = 2000;
    o.max_tip_lamports = 1;
    const Landed ok = land(ex, pf, o);
    REQUIRE(ok.r.status == SNP_ORDER_FILLED);
    CHECK(ok.r.fee_lamports == 5000 + 2000);
    CHECK(ok.r.tip_lamports == 1);
    CHECK(pf.find("s", key(2))->cost_lamports == kLamportsPerSol + 7001);
}

TEST_CASE("the order manager holds one order per strategy and mint and releases what it reserved", "[exec][orders]") {
    OrderManager m;
    Order a;
    a.intent_id = 7;
    a.strategy_index = 1;
    a.mint = key(2);
    a.side = SNP_SIDE_BUY;
    m.add(a, 1000, true);
    CHECK(m.in_flight(1, key(2)));
    CHECK_FALSE(m.in_flight(2, key(2)));
    CHECK(m.reserved_lamports() == 1000);
    CHECK(m.new_buys() == 1);
    CHECK_FALSE(m.take(8).has_value());
    const auto t = m.take(7);
    REQUIRE(t.has_value());
    CHECK(t->intent_id == 7);
    CHECK(m.reserved_lamports() == 0);
    CHECK(m.new_buys() == 0);
    CHECK_FALSE(m.in_flight(1, key(2)));
    CHECK_FALSE(m.take(7).has_value()); // a report is applied once
}

TEST_CASE("orders left in flight at a stop are settled as expired by the paper executor", "[exec][paper]") {
    NullFeed feed;
    PoolBook pools;
    Portfolio pf(kLamportsPerSol);
    PaperExecutor ex(no_failures(), pools, feed, pf);
    const auto r = ex.reconcile({UnsettledOrder{3, "s", SNP_SIDE_BUY, key(2)}, UnsettledOrder{4, "s", SNP_SIDE_SELL, key(5)}});
    REQUIRE(r.size() == 2);
    CHECK(r[0].intent_id == 3);
    CHECK(r[0].status == SNP_ORDER_EXPIRED);
    CHECK(r[1].code == kExecStoppedInFlight);
    CHECK(pf.balance_lamports() == kLamportsPerSol);
}
