// The wall clock with a push source that goes quiet: after two new pools
// nothing arrives, and still a max-hold exit fires on time, a timer fires,
// a reload completes and kill --flatten ends HALTED. Before the inbox and
// the clock, all of these waited for the next market event.
#include "app/reloader.hpp"
#include "core/clock.hpp"
#include "engine/engine.hpp"
#include "feeds/source.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

using namespace sniper;
using testing::QuietLogs;
using testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Pushes two new pools at once, then nothing until stopped.
class QuietSource final : public PushSource {
  public:
    ~QuietSource() override { stop(); }
    const char* name() const override { return "quiet"; }
    void start(EventSink& sink) override {
        {
            std::lock_guard<std::mutex> lk(mu_);
            sink_ = &sink;
        }
        thread_ = std::thread([this, &sink] {
            for (uint8_t i = 1; i <= 2; ++i) {
                EventBuf ev;
                init_event(ev, SNP_EVENT_NEW_POOL);
                ev.h.source_ns = wall_ns();
                ev.new_pool.pool.bytes[0] = static_cast<uint8_t>(0x10 + i);
                ev.new_pool.base_mint.bytes[0] = static_cast<uint8_t>(0x20 + i);
                ev.new_pool.quote_mint.bytes[0] = 0x30;
                ev.new_pool.creator.bytes[0] = 0x40;
                ev.new_pool.dex = SNP_DEX_SIM;
                ev.new_pool.base_reserve_atoms = 800'000'000'000'000;
                ev.new_pool.quote_reserve_lamports = 100'000'000'000;
                ev.new_pool.token_supply_atoms = 1'000'000'000'000'000;
                ev.new_pool.fee_bps = 25;
                ev.new_pool.lp_burned_bps = 10000;
                ev.new_pool.top10_holder_bps = 1000;
                ev.new_pool.base_decimals = 6;
                sink.push_market_event(ev);
            }
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [this] { return stop_; });
            lk.unlock();
            sink.source_ended();
        });
    }
    void stop() override {
        {
            std::lock_guard<std::mutex> lk(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    // The engine names the pools it holds (Feed::watch_pools).
    void watch_pools(const std::vector<Pubkey>& pools) override {
        std::lock_guard<std::mutex> lk(mu_);
        watched_.push_back(pools);
    }
    std::vector<std::vector<Pubkey>> watched() {
        std::lock_guard<std::mutex> lk(mu_);
        return watched_;
    }
    // ... and their mints (Feed::watch_mints), for price sources.
    void watch_mints(const std::vector<Pubkey>& mints) override {
        std::lock_guard<std::mutex> lk(mu_);
        watched_mints_.push_back(mints);
    }
    std::vector<std::vector<Pubkey>> watched_mints() {
        std::lock_guard<std::mutex> lk(mu_);
        return watched_mints_;
    }
    // What a [feeds.price] source hands the engine.
    void send_prices(std::vector<ReferencePrice> prices) {
        std::lock_guard<std::mutex> lk(mu_);
        sink_->reference_prices(std::move(prices));
    }

  private:
    EventSink* sink_ = nullptr;
    std::vector<std::vector<Pubkey>> watched_mints_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::vector<std::vector<Pubkey>> watched_;
};

// Buys both pools (the first with a 1 s max hold, the second with none),
// sets a 1.5 s timer, counts timers and fills; its state says so.
constexpr const char* kStrategy = R"lua(
local timers, fills, buys = 0, 0, 0
return {
  name = "quiet", version = "VERSION", events = { "new_pool", "order_update", "timer" },
  on_event = function(ev)
    if ev.type == "new_pool" then
      buys = buys + 1
      host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 1e8, max_slippage_bps = 3000,
                   max_hold_ns = buys == 1 and 1e9 or -1, stop_loss_bps = -1, take_profit_bps = -1 }
      if buys == 1 then host.set_timer(1.5e9, 7) end
    elseif ev.type == "timer" then
      timers = timers + 1
    elseif ev.type == "order_update" and ev.status == "filled" then
      fills = fills + 1
    end
  end,
  save_state = function() return string.format("%d %d", timers, fills) end,
  load_state = function(s)
    local t, f = s:match("^(%d+) (%d+)$")
    timers, fills = tonumber(t), tonumber(f)
  end,
}
)lua";

