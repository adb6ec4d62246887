// LpFollow's rules on their own: which pools are followed, one read in
// flight per pool and reads at least an interval apart (a trigger
// meanwhile asks for one more), a changed share
// becomes one POOL_SAFETY with the pool's other facts, an older or failed
// answer changes nothing, and a pool leaves at 100 % or at its window's end.
// The source around it: tests/solfeed/safety_test.cpp.
#include "solfeed/lp_follow.hpp"

#include <catch2/catch.hpp>

using namespace sniper;

namespace {

snp_ev_new_pool amm_pool(uint8_t id, uint32_t dex, uint32_t lp_bps, uint32_t flags = 0) {
    EventBuf ev;
    init_event(ev, SNP_EVENT_NEW_POOL);
    snp_ev_new_pool& np = ev.new_pool;
    np.h.slot = 100;
    np.pool.bytes[0] = id;
    np.base_mint.bytes[0] = static_cast<uint8_t>(id + 100);
    np.dex = dex;
    np.flags = flags;
    np.lp_burned_bps = lp_bps;
    np.top10_holder_bps = 1234;
    return np;
}

Pubkey lp_of(uint8_t id) {
    Pubkey k{};
    k.bytes[0] = static_cast<uint8_t>(id + 200);
    k.bytes[1] = 1;
    return k;
}

} // namespace

