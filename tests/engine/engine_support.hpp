// tests/engine/engine_support.hpp — fixtures the engine tests share: where
// built and test plugins are, installing and hot-swapping a plugin file,
// the base config of an in-process simulated run, counting events, and a
// POOL_UPDATE event.
#pragma once

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "feeds/sim_market.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace sniper::testing {

inline std::string built_plugin(const std::string& n) {
    return std::string(SNIPER_BUILD_DIR) + "/plugins/" + n + ".so";
}
inline std::string test_plugin(const std::string& n) {
    return std::string(SNIPER_TEST_PLUGIN_DIR) + "/" + n + ".so";
}

// Copies a plugin file into the config's plugins folder.
inline void install(const Config& c, const std::string& from) {
    std::filesystem::copy_file(from, std::filesystem::path(c.plugins_dir) / std::filesystem::path(from).filename(),
                               std::filesystem::copy_options::overwrite_existing);
}

// Replaces dst the way an editor or `cp` + `mv` would: write aside, rename.
inline void drop_in(const std::string& src, const std::filesystem::path& dst) {
    const std::filesystem::path tmp = dst.string() + ".tmp";
    std::filesystem::copy_file(src, tmp, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(tmp, dst);
}

// A simulated run of `sim_minutes` with `seed`, 10 pools a minute, its data
// and plugins under `dir`. Callbacks get a 2 s budget: these tests check
// trading and event counts, not budgets, and a callback stalled by the
// machine (a page fault behind a parallel test's fsyncs, seen under ASan)
// must not count as the strategy's fault.
inline Config base_config(const std::filesystem::path& dir, int64_t sim_minutes, uint64_t seed) {
    Config c;
    c.data_dir = (dir / "data").string();
    c.plugins_dir = (dir / "plugins").string();
    std::filesystem::create_directories(c.plugins_dir);
    c.feeds.sim.seed = seed;
    c.feeds.sim.duration_ns = sim_minutes * 60 * kNsPerSec;
    c.feeds.sim.pools_per_minute = 10;
    c.runtime.defaults.callback_budget_ns = 2 * kNsPerSec;
    return c;
}

// How many events the simulated market makes with this config.
inline uint64_t feed_events(const SimFeedConfig& cfg) {
    SimMarket m(cfg);
    EventBuf ev;
    uint64_t n = 0;
    while (m.next(ev)) {
        ++n;
    }
    return n;
}

// The `counting` test plugin's count of events, from its saved state.
inline uint64_t counted_events(Engine& engine, const std::string& name = "counting") {
    std::vector<uint8_t> st;
    REQUIRE(engine.strategy_state(name, st));
    REQUIRE(st.size() == 16);
    uint64_t n = 0;
    std::memcpy(&n, st.data(), sizeof n);
    return n;
}

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A POOL_UPDATE of `pool` (token `mint`) to `base` atoms / `quote`
// lamports, at source time `t`.
inline EventBuf pool_update_event(const Pubkey& pool, const Pubkey& mint, uint64_t base, uint64_t quote,
                                  int64_t t = 0) {
    EventBuf u;
    init_event(u, SNP_EVENT_POOL_UPDATE);
    u.pool_update.pool = pool;
    u.pool_update.base_mint = mint;
    u.pool_update.base_reserve_atoms = base;
    u.pool_update.quote_reserve_lamports = quote;
    u.h.source_ns = t;
    return u;
}

} // namespace sniper::testing
