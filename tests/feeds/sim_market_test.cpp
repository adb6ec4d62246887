// The simulated market: determinism per seed, valid events in time order,
// the life stories, safety changes after launch, its end, and bonding
// curves that complete and migrate.
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

// Bonding curves (feeds.sim.curve_share): a pump.fun coin launches on its
// curve at the curve's virtual reserves, trades never take more SOL out
// than came in, the buy that takes the last token completes it, nothing
// trades on it after, and its PumpSwap pool arrives 2-10 s later with the
// same mint at the curve's last price. Honeypots are never curves.
TEST_CASE("bonding curves complete at their last token and the coin trades on on its migration pool",
          "[feeds][sim][curve]") {
    constexpr uint64_t kVirtualSol = 30'000'000'000ULL;
    constexpr uint64_t kVirtualTokens = 1'073'000'000'000'000ULL;
    constexpr uint64_t kDoneTokens = 279'900'000'000'000ULL; // virtual tokens left when complete
    SimFeedConfig cfg = small(5);
    cfg.duration_ns = 3LL * 3600 * kNsPerSec;
    cfg.pools_per_minute = 1;
    cfg.update_interval_ns = 5 * kNsPerSec;
    cfg.curve_share = 1.0;
    cfg.regimes = SimRegimeWeights{1, 0, 1, 1, 2}; // pump_and_dump, rug_pull, honeypot, runner
    SimMarket m(cfg);
    struct Curve {
        Pubkey mint{};
        uint64_t base = 0, quote = 0; // last reserves
        int64_t completed_ns = 0;     // 0: not yet
        bool migrated = false;
    };
    std::map<Pubkey, Curve> curves;            // by curve pool
    std::map<Pubkey, Pubkey> curve_of_mint;    // mint -> curve pool
    uint64_t pools = 0, plain = 0, completed = 0, migrated = 0;
    EventBuf ev;
    while (m.next(ev)) {
        switch (ev.h.type) {
        case SNP_EVENT_NEW_POOL: {
            const snp_ev_new_pool& np = ev.new_pool;
            if (np.dex == SNP_DEX_PUMP_FUN) {
                ++pools;
                CHECK(np.base_reserve_atoms == kVirtualTokens);
                CHECK(np.quote_reserve_lamports == kVirtualSol);
                CHECK(np.fee_bps == 100);
                CHECK(np.flags == 0);
                CHECK(np.lp_burned_bps == 10000);
                curves[np.pool] = Curve{np.base_mint, np.base_reserve_atoms, np.quote_reserve_lamports, 0, false};
                curve_of_mint[np.base_mint] = np.pool;
            } else if (np.dex == SNP_DEX_PUMP_SWAP) {
                const auto c = curve_of_mint.find(np.base_mint);
                REQUIRE(c != curve_of_mint.end());
                Curve& cv = curves[c->second];
                REQUIRE(cv.completed_ns != 0);
                CHECK_FALSE(cv.migrated);
                CHECK(np.pool != c->second);
                CHECK(np.fee_bps == 25);
                CHECK(np.lp_burned_bps == 10000);
                CHECK(np.base_reserve_atoms == 206'900'000'000'000ULL);
                CHECK(np.quote_reserve_lamports == cv.quote - kVirtualSol); // the SOL the curve took
                const int64_t after = ev.h.source_ns - cv.completed_ns;
                CHECK(after >= 2 * kNsPerSec);
                CHECK(after <= 10 * kNsPerSec);
                const double curve_price = static_cast<double>(cv.quote) / static_cast<double>(cv.base);
                const double pool_price =
                    static_cast<double>(np.quote_reserve_lamports) / static_cast<double>(np.base_reserve_atoms);
                CHECK(std::fabs(pool_price / curve_price - 1.0) < 0.001);
                cv.migrated = true;
                ++migrated;
            } else {
                CHECK(np.dex == SNP_DEX_SIM); // a honeypot: a plain pool
                ++plain;
            }
            break;
        }
        case SNP_EVENT_POOL_UPDATE:
        case SNP_EVENT_TRADE: {
            const Pubkey& pool = ev.h.type == SNP_EVENT_TRADE ? ev.trade.pool : ev.pool_update.pool;
            const auto it = curves.find(pool);
            if (it == curves.end()) {
                break;
            }
            INFO("an event on a curve after its completion");
            CHECK(it->second.completed_ns == 0);
            if (ev.h.type == SNP_EVENT_POOL_UPDATE) {
                it->second.base = ev.pool_update.base_reserve_atoms;
                it->second.quote = ev.pool_update.quote_reserve_lamports;
                CHECK(it->second.quote >= kVirtualSol);
                CHECK(it->second.base >= kDoneTokens);
            }
            break;
        }
        case SNP_EVENT_CURVE_COMPLETE: {
            const auto it = curves.find(ev.curve_complete.pool);
            REQUIRE(it != curves.end());
            CHECK(ev.curve_complete.base_mint == it->second.mint);
            CHECK(ev.curve_complete.dex == SNP_DEX_PUMP_FUN);
            CHECK(it->second.completed_ns == 0);
            CHECK(it->second.base == kDoneTokens); // its last update: every token sold
            it->second.completed_ns = ev.h.source_ns;
            ++completed;
            break;
        }
        default:
            break;
        }
    }
    INFO(pools << " curves, " << plain << " plain pools, " << completed << " completed, " << migrated
                << " migrated");
    CHECK(pools > 50);
    CHECK(plain > 10);
    CHECK(completed > 5);
    CHECK(completed < pools / 2); // only stories that climb ~15x get there
    // Every curve that completed early enough has its pool.
    for (const auto& [pool, c] : curves) {
        if (c.completed_ns != 0 && c.completed_ns + 10 * kNsPerSec < SimMarket::kEpochNs + cfg.duration_ns) {
            CHECK(c.migrated);
        }
    }
    // Deterministic, and curve_share = 0 launches no curve.
    SimMarket a(cfg), b(cfg);
    size_t na = 0, nb = 0;
    CHECK(stream_hash(a, &na) == stream_hash(b, &nb));
    cfg.curve_share = 0;
    SimMarket none(cfg);
    while (none.next(ev)) {
        if (ev.h.type == SNP_EVENT_NEW_POOL) {
            CHECK(ev.new_pool.dex == SNP_DEX_SIM);
        }
        CHECK(ev.h.type != SNP_EVENT_CURVE_COMPLETE);
    }
}