void write_strategy(const fs::path& dir, const std::string& version) {
    const fs::path tmp = dir / "quiet.lua.tmp";
    std::string text = kStrategy;
    text.replace(text.find("VERSION"), 7, version);
    std::ofstream(tmp) << text;
    fs::rename(tmp, dir / "quiet.lua");
}

bool wait_for(const std::function<bool()>& pred, int64_t timeout_ns) {
    const int64_t end = mono_ns() + timeout_ns;
    while (mono_ns() < end) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
}

} // namespace

TEST_CASE("wall clock: with a quiet source, max hold, a timer, reload and kill --flatten still happen",
          "[engine][clock]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg;
    cfg.data_dir = (d.path / "data").string();
    cfg.plugins_dir = (d.path / "plugins").string();
    fs::create_directories(cfg.plugins_dir);
    cfg.runtime.defaults.callback_budget_ns = 2 * kNsPerSec;
    cfg.paper.failure_rate_bps = 0;
    cfg.risk.max_slippage_bps = 3000;
    cfg.risk.max_order_lamports = kLamportsPerSol;
    cfg.strategies["quiet"].name = "quiet";
    write_strategy(cfg.plugins_dir, "1");

    std::vector<std::unique_ptr<PushSource>> sources;
    auto quiet_source = std::make_unique<QuietSource>();
    QuietSource* source = quiet_source.get();
    sources.push_back(std::move(quiet_source));
    SourceSet feed(std::move(sources));
    Engine engine(cfg, feed, nullptr, EngineOptions{});
    REQUIRE(engine.load_strategies() == 1);
    Reloader reloader(engine, "");
    const int64_t t0 = mono_ns();
    std::thread runner([&engine] { engine.run(); });

    // Both buys land (400 ms landing delay on the wall clock).
    REQUIRE(wait_for([&] { return engine.snapshot().fills >= 2; }, 10 * kNsPerSec));
    // The source is told which pools are held (to follow their accounts).
    REQUIRE(wait_for(
        [&] {
            const auto w = source->watched();
            return !w.empty() && w.back().size() == 2;
        },
        2 * kNsPerSec));
    CHECK(source->watched().back()[0].bytes[0] == 0x11);
    CHECK(source->watched().back()[1].bytes[0] == 0x12);
    // No event after the two pools, yet the max hold exit of the first
    // position fires after its 1 s and lands.
    REQUIRE(wait_for(
        [&] {
            const EngineSnapshot s = engine.snapshot();
            auto it = s.protection_exits.find("max_hold");
            return it != s.protection_exits.end() && it->second == 1 && s.positions.size() == 1;
        },
        10 * kNsPerSec));
    const int64_t exit_after_ns = mono_ns() - t0;
    CHECK(exit_after_ns >= 1'400'000'000); // 400 ms landing + 1 s hold, never early
    CHECK(engine.events_processed() == 2);

    // A reload (a new version of the script) completes while nothing arrives.
    write_strategy(cfg.plugins_dir, "2");
    const ReloadReport rep = reloader.reload(std::chrono::seconds(10));
    INFO(rep.to_json());
    CHECK(rep.errors.empty());
    CHECK(rep.reloaded.size() == 1);

    // kill --flatten: REDUCING, the exit goes out and lands, then HALTED.
    std::string err;
    REQUIRE(engine.set_trading_state(TradingState::Reducing, "test flatten", "test", &err));
    engine.post([&engine] { engine.flatten_all("test flatten"); });
    REQUIRE(wait_for(
        [&] {
            const EngineSnapshot s = engine.snapshot();
            return s.state == TradingState::Halted && s.positions.empty();
        },
        10 * kNsPerSec));
    // Nothing held: nothing to follow.
    REQUIRE(wait_for([&] { return source->watched().back().empty(); }, 2 * kNsPerSec));
    // The 1.5 s timer has fired by now (the flatten alone takes 400 ms).
    REQUIRE(wait_for([&] { return mono_ns() - t0 > 2 * kNsPerSec; }, 5 * kNsPerSec));

    engine.request_stop();
    runner.join();
    CHECK(engine.events_processed() == 2);
    std::vector<uint8_t> state;
    REQUIRE(engine.strategy_state("quiet", state));
    const std::string text(state.begin(), state.end());
    CHECK(text == "1 4"); // one timer; fills: two buys, the max-hold exit, the flatten exit
    const auto rows = engine.strategy_rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].version == "2");
    CHECK(rows[0].errors == 0);
}

