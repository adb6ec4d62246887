#include "feeds/event_json.hpp"
#include "feeds/sim_market.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

using namespace sniper;

namespace {
SimFeedConfig small(uint64_t seed) {
    SimFeedConfig c;
    c.seed = seed;
    c.duration_ns = 20LL * 60 * kNsPerSec; // 20 simulated minutes
    c.pools_per_minute = 10;
    return c;
}
// A byte-exact fingerprint of the stream: FNV-1a over every event's bytes
// (events are zero-initialized, so padding is deterministic too).
uint64_t stream_hash(SimMarket& m, size_t* count) {
    uint64_t h = 0xcbf29ce484222325ULL;
    EventBuf ev;
    *count = 0;
    while (m.next(ev)) {
        const auto* p = reinterpret_cast<const uint8_t*>(&ev);
        for (uint32_t i = 0; i < ev.h.size; ++i) {
            h = (h ^ p[i]) * 0x100000001b3ULL;
        }
        ++*count;
    }
    return h;
}
} // namespace

TEST_CASE("the simulated market is deterministic per seed", "[feeds][sim]") {
    SimMarket a(small(42)), b(small(42)), c(small(43));
    size_t na = 0, nb = 0, nc = 0;
    const uint64_t ta = stream_hash(a, &na);
    const uint64_t tb = stream_hash(b, &nb);
    const uint64_t tc = stream_hash(c, &nc);
    CHECK(na > 1000);
    CHECK(na == nb);
    CHECK(ta == tb);
    CHECK(ta != tc);
}

TEST_CASE("simulated events are valid and in time order", "[feeds][sim]") {
    SimFeedConfig cfg = small(7);
    cfg.regimes = SimRegimeWeights{1, 1, 1, 1, 1};
    SimMarket m(cfg);
    EventBuf ev;
    int64_t last = 0;
    std::set<uint32_t> types;
    uint64_t pools = 0;
    while (m.next(ev)) {
        REQUIRE(ev.h.source_ns >= last);
        last = ev.h.source_ns;
        REQUIRE(ev.h.version == 1);
        types.insert(ev.h.type);
        switch (ev.h.type) {
        case SNP_EVENT_NEW_POOL:
            ++pools;
            REQUIRE(ev.h.size == sizeof(snp_ev_new_pool));
            REQUIRE(ev.new_pool.base_reserve_atoms > 0);
            REQUIRE(ev.new_pool.quote_reserve_lamports >= cfg.initial_liquidity_min_lamports - 1);
            REQUIRE(ev.new_pool.quote_reserve_lamports <= cfg.initial_liquidity_max_lamports);
            REQUIRE(ev.new_pool.lp_burned_bps <= 10000);
            REQUIRE(ev.new_pool.top10_holder_bps <= 10000);
            break;
        case SNP_EVENT_POOL_UPDATE:
            REQUIRE(ev.pool_update.base_reserve_atoms > 0);
            REQUIRE(ev.pool_update.quote_reserve_lamports > 0);
            REQUIRE(std::isfinite(ev.pool_update.price_lamports_per_atom));
            REQUIRE(ev.pool_update.price_lamports_per_atom > 0);
            break;
        case SNP_EVENT_TRADE:
            REQUIRE(ev.trade.base_atoms > 0);
            REQUIRE(ev.trade.quote_lamports > 0);
            REQUIRE((ev.trade.side == SNP_SIDE_BUY || ev.trade.side == SNP_SIDE_SELL));
            break;
        case SNP_EVENT_POOL_SAFETY:
            REQUIRE(ev.h.size == sizeof(snp_ev_pool_safety));
            REQUIRE(ev.pool_safety.dex == SNP_DEX_SIM);
            REQUIRE(ev.pool_safety.lp_burned_bps <= 10000);
            REQUIRE(ev.pool_safety.top10_holder_bps <= 10000);
            break;
        default:
            FAIL("unexpected event type " << ev.h.type);
        }
    }
    CHECK(types ==
          std::set<uint32_t>{SNP_EVENT_NEW_POOL, SNP_EVENT_POOL_UPDATE, SNP_EVENT_TRADE, SNP_EVENT_POOL_SAFETY});
    CHECK(pools == m.pools_launched());
    // ~10 pools a minute for 20 minutes, every story represented.
    CHECK(pools > 120);
    for (uint64_t n : m.regime_counts()) {
        CHECK(n > 0);
    }
}