TEST_CASE("lp follow: only measured AMM pools below 100 % are followed, within capacity",
          "[solfeed][lp]") {
    solfeed::LpFollow f(1'000, 2);
    CHECK_FALSE(f.start(amm_pool(1, SNP_DEX_PUMP_FUN, 0), lp_of(1), 0));      // no LP token
    CHECK_FALSE(f.start(amm_pool(2, SNP_DEX_PUMP_SWAP, 10000), lp_of(2), 0)); // all burned already
    CHECK_FALSE(f.start(amm_pool(3, SNP_DEX_RAYDIUM_AMM_V4, 0, SNP_POOL_LP_UNKNOWN), lp_of(3),
                        0));                                              // not measured
    CHECK_FALSE(f.start(amm_pool(4, SNP_DEX_PUMP_SWAP, 0), Pubkey{}, 0)); // no LP mint read
    CHECK(f.start(amm_pool(5, SNP_DEX_PUMP_SWAP, 0), lp_of(5), 0));
    CHECK_FALSE(f.start(amm_pool(5, SNP_DEX_PUMP_SWAP, 0), lp_of(5), 0)); // already followed
    CHECK(f.start(amm_pool(6, SNP_DEX_RAYDIUM_AMM_V4, 2500), lp_of(6), 0));
    CHECK_FALSE(f.start(amm_pool(7, SNP_DEX_PUMP_SWAP, 0), lp_of(7), 0)); // full
    CHECK(f.refused() == 1);
    CHECK(f.size() == 2);
    std::vector<Pubkey> mints;
    f.mints(mints);
    CHECK(mints.size() == 2);
    CHECK(f.is_lp_mint(lp_of(5)));
    CHECK_FALSE(f.is_lp_mint(lp_of(7)));
    solfeed::LpFollow off(0, 10);
    CHECK_FALSE(off.start(amm_pool(5, SNP_DEX_PUMP_SWAP, 0), lp_of(5), 0));
}

TEST_CASE("lp follow: a changed share is one POOL_SAFETY, reads coalesce, stale and failed answers "
          "change nothing",
          "[solfeed][lp]") {
    solfeed::LpFollow f(1'000'000, 16);
    const snp_ev_new_pool np = amm_pool(1, SNP_DEX_PUMP_SWAP, 0);
    REQUIRE(f.start(np, lp_of(1), 0));
    constexpr int64_t kGap = solfeed::LpFollow::kMinIntervalNs;
    CHECK_FALSE(f.trigger(lp_of(9), 0)); // not followed
    const auto c = f.trigger(lp_of(1), 0);
    REQUIRE(c);
    CHECK(c->pool == np.pool);
    CHECK(c->lp_mint == lp_of(1));
    CHECK(c->token == np.base_mint);
    CHECK(c->dex == SNP_DEX_PUMP_SWAP);
    CHECK_FALSE(f.trigger(lp_of(1), 10)); // one in flight: noted, not sent
    CHECK_FALSE(f.trigger(lp_of(1), 20));
    std::optional<EventBuf> ev;
    // The answer: nothing changed yet. The trigger that came meanwhile asks
    // once more, but not before the interval since the last read.
    CHECK_FALSE(f.on_answer(np.pool, 0, 110, 30, ev));
    CHECK_FALSE(ev);
    std::vector<solfeed::LpFollow::Check> due;
    f.due(kGap - 1, due);
    CHECK(due.empty());
    f.due(kGap, due);
    REQUIRE(due.size() == 1);
    CHECK(due[0].pool == np.pool);
    due.clear();
    f.due(10 * kGap, due);
    CHECK(due.empty()); // asked once, not again
    // 60 % burned.
    CHECK_FALSE(f.on_answer(np.pool, 6000, 111, kGap + 1, ev));
    REQUIRE(ev);
    const snp_ev_pool_safety& s = ev->pool_safety;
    CHECK(s.h.type == SNP_EVENT_POOL_SAFETY);
    CHECK(s.h.size == sizeof(snp_ev_pool_safety));
    CHECK(s.h.slot == 111);
    CHECK(s.pool == np.pool);
    CHECK(s.base_mint == np.base_mint);
    CHECK(s.dex == SNP_DEX_PUMP_SWAP);
    CHECK(s.flags == 0);
    CHECK(s.lp_burned_bps == 6000);
    CHECK(s.top10_holder_bps == 1234);
    CHECK(f.updates() == 1);
    CHECK(f.last_bps(np.pool) == 6000);
    // An answer from an older slot (a node behind) and a failed read: no change.
    int64_t t = 2 * kGap;
    REQUIRE(f.trigger(lp_of(1), t));
    CHECK_FALSE(f.on_answer(np.pool, 0, 105, t, ev));
    CHECK_FALSE(ev);
    REQUIRE(f.trigger(lp_of(1), t += kGap));
    CHECK_FALSE(f.on_answer(np.pool, std::nullopt, 120, t, ev));
    CHECK_FALSE(ev);
    REQUIRE(f.trigger(lp_of(1), t += kGap));
    CHECK_FALSE(f.on_answer(np.pool, 10001, 120, t, ev)); // out of range: refused
    CHECK_FALSE(ev);
    CHECK(f.last_bps(np.pool) == 6000);
    // A deposit lowers the share: that is a change too.
    REQUIRE(f.trigger(lp_of(1), t += kGap));
    f.on_answer(np.pool, 5000, 121, t, ev);
    REQUIRE(ev);
    CHECK(ev->pool_safety.lp_burned_bps == 5000);
    // A trigger inside the interval waits for it, then goes out at once
    // after an answer that comes later.
    CHECK_FALSE(f.trigger(lp_of(1), t + 1));
    REQUIRE(f.trigger(lp_of(1), t += kGap)); // the noted one is this one
    CHECK_FALSE(f.trigger(lp_of(1), t + 1));
    CHECK(f.on_answer(np.pool, 5000, 122, t + kGap, ev));
    CHECK_FALSE(ev);
    // An answer for a pool no longer followed is dropped.
    CHECK_FALSE(f.on_answer(amm_pool(9, SNP_DEX_PUMP_SWAP, 0).pool, 10000, 200, t, ev));
    CHECK_FALSE(ev);
}

TEST_CASE("lp follow: a pool leaves at 100 % burned or when its window ends", "[solfeed][lp]") {
    solfeed::LpFollow f(1'000, 16);
    const snp_ev_new_pool a = amm_pool(1, SNP_DEX_PUMP_SWAP, 0),
                          b = amm_pool(2, SNP_DEX_RAYDIUM_AMM_V4, 0);
    REQUIRE(f.start(a, lp_of(1), 0));
    REQUIRE(f.start(b, lp_of(2), 500));
    CHECK_FALSE(f.expire(999));
    REQUIRE(f.trigger(lp_of(2), 0));
    std::optional<EventBuf> ev;
    f.on_answer(b.pool, 10000, 150, 0, ev);
    REQUIRE(ev);
    CHECK(f.expire(999)); // b at 100 %: no longer followed
    CHECK(f.size() == 1);
    CHECK_FALSE(f.is_lp_mint(lp_of(2)));
    CHECK(f.expire(1'000)); // a's window ends
    CHECK(f.size() == 0);
    CHECK_FALSE(f.trigger(lp_of(1), 2'000));
}