// Buys the first pool, then again at 1.5 s and at 4 s (entries the risk
// gate judges with whatever the price endpoint said meanwhile).
constexpr const char* kPricedStrategy = R"lua(
local pool, mint
local function buy()
  host.submit{ side = "buy", mint = mint, pool = pool, amount_in = 1e8, max_slippage_bps = 3000,
               max_hold_ns = -1, stop_loss_bps = -1, take_profit_bps = -1 }
end
return {
  name = "priced", version = "1", events = { "new_pool", "timer" },
  on_event = function(ev)
    if ev.type == "new_pool" and pool == nil then
      pool, mint = ev.pool, ev.base_mint
      buy()
      host.set_timer(1.5e9, 1)
      host.set_timer(4e9, 2)
    elseif ev.type == "timer" then
      buy()
    end
  end,
}
)lua";

TEST_CASE("wall clock: a price endpoint that disagrees with a held pool's price marks it stale, so entries wait",
          "[engine][clock][price]") {
    QuietLogs quiet;
    TempDir d;
    Config cfg;
    cfg.data_dir = (d.path / "data").string();
    cfg.plugins_dir = (d.path / "plugins").string();
    fs::create_directories(cfg.plugins_dir);
    cfg.paper.failure_rate_bps = 0;
    cfg.risk.max_slippage_bps = 3000;
    cfg.risk.max_order_lamports = kLamportsPerSol;
    cfg.feeds.price.max_deviation_pct = 25;
    cfg.strategies["priced"].name = "priced";
    std::ofstream(fs::path(cfg.plugins_dir) / "priced.lua") << kPricedStrategy;

    std::vector<std::unique_ptr<PushSource>> sources;
    auto quiet_source = std::make_unique<QuietSource>();
    QuietSource* source = quiet_source.get();
    sources.push_back(std::move(quiet_source));
    SourceSet feed(std::move(sources));
    Engine engine(cfg, feed, nullptr, EngineOptions{});
    REQUIRE(engine.load_strategies() == 1);
    std::thread runner([&engine] { engine.run(); });

    // The first buy lands; the source is told the mint held.
    REQUIRE(wait_for(
        [&] {
            const auto w = source->watched_mints();
            return engine.snapshot().fills >= 1 && !w.empty() && w.back().size() == 1;
        },
        10 * kNsPerSec));
    const Pubkey mint = source->watched_mints().back()[0];
    CHECK(mint.bytes[0] == 0x21);
    // 100 SOL against 8e8 tokens (6 decimals): 1.25e-7 SOL per token, a
    // little more after our buy. An endpoint within 25% changes nothing:
    // the 1.5 s buy fills.
    source->send_prices({{mint, 1.3e-7}});
    REQUIRE(wait_for([&] { return engine.snapshot().fills >= 2; }, 10 * kNsPerSec));
    // One at twice the pool's price: the pool is stale, the 4 s buy is
    // refused for it.
    source->send_prices({{mint, 2.6e-7}});
    REQUIRE(wait_for(
        [&] {
            const auto r = engine.snapshot().rejections_by_reason;
            const auto it = r.find("stale_price");
            return it != r.end() && it->second == 1;
        },
        10 * kNsPerSec));
    engine.request_stop();
    runner.join();
    const EngineSnapshot s = engine.snapshot();
    CHECK(s.fills == 2);
    CHECK(s.rejections == 1);
}