TEST_CASE("honeypots are sell-blocked and rug pulls crash the price", "[feeds][sim]") {
    SimFeedConfig cfg = small(11);
    cfg.regimes = SimRegimeWeights{0, 0, 1, 1, 0};
    SimMarket m(cfg);
    EventBuf ev;
    uint64_t blocked = 0, pools = 0;
    std::map<Pubkey, double> first_price;
    double worst_ratio = 1.0;
    while (m.next(ev)) {
        if (ev.h.type == SNP_EVENT_NEW_POOL) {
            ++pools;
            blocked += m.sell_blocked(ev.new_pool.base_mint) ? 1 : 0;
            first_price[ev.new_pool.pool] = static_cast<double>(ev.new_pool.quote_reserve_lamports) /
                                            static_cast<double>(ev.new_pool.base_reserve_atoms);
        } else if (ev.h.type == SNP_EVENT_POOL_UPDATE) {
            worst_ratio = std::min(worst_ratio, ev.pool_update.price_lamports_per_atom /
                                                    first_price[ev.pool_update.pool]);
        }
    }
    CHECK(blocked > 0);
    CHECK(blocked < pools);
    CHECK(worst_ratio < 0.01); // a rug takes > 99% of the price
}

// After launch: LP burned only goes up, a revoked authority stays revoked,
// each change names a pool launched before it and says what changed, and a
// rug pull's holders concentrate before the pull, never after.
TEST_CASE("safety facts change after launch as on the chain: LP burned, authority revoked, holders before a rug",
          "[feeds][sim]") {
    SimFeedConfig cfg = small(21);
    cfg.duration_ns = 60LL * 60 * kNsPerSec;
    SimMarket m(cfg);
    struct Facts {
        uint32_t flags, lp, top10;
        double price;
        bool pulled = false;
    };
    std::map<Pubkey, Facts> pools;
    uint64_t lp_burns = 0, revoked = 0, concentrated = 0, changes = 0;
    EventBuf ev;
    while (m.next(ev)) {
        if (ev.h.type == SNP_EVENT_NEW_POOL) {
            const auto& np = ev.new_pool;
            pools[np.pool] = Facts{np.flags, np.lp_burned_bps, np.top10_holder_bps,
                                   static_cast<double>(np.quote_reserve_lamports) /
                                       static_cast<double>(np.base_reserve_atoms)};
        } else if (ev.h.type == SNP_EVENT_POOL_UPDATE) {
            auto it = pools.find(ev.pool_update.pool);
            REQUIRE(it != pools.end());
            if (ev.pool_update.price_lamports_per_atom < it->second.price * 0.05) {
                it->second.pulled = true; // a rug pull took the liquidity
            }
        } else if (ev.h.type == SNP_EVENT_POOL_SAFETY) {
            ++changes;
            const auto& s = ev.pool_safety;
            auto it = pools.find(s.pool);
            REQUIRE(it != pools.end()); // launched before
            Facts& f = it->second;
            CHECK((s.flags != f.flags || s.lp_burned_bps != f.lp || s.top10_holder_bps != f.top10));
            CHECK(s.lp_burned_bps >= f.lp);
            CHECK((s.flags & ~f.flags) == 0); // nothing comes back once revoked
            lp_burns += s.lp_burned_bps > f.lp ? 1 : 0;
            revoked += (f.flags & ~s.flags) != 0 ? 1 : 0;
            if (s.top10_holder_bps > f.top10) {
                ++concentrated;
                CHECK_FALSE(f.pulled);
            }
            f.flags = s.flags;
            f.lp = s.lp_burned_bps;
            f.top10 = s.top10_holder_bps;
        }
    }
    CHECK(lp_burns > 0);
    CHECK(revoked > 0);
    CHECK(concentrated > 0);
    CHECK(changes < pools.size()); // most pools never change
}

TEST_CASE("the simulated market stops at its simulated duration", "[feeds][sim]") {
    SimFeedConfig cfg = small(5);
    cfg.duration_ns = 60LL * kNsPerSec;
    SimMarket m(cfg);
    EventBuf ev;
    int64_t last = 0;
    while (m.next(ev)) {
        last = ev.h.source_ns;
    }
    CHECK(last <= SimMarket::kEpochNs + cfg.duration_ns);
    CHECK_FALSE(m.next(ev));
}
