// CURVE_COMPLETE end to end in process: a recorded run (replay lines, as
// [feeds.record] writes them from a live source) where a pump.fun curve
// completes while a Lua strategy holds its coin, and the coin reappears as
// a PumpSwap pool (its migration). The strategy tries to buy on the curve
// after completion (refused: curve_complete), follows the mint to the new
// pool and buys there. The script checks the event's fields as scripts
// see them.
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
local curve, amm, completed = nil, nil, 0
local buys_on_curve, buys_on_amm = 0, 0
return {
  name = "migrator",
  version = "1.0.0",
  events = { "new_pool", "pool_update", "curve_complete", "order_update" },
  on_event = function(ev)
    if ev.type == "new_pool" then
      if ev.dex == "pump_fun" then curve = ev.pool else amm = ev.pool end
    elseif ev.type == "curve_complete" then
      if ev.pool ~= curve or ev.dex ~= "pump_fun" or #ev.base_mint ~= 32 or ev.slot ~= 4 then
        error("unexpected curve_complete")
      end
      completed = completed + 1
    elseif ev.type == "pool_update" then
      if ev.pool == curve and buys_on_curve < 2 then
        buys_on_curve = buys_on_curve + 1
        host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 100000000,
                     max_slippage_bps = 500 }
      elseif ev.pool == amm and buys_on_amm < 1 then
        buys_on_amm = buys_on_amm + 1
        host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 100000000,
                     max_slippage_bps = 500 }
      end
    end
  end,
  save_state = function() return tostring(completed) end,
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

TEST_CASE("CURVE_COMPLETE closes a bonding curve to entries and the coin is bought on its new pool",
          "[engine][curve]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg = testing::base_config(d.path, 1, 1);
    cfg.feeds.sim.enabled = false;
    cfg.paper.failure_rate_bps = 0;

    const Pubkey curve = key(1), amm = key(160), mint = key(40), wsol = key(80), creator = key(120);
    std::string lines;
    int64_t t = 1'000'000'000;
    const auto new_pool = [&](const Pubkey& pool, uint32_t dex, uint64_t slot) {
        EventBuf np;
        init_event(np, SNP_EVENT_NEW_POOL);
        np.h.source_ns = t += 1'000'000'000;
        np.h.slot = slot;
        np.new_pool.pool = pool;
        np.new_pool.base_mint = mint;
        np.new_pool.quote_mint = wsol;
        np.new_pool.creator = creator;
        np.new_pool.dex = dex;
        np.new_pool.base_reserve_atoms = 200'000'000'000'000;
        np.new_pool.quote_reserve_lamports = 80'000'000'000;
        np.new_pool.token_supply_atoms = 1'000'000'000'000'000;
        np.new_pool.fee_bps = 25;
        np.new_pool.lp_burned_bps = 10000;
        np.new_pool.top10_holder_bps = 1000;
        np.new_pool.base_decimals = 6;
        encode_event_json(np, false, lines);
    };
    const auto update = [&](const Pubkey& pool, uint64_t slot) {
        EventBuf u;
        init_event(u, SNP_EVENT_POOL_UPDATE);
        u.h.source_ns = t += 1'000'000'000;
        u.h.slot = slot;
        u.pool_update.pool = pool;
        u.pool_update.base_mint = mint;
        u.pool_update.base_reserve_atoms = 200'000'000'000'000;
        u.pool_update.quote_reserve_lamports = 80'000'000'000;
        encode_event_json(u, false, lines);
    };
    new_pool(curve, SNP_DEX_PUMP_FUN, 1);
    update(curve, 2); // bought on the curve
    EventBuf done;
    init_event(done, SNP_EVENT_CURVE_COMPLETE);
    done.h.source_ns = t += 1'000'000'000;
    done.h.slot = 4;
    done.curve_complete.pool = curve;
    done.curve_complete.base_mint = mint;
    done.curve_complete.dex = SNP_DEX_PUMP_FUN;
    encode_event_json(done, false, lines);
    REQUIRE(lines.find(R"("type":"curve_complete")") != std::string::npos);
    update(curve, 5); // refused: the curve completed
    new_pool(amm, SNP_DEX_PUMP_SWAP, 6);
    update(amm, 7); // bought on the AMM pool
    const std::string recording = (d.path / "market.jsonl").string();
    std::ofstream(recording, std::ios::binary) << lines;
    std::ofstream(fs::path(cfg.plugins_dir) / "migrator.lua", std::ios::binary) << kScript;

    std::string err;
    auto feed = ReplayFeed::open(recording, &err);
    REQUIRE(feed);
    Engine engine(cfg, *feed, nullptr, EngineOptions{});
    REQUIRE(engine.load_strategies() == 1);
    engine.run();
    const EngineSnapshot snap = engine.snapshot();
    CHECK(feed->rejected_inputs() == 0);
    CHECK(snap.rejections_by_reason == std::map<std::string, uint64_t>{{"curve_complete", 1}});
    CHECK(snap.fills == 2);
    const auto rows = engine.strategy_rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].errors == 0);
    std::vector<uint8_t> st;
    REQUIRE(engine.strategy_state("migrator", st));
    CHECK(std::string(st.begin(), st.end()) == "1"); // the event, its fields as expected
}
