// SafetyFollow's rules on their own: which pools are followed and through
// which accounts, one read in flight per pool and reads at least an
// interval apart (a trigger meanwhile asks for one more), a changed fact
// becomes one POOL_SAFETY with the pool's other facts, an older or failed
// answer changes nothing, and a fact that cannot improve any more, or the
// window's end, lets its account go. The source around it:
// tests/solfeed/safety_test.cpp.
#include "solfeed/safety_follow.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace sniper;
using solfeed::SafetyFollow;

namespace {

constexpr uint32_t kBoth = SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT;

snp_ev_new_pool new_pool(uint8_t id, uint32_t dex, uint32_t lp_bps, uint32_t flags = 0) {
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
    np.base_decimals = 6;
    return np;
}

Pubkey lp_of(uint8_t id) {
    Pubkey k{};
    k.bytes[0] = static_cast<uint8_t>(id + 200);
    k.bytes[1] = 1;
    return k;
}

std::vector<SafetyFollow::Check> trigger(SafetyFollow& f, const Pubkey& account, int64_t now) {
    std::vector<SafetyFollow::Check> out;
    f.trigger(account, now, out);
    return out;
}

bool has(const std::vector<Pubkey>& v, const Pubkey& k) {
    return std::find(v.begin(), v.end(), k) != v.end();
}

} // namespace

