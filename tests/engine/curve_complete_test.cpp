// CURVE_COMPLETE end to end in process: a recorded run (replay lines, as
// [feeds.record] writes them from a live source) where a pump.fun curve
// completes while a Lua strategy holds its coin, and the coin reappears as
// a PumpSwap pool (its migration). The strategy tries to buy on the curve
// after completion (refused: curve_complete), follows the mint to the new
// pool and buys there. The script checks the event's fields as scripts
// see them. A position held on the curve moves to the new pool, where the
// host's protection sells it (a sell on the completed curve is refused).
#include "engine/recorded_run.hpp"
#include "test_support.hpp"

using namespace sniper;
using testing::QuietLogs;
using testing::TempDir;

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

const Pubkey curve = testing::counting_key(1), amm = testing::counting_key(160),
             mint = testing::counting_key(40);
constexpr uint64_t kBase = 200'000'000'000'000, kQuote = 80'000'000'000;

Config replay_config(const std::filesystem::path& dir) {
    Config cfg = testing::base_config(dir, 1, 1);
    cfg.feeds.sim.enabled = false;
    cfg.paper.failure_rate_bps = 0;
    return cfg;
}

// The curve's NEW_POOL (slot 1), an update the scripts buy on (slot 2),
// then its CURVE_COMPLETE (slot 4).
testing::Recording bought_then_completed() {
    testing::Recording rec;
    rec.new_pool(curve, mint, SNP_DEX_PUMP_FUN, 1, 0, 10000, kBase, kQuote);
    rec.update(curve, mint, 2, kBase, kQuote);
    EventBuf done;
    init_event(done, SNP_EVENT_CURVE_COMPLETE);
    done.curve_complete.pool = curve;
    done.curve_complete.base_mint = mint;
    done.curve_complete.dex = SNP_DEX_PUMP_FUN;
    rec.add(done, 4);
    return rec;
}

} // namespace

TEST_CASE("CURVE_COMPLETE closes a bonding curve to entries and the coin is bought on its new pool",
          "[engine][curve]") {
    QuietLogs quiet;
    TempDir d;
    const Config cfg = replay_config(d.path);
    testing::Recording rec = bought_then_completed();
    REQUIRE(rec.lines.find(R"("type":"curve_complete")") != std::string::npos);
    rec.update(curve, mint, 5, kBase, kQuote); // refused: the curve completed
    rec.new_pool(amm, mint, SNP_DEX_PUMP_SWAP, 6, 0, 10000, kBase, kQuote);
    rec.update(amm, mint, 7, kBase, kQuote); // bought on the AMM pool

    const testing::ScriptRun run = testing::run_script(cfg, d.path, rec, "migrator", kScript);
    CHECK(run.rejected_inputs == 0);
    CHECK(run.snap.rejections_by_reason == std::map<std::string, uint64_t>{{"curve_complete", 1}});
    CHECK(run.snap.fills == 2);
    REQUIRE(run.rows.size() == 1);
    CHECK(run.rows[0].errors == 0);
    CHECK(run.state == "1"); // the event, its fields as expected
}

namespace {

// Buys once on the curve with a 20 % stop loss; after the migration it
// tries one sell on the completed curve (refused) and otherwise lets the
// host's protection do the selling.
constexpr const char* kHolder = R"(
local host = host
local curve, bought, tried_curve_sell, fills = nil, false, false, 0
return {
  name = "holder",
  version = "1.0.0",
  events = { "new_pool", "pool_update", "curve_complete", "order_update" },
  on_event = function(ev)
    if ev.type == "new_pool" and ev.dex == "pump_fun" then
      curve = ev.pool
    elseif ev.type == "pool_update" and ev.pool == curve and not bought then
      bought = true
      host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 100000000,
                   max_slippage_bps = 500, stop_loss_bps = 2000 }
    elseif ev.type == "curve_complete" and not tried_curve_sell then
      tried_curve_sell = true
      host.submit{ side = "sell", mint = ev.base_mint, pool = ev.pool, sell_all = true,
                   max_slippage_bps = 500 }
    elseif ev.type == "order_update" and ev.status == "filled" then
      fills = fills + 1
    end
  end,
  save_state = function() return tostring(fills) end,
}
)";

} // namespace

TEST_CASE("a position held on a completed curve moves to the coin's migration pool and protection sells there",
          "[engine][curve]") {
    QuietLogs quiet;
    TempDir d;
    const Config cfg = replay_config(d.path);
    testing::Recording rec = bought_then_completed();
    // The curve's last reserves, had they crashed: no exit is sent to a
    // completed curve, whatever its price says.
    rec.update(curve, mint, 5, kBase * 4, kQuote / 4);
    rec.new_pool(amm, mint, SNP_DEX_PUMP_SWAP, 6, 0, 10000, kBase, kQuote);
    rec.update(amm, mint, 7, kBase, kQuote);         // as bought: no exit
    rec.update(amm, mint, 8, kBase * 2, kQuote / 2); // a quarter of the value: the stop loss
    rec.update(amm, mint, 9, kBase * 2, kQuote / 2);

    const testing::ScriptRun run = testing::run_script(cfg, d.path, rec, "holder", kHolder);
    CHECK(run.rejected_inputs == 0);
    REQUIRE(run.rows.size() == 1);
    CHECK(run.rows[0].errors == 0);
    // The strategy's sell on the curve: refused; the host's exit went to the
    // AMM pool and closed the position.
    CHECK(run.snap.rejections_by_reason == std::map<std::string, uint64_t>{{"curve_complete", 1}});
    CHECK(run.snap.fills == 2);
    CHECK(run.snap.protection_exits == std::map<std::string, uint64_t>{{"stop_loss", 1}});
    CHECK(run.snap.positions.empty());
    CHECK(run.state == "2"); // the buy and the host's sell, both seen as fills
}