// Across a restart the sim replays its market from the start, moved
// differently by our own swaps, so curves complete in another order: a
// migration pool's key is a function of its coin's mint, and a key never
// names two coins across the two runs.
TEST_CASE("a migration pool's key depends on its coin alone whatever order the curves complete in",
          "[feeds][sim][curve]") {
    SimFeedConfig cfg = small(9);
    cfg.duration_ns = 2LL * 3600 * kNsPerSec;
    cfg.pools_per_minute = 1;
    cfg.update_interval_ns = 5 * kNsPerSec;
    cfg.curve_share = 1.0;
    cfg.regimes = SimRegimeWeights{0, 0, 0, 0, 1};
    const auto migrations = [&](bool push) {
        SimMarket m(cfg);
        std::map<Pubkey, Pubkey> pool_of_mint; // migration pools
        std::map<Pubkey, Pubkey> mint_of_pool; // every pool
        EventBuf ev;
        bool pushed = false;
        while (m.next(ev)) {
            if (ev.h.type != SNP_EVENT_NEW_POOL) {
                continue;
            }
            mint_of_pool[ev.new_pool.pool] = ev.new_pool.base_mint;
            if (ev.new_pool.dex == SNP_DEX_PUMP_SWAP) {
                pool_of_mint[ev.new_pool.base_mint] = ev.new_pool.pool;
            } else if (push && !pushed) {
                // Our own big buy on the first curve: it completes first now.
                m.on_own_swap(ev.new_pool.pool, SNP_SIDE_BUY, 80'000'000'000ULL, 700'000'000'000'000ULL);
                pushed = true;
            }
        }
        return std::make_pair(pool_of_mint, mint_of_pool);
    };
    const auto [a_pools, a_mints] = migrations(false);
    const auto [b_pools, b_mints] = migrations(true);
    REQUIRE(a_pools.size() >= 3);
    REQUIRE(b_pools.size() >= 3);
    size_t common = 0;
    for (const auto& [mint, pool] : a_pools) {
        if (const auto it = b_pools.find(mint); it != b_pools.end()) {
            CHECK(it->second == pool);
            ++common;
        }
    }
    CHECK(common >= 1);
    for (const auto& [pool, mint] : a_mints) {
        if (const auto it = b_mints.find(pool); it != b_mints.end()) {
            CHECK(it->second == mint);
        }
    }
}
