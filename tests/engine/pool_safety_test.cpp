// POOL_SAFETY end to end in process: a recorded run (replay lines, as
// [feeds.record] writes them from a live source) where a token's mint
// authority is revoked and then the pool's LP burned, after its creation.
// A Lua strategy tries to buy on every price: the risk gate refuses for
// the mint authority, then for the LP share, and lets the buy through once
// the POOL_SAFETY events cleared both. The script checks the events'
// fields as scripts see them.
#include "engine/recorded_run.hpp"
#include "test_support.hpp"

using namespace sniper;
using testing::QuietLogs;
using testing::TempDir;

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

    const Pubkey pool = testing::counting_key(1), mint = testing::counting_key(40);
    testing::Recording rec;
    // Measured at creation: a mint authority, nothing burned yet.
    rec.new_pool(pool, mint, SNP_DEX_PUMP_SWAP, 1, SNP_POOL_MINT_AUTHORITY_PRESENT, 0, 1'000'000'000'000'000,
                 50'000'000'000);
    const auto update = [&](uint64_t slot) { rec.update(pool, mint, slot, 1'000'000'000'000'000, 50'000'000'000); };
    const auto safety = [&](uint64_t slot, uint32_t lp_bps) {
        EventBuf e;
        init_event(e, SNP_EVENT_POOL_SAFETY);
        e.pool_safety.pool = pool;
        e.pool_safety.base_mint = mint;
        e.pool_safety.dex = SNP_DEX_PUMP_SWAP;
        e.pool_safety.lp_burned_bps = lp_bps;
        e.pool_safety.top10_holder_bps = 1000;
        rec.add(e, slot);
    };
    update(2);    // refused: the mint authority
    safety(3, 0); // revoked
    update(4);    // refused: no LP burned
    safety(5, 10000);
    REQUIRE(rec.lines.find(R"("type":"pool_safety")") != std::string::npos);
    for (uint64_t slot = 6; slot < 10; ++slot) {
        update(slot); // the first buys
    }
    const testing::ScriptRun run = testing::run_script(cfg, d.path, rec, "lp_waiter", kScript);
    CHECK(run.rejected_inputs == 0);
    CHECK(run.snap.rejections_by_reason ==
          std::map<std::string, uint64_t>{{"mint_authority", 1}, {"min_lp_burned", 1}});
    CHECK(run.snap.rejections == 2);
    CHECK(run.snap.fills == 1);
    REQUIRE(run.rows.size() == 1);
    CHECK(run.rows[0].errors == 0);
    CHECK(run.state == "2"); // both POOL_SAFETY events, their fields as expected
}