TEST_CASE("safety follow: what is followed, through which account, within capacity",
          "[solfeed][follow]") {
    SafetyFollow f(1'000, 3);
    CHECK_FALSE(f.start(new_pool(1, SNP_DEX_PUMP_FUN, 10000), lp_of(1), 0)); // nothing can improve
    CHECK_FALSE(
        f.start(new_pool(2, SNP_DEX_PUMP_SWAP, 10000), lp_of(2), 0)); // all burned, no authority
    CHECK_FALSE(f.start(new_pool(3, SNP_DEX_RAYDIUM_AMM_V4, 0, SNP_POOL_LP_UNKNOWN), lp_of(3),
                        0));                                              // unmeasured
    CHECK_FALSE(f.start(new_pool(4, SNP_DEX_PUMP_SWAP, 0), Pubkey{}, 0)); // no LP mint read
    CHECK_FALSE(f.start(
        new_pool(5, SNP_DEX_RAYDIUM_AMM_V4, 10000, kBoth | SNP_POOL_AUTHORITIES_UNKNOWN), lp_of(5),
        0)); // authorities not measured
    // LP only; authorities only (any dex); both.
    const snp_ev_new_pool a = new_pool(6, SNP_DEX_PUMP_SWAP, 0);
    const snp_ev_new_pool b =
        new_pool(7, SNP_DEX_PUMP_FUN, 10000, SNP_POOL_FREEZE_AUTHORITY_PRESENT);
    const snp_ev_new_pool c = new_pool(8, SNP_DEX_RAYDIUM_AMM_V4, 2500, kBoth);
    CHECK(f.start(a, lp_of(6), 0));
    CHECK_FALSE(f.start(a, lp_of(6), 0)); // already followed
    CHECK(f.start(b, Pubkey{}, 0));
    CHECK(f.start(c, lp_of(8), 0));
    CHECK_FALSE(f.start(new_pool(9, SNP_DEX_PUMP_SWAP, 0), lp_of(9), 0)); // full
    CHECK(f.refused() == 1);
    CHECK(f.size() == 3);
    std::vector<Pubkey> acc;
    f.accounts(acc);
    CHECK(acc.size() == 4);
    CHECK(has(acc, lp_of(6)));
    CHECK_FALSE(has(acc, a.base_mint));
    CHECK(has(acc, b.base_mint));
    CHECK(has(acc, lp_of(8)));
    CHECK(has(acc, c.base_mint));
    const auto ca = trigger(f, lp_of(6), 0);
    REQUIRE(ca.size() == 1);
    CHECK(ca[0].lp);
    CHECK_FALSE(ca[0].auth);
    const auto cb = trigger(f, b.base_mint, 0);
    REQUIRE(cb.size() == 1);
    CHECK_FALSE(cb[0].lp);
    CHECK(cb[0].auth);
    CHECK(cb[0].token == b.base_mint);
    CHECK(cb[0].decimals == 6);
    const auto cc = trigger(f, c.base_mint, 0);
    REQUIRE(cc.size() == 1);
    CHECK(cc[0].lp);
    CHECK(cc[0].auth);
    CHECK(cc[0].lp_mint == lp_of(8));
    CHECK(trigger(f, lp_of(9), 0).empty());
    SafetyFollow off(0, 10);
    CHECK_FALSE(off.start(a, lp_of(6), 0));
}

TEST_CASE("safety follow: a changed LP share is one POOL_SAFETY, reads coalesce, stale and failed "
          "answers change "
          "nothing",
          "[solfeed][follow]") {
    SafetyFollow f(1'000'000'000'000, 16);
    constexpr int64_t kGap = SafetyFollow::kMinIntervalNs;
    const snp_ev_new_pool np = new_pool(1, SNP_DEX_PUMP_SWAP, 0);
    REQUIRE(f.start(np, lp_of(1), 0));
    const auto c = trigger(f, lp_of(1), 0);
    REQUIRE(c.size() == 1);
    CHECK(c[0].pool == np.pool);
    CHECK(c[0].lp_mint == lp_of(1));
    CHECK(c[0].token == np.base_mint);
    CHECK(c[0].dex == SNP_DEX_PUMP_SWAP);
    CHECK(trigger(f, lp_of(1), 10).empty()); // one in flight: noted, not sent
    CHECK(trigger(f, lp_of(1), 20).empty());
    std::optional<EventBuf> ev;
    // The answer: nothing changed yet. The trigger that came meanwhile asks
    // once more, but not before the interval since the last read.
    CHECK_FALSE(f.on_answer(np.pool, 0, std::nullopt, 110, 30, ev));
    CHECK_FALSE(ev);
    std::vector<SafetyFollow::Check> due;
    f.due(kGap - 1, due);
    CHECK(due.empty());
    f.due(kGap, due);
    REQUIRE(due.size() == 1);
    CHECK(due[0].pool == np.pool);
    due.clear();
    f.due(10 * kGap, due);
    CHECK(due.empty()); // asked once, not again
    // 60 % burned.
    CHECK_FALSE(f.on_answer(np.pool, 6000, std::nullopt, 111, kGap + 1, ev));
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
    REQUIRE(f.last(np.pool) != nullptr);
    CHECK(f.last(np.pool)->lp_burned_bps == 6000);
    // An answer from an older slot (a node behind) and a failed read: no change.
    int64_t t = 2 * kGap;
    REQUIRE(trigger(f, lp_of(1), t).size() == 1);
    CHECK_FALSE(f.on_answer(np.pool, 0, std::nullopt, 105, t, ev));
    CHECK_FALSE(ev);
    REQUIRE(trigger(f, lp_of(1), t += kGap).size() == 1);
    CHECK_FALSE(f.on_answer(np.pool, std::nullopt, std::nullopt, 120, t, ev));
    CHECK_FALSE(ev);
    REQUIRE(trigger(f, lp_of(1), t += kGap).size() == 1);
    CHECK_FALSE(f.on_answer(np.pool, 10001, std::nullopt, 120, t, ev)); // out of range: refused
    CHECK_FALSE(ev);
    // An authority read for a pool that does not follow them is ignored.
    REQUIRE(trigger(f, lp_of(1), t += kGap).size() == 1);
    CHECK_FALSE(
        f.on_answer(np.pool, std::nullopt, SafetyFollow::Authorities{true, true}, 121, t, ev));
    CHECK_FALSE(ev);
    CHECK(f.last(np.pool)->lp_burned_bps == 6000);
    // A deposit lowers the share: that is a change too.
    REQUIRE(trigger(f, lp_of(1), t += kGap).size() == 1);
    f.on_answer(np.pool, 5000, std::nullopt, 121, t, ev);
    REQUIRE(ev);
    CHECK(ev->pool_safety.lp_burned_bps == 5000);
    // A trigger inside the interval waits for it, then goes out at once
    // after an answer that comes later.
    CHECK(trigger(f, lp_of(1), t + 1).empty());
    REQUIRE(trigger(f, lp_of(1), t += kGap).size() == 1); // the noted one is this one
    CHECK(trigger(f, lp_of(1), t + 1).empty());
    CHECK(f.on_answer(np.pool, 5000, std::nullopt, 122, t + kGap, ev));
    CHECK_FALSE(ev);
    // An answer for a pool no longer followed is dropped.
    CHECK_FALSE(
        f.on_answer(new_pool(9, SNP_DEX_PUMP_SWAP, 0).pool, 10000, std::nullopt, 200, t, ev));
    CHECK_FALSE(ev);
}

TEST_CASE("safety follow: revoked authorities clear their flags, one event per change, both pools "
          "of a token told",
          "[solfeed][follow]") {
    SafetyFollow f(1'000'000'000'000, 16);
    constexpr int64_t kGap = SafetyFollow::kMinIntervalNs;
    snp_ev_new_pool a = new_pool(1, SNP_DEX_RAYDIUM_AMM_V4, 10000, kBoth);
    snp_ev_new_pool b = new_pool(2, SNP_DEX_PUMP_SWAP, 10000, kBoth);
    b.base_mint = a.base_mint; // the same token in two pools
    REQUIRE(f.start(a, lp_of(1), 0));
    REQUIRE(f.start(b, lp_of(2), 0));
    std::vector<Pubkey> acc;
    f.accounts(acc);
    CHECK(acc.size() == 1); // the token's mint, once
    const auto checks = trigger(f, a.base_mint, 0);
    REQUIRE(checks.size() == 2);
    std::optional<EventBuf> ev;
    // The mint authority revoked, the freeze authority kept.
    f.on_answer(a.pool, std::nullopt, SafetyFollow::Authorities{false, true}, 150, 0, ev);
    REQUIRE(ev);
    CHECK(ev->pool_safety.flags == SNP_POOL_FREEZE_AUTHORITY_PRESENT);
    CHECK(ev->pool_safety.lp_burned_bps == 10000);
    f.on_answer(b.pool, std::nullopt, SafetyFollow::Authorities{false, true}, 150, 0, ev);
    REQUIRE(ev);
    CHECK(ev->pool_safety.pool == b.pool);
    CHECK_FALSE(f.expire(1)); // a freeze authority is left: still followed
    // The same again: no event.
    REQUIRE(trigger(f, a.base_mint, kGap).size() == 2);
    f.on_answer(a.pool, std::nullopt, SafetyFollow::Authorities{false, true}, 151, kGap, ev);
    CHECK_FALSE(ev);
    f.on_answer(b.pool, std::nullopt, std::nullopt, 151, kGap, ev); // b's read failed
    CHECK_FALSE(ev);
    // Both gone.
    REQUIRE(trigger(f, a.base_mint, 2 * kGap).size() == 2);
    f.on_answer(a.pool, std::nullopt, SafetyFollow::Authorities{false, false}, 152, 2 * kGap, ev);
    REQUIRE(ev);
    CHECK(ev->pool_safety.flags == 0);
    CHECK(f.expire(2 * kGap)); // a has nothing left: gone; b still waits
    CHECK(f.size() == 1);
    acc.clear();
    f.accounts(acc);
    CHECK(acc.size() == 1); // b still follows the mint
    f.on_answer(b.pool, std::nullopt, SafetyFollow::Authorities{false, false}, 152, 2 * kGap, ev);
    REQUIRE(ev);
    CHECK(f.expire(2 * kGap));
    CHECK(f.size() == 0);
    acc.clear();
    f.accounts(acc);
    CHECK(acc.empty());
    CHECK(f.updates() == 4);
}

TEST_CASE("safety follow: a fact that cannot improve lets its account go, the window's end lets "
          "the pool go",
          "[solfeed][follow]") {
    SafetyFollow f(1'000, 16);
    const snp_ev_new_pool a = new_pool(1, SNP_DEX_PUMP_SWAP, 0);
    const snp_ev_new_pool b =
        new_pool(2, SNP_DEX_RAYDIUM_AMM_V4, 0, SNP_POOL_MINT_AUTHORITY_PRESENT);
    REQUIRE(f.start(a, lp_of(1), 0));
    REQUIRE(f.start(b, lp_of(2), 500));
    CHECK_FALSE(f.expire(999));
    REQUIRE(trigger(f, lp_of(2), 0).size() == 1);
    std::optional<EventBuf> ev;
    f.on_answer(b.pool, 10000, SafetyFollow::Authorities{true, false}, 150, 0, ev);
    REQUIRE(ev);
    CHECK(ev->pool_safety.lp_burned_bps == 10000);
    CHECK(f.expire(999)); // b at 100 %: its LP mint goes, its token's mint stays
    std::vector<Pubkey> acc;
    f.accounts(acc);
    CHECK_FALSE(has(acc, lp_of(2)));
    CHECK(has(acc, b.base_mint));
    CHECK(f.size() == 2);
    const auto c = trigger(f, b.base_mint, 1'000'000'000);
    REQUIRE(c.size() == 1);
    CHECK_FALSE(c[0].lp); // no longer read
    CHECK(c[0].auth);
    CHECK(f.expire(1'000)); // a's window ends
    CHECK(f.size() == 1);
    CHECK(trigger(f, lp_of(1), 2'000'000'000).empty());
    CHECK(f.expire(1'500)); // b's
    CHECK(f.size() == 0);
}
