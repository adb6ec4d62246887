// POOL_SAFETY end to end in process: a recorded run (replay lines, as
// [feeds.record] writes them from a live source) where a token's mint
// authority is revoked and then the pool's LP burned, after its creation.
// A Lua strategy tries to buy on every price: the risk gate refuses for
// the mint authority, then for the LP share, and lets the buy through once
// the POOL_SAFETY events cleared both. The script checks the events'
// fields as scripts see them.
#include "engine/engine.hpp"
#include "feeds/event_json.hpp"
#include "feeds/replay.hpp"

#include <catch2/catch.hpp>

#include "engine/engine_support.hpp"
#include "test_support.hpp"

#include <filesystem>
#include <fstream>

using namespace sniper;
using testing::QuietLogs;
using testing::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr const char* kScript = R"(
local host = host
local state, safety = "idle", 0
return {
  name = "lp_waiter",
  version = "1.0.0",
  events = { "pool_update", "pool_safety", "order_update" },
  on_event = function(ev)
    if ev.type == "pool_safety" then
      local want_lp = ev.slot == 3 and 0 or 10000
      if (ev.slot ~= 3 and ev.slot ~= 5) or ev.lp_burned_bps ~= want_lp or ev.lp_unknown
         or ev.holders_unknown or ev.dex ~= "pump_swap" or ev.top10_holder_bps ~= 1000
         or ev.mint_authority_present or ev.freeze_authority_present or #ev.pool ~= 32 then
        error("unexpected pool_safety")
      end
      safety = safety + 1
    elseif ev.type == "pool_update" and state == "idle" then
      state = "submitted"
      host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 100000000,
                   max_slippage_bps = 500 }
    elseif ev.type == "order_update" then
      if ev.status == "rejected" or ev.status == "failed" then state = "idle"
      elseif ev.status == "filled" then state = "done" end
    end
  end,
  save_state = function() return tostring(safety) end,
}
)";

Pubkey key(uint8_t b) {
    Pubkey k{};
    for (size_t i = 0; i < sizeof k.bytes; ++i) {
        k.bytes[i] = static_cast<uint8_t>(b + i);
    }
    return k;
}

} // namespace

TEST_CASE("POOL_SAFETY events after the NEW_POOL move the risk gate: refused before the authority "
          "is revoked "
          "and the LP burned, bought after",
          "[engine][follow]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = testing::base_config(d.path, 1, 1);
    cfg.feeds.sim.enabled = false;
    cfg.risk.min_lp_burned_bps = 9000;
    cfg.risk.reject_mint_authority = true;
    cfg.paper.failure_rate_bps = 0;

    const Pubkey pool = key(1), mint = key(40), wsol = key(80), creator = key(120);
    std::string lines;
    int64_t t = 1'000'000'000;
    EventBuf np;
    init_event(np, SNP_EVENT_NEW_POOL);
    np.h.source_ns = t;
    np.h.slot = 1;
    np.new_pool.pool = pool;
    np.new_pool.base_mint = mint;
    np.new_pool.quote_mint = wsol;
    np.new_pool.creator = creator;
    np.new_pool.dex = SNP_DEX_PUMP_SWAP;
    np.new_pool.flags = SNP_POOL_MINT_AUTHORITY_PRESENT;
    np.new_pool.base_reserve_atoms = 1'000'000'000'000'000;
    np.new_pool.quote_reserve_lamports = 50'000'000'000;
    np.new_pool.token_supply_atoms = 1'000'000'000'000'000;
    np.new_pool.fee_bps = 25;
    np.new_pool.lp_burned_bps = 0; // measured at creation: nothing burned yet
    np.new_pool.top10_holder_bps = 1000;
    np.new_pool.base_decimals = 6;
    encode_event_json(np, false, lines);
    const auto update = [&](uint64_t slot) {
        EventBuf u;
        init_event(u, SNP_EVENT_POOL_UPDATE);
        u.h.source_ns = t += 1'000'000'000;
        u.h.slot = slot;
        u.pool_update.pool = pool;
        u.pool_update.base_mint = mint;
        u.pool_update.base_reserve_atoms = 1'000'000'000'000'000;
        u.pool_update.quote_reserve_lamports = 50'000'000'000;
        encode_event_json(u, false, lines);
    };
    const auto safety = [&](uint64_t slot, uint32_t lp_bps) {
        EventBuf e;
        init_event(e, SNP_EVENT_POOL_SAFETY);
        e.h.source_ns = t += 1'000'000'000;
        e.h.slot = slot;
        e.pool_safety.pool = pool;
        e.pool_safety.base_mint = mint;
        e.pool_safety.dex = SNP_DEX_PUMP_SWAP;
        e.pool_safety.lp_burned_bps = lp_bps;
        e.pool_safety.top10_holder_bps = 1000;
        encode_event_json(e, false, lines);
    };
    update(2);    // refused: the mint authority
    safety(3, 0); // revoked
    update(4);    // refused: no LP burned
    safety(5, 10000);
    REQUIRE(lines.find(R"("type":"pool_safety")") != std::string::npos);
    for (uint64_t slot = 6; slot < 10; ++slot) {
        update(slot); // the first buys
    }
    const std::string recording = (d.path / "market.jsonl").string();
    std::ofstream(recording, std::ios::binary) << lines;
    std::ofstream(fs::path(cfg.plugins_dir) / "lp_waiter.lua", std::ios::binary) << kScript;

    std::string err;
    auto feed = ReplayFeed::open(recording, &err);
    REQUIRE(feed);
    Engine engine(cfg, *feed, nullptr, EngineOptions{});
    REQUIRE(engine.load_strategies() == 1);
    engine.run();
    const EngineSnapshot snap = engine.snapshot();
    CHECK(feed->rejected_inputs() == 0);
    CHECK(snap.rejections_by_reason ==
          std::map<std::string, uint64_t>{{"mint_authority", 1}, {"min_lp_burned", 1}});
    CHECK(snap.rejections == 2);
    CHECK(snap.fills == 1);
    const auto rows = engine.strategy_rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].errors == 0);
    std::vector<uint8_t> st;
    REQUIRE(engine.strategy_state("lp_waiter", st));
    CHECK(std::string(st.begin(), st.end()) ==
          "2"); // both POOL_SAFETY events, their fields as expected
}
