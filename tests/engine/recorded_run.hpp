// tests/engine/recorded_run.hpp — a market recording built line by line in
// the replay format (as [feeds.record] writes a live source's events), and
// one run of a Lua script over it through the real engine: what the
// follow-up events (POOL_SAFETY, CURVE_COMPLETE) tests replay.
#pragma once

#include "engine/engine.hpp"
#include "feeds/event_json.hpp"
#include "feeds/replay.hpp"

#include <catch2/catch.hpp>

#include "engine/engine_support.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sniper::testing {

// A key whose bytes count up from `b`: distinct keys from distinct seeds.
inline Pubkey counting_key(uint8_t b) {
    Pubkey k{};
    for (size_t i = 0; i < sizeof k.bytes; ++i) {
        k.bytes[i] = static_cast<uint8_t>(b + i);
    }
    return k;
}

// Replay lines, one event a second from t = 1 s.
struct Recording {
    std::string lines;
    int64_t t = 0;

    // Stamps `ev` one second after the previous line, at `slot`, and adds it.
    void add(EventBuf& ev, uint64_t slot) {
        ev.h.source_ns = t += 1'000'000'000;
        ev.h.slot = slot;
        encode_event_json(ev, false, lines);
    }
    // A NEW_POOL with the given safety facts; the quote mint and creator
    // are fixed keys.
    void new_pool(const Pubkey& pool, const Pubkey& mint, uint32_t dex, uint64_t slot,
                  uint32_t flags, uint32_t lp_burned_bps, uint64_t base, uint64_t quote) {
        EventBuf np;
        init_event(np, SNP_EVENT_NEW_POOL);
        np.new_pool.pool = pool;
        np.new_pool.base_mint = mint;
        np.new_pool.quote_mint = counting_key(80);
        np.new_pool.creator = counting_key(120);
        np.new_pool.dex = dex;
        np.new_pool.flags = flags;
        np.new_pool.base_reserve_atoms = base;
        np.new_pool.quote_reserve_lamports = quote;
        np.new_pool.token_supply_atoms = 1'000'000'000'000'000;
        np.new_pool.fee_bps = 25;
        np.new_pool.lp_burned_bps = lp_burned_bps;
        np.new_pool.top10_holder_bps = 1000;
        np.new_pool.base_decimals = 6;
        add(np, slot);
    }
    void update(const Pubkey& pool, const Pubkey& mint, uint64_t slot, uint64_t base,
                uint64_t quote) {
        EventBuf u = pool_update_event(pool, mint, base, quote);
        add(u, slot);
    }
};

struct ScriptRun {
    EngineSnapshot snap;
    std::vector<StrategyRow> rows;
    std::string state; // the script's save_state
    uint64_t rejected_inputs = 0;
};

// Writes `rec` to <dir>/market.jsonl and `script` as <name>.lua into the
// config's plugins folder, then runs the engine over the recording.
inline ScriptRun run_script(const Config& cfg, const std::filesystem::path& dir,
                            const Recording& rec, const std::string& name, const char* script) {
    const std::string recording = (dir / "market.jsonl").string();
    std::ofstream(recording, std::ios::binary) << rec.lines;
    std::ofstream(std::filesystem::path(cfg.plugins_dir) / (name + ".lua"), std::ios::binary)
        << script;
    std::string err;
    auto feed = ReplayFeed::open(recording, &err);
    INFO(err);
    REQUIRE(feed);
    Engine engine(cfg, *feed, nullptr, EngineOptions{});
    REQUIRE(engine.load_strategies() == 1);
    engine.run();
    ScriptRun out;
    out.snap = engine.snapshot();
    out.rows = engine.strategy_rows();
    out.rejected_inputs = feed->rejected_inputs();
    std::vector<uint8_t> st;
    REQUIRE(engine.strategy_state(name, st));
    out.state.assign(st.begin(), st.end());
    return out;
}

} // namespace sniper::testing
