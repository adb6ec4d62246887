// call_tool end to end in the engine: a Lua strategy asks the real
// talib_minimal tool (a python3 subprocess) for the RSI of a pool's prices
// and trades on the answer. On the simulated clock the answers arrive at
// call time + timeout, so two runs make the same journal.
#include "engine/engine.hpp"
#include "store/store.hpp"
#include "tools/tool_manifest.hpp"
#include "tools/tool_runner.hpp"

#include <catch2/catch.hpp>

#include "engine/engine_support.hpp"
#include "test_support.hpp"

#include <unistd.h>

using namespace sniper;
using testing::QuietLogs;
using testing::TempDir;
namespace fs = std::filesystem;

namespace {

struct ToolRun {
    std::string journal;
    std::string answers; // the strategy's count of answers, from its state
    StrategyRow row;
};

ToolRun run_with_tool(const fs::path& dir) {
    Config cfg = testing::base_config(dir, 30, 11);
    cfg.risk.max_slippage_bps = 3000;
    cfg.risk.max_open_positions = 50;
    testing::install(cfg, std::string(SNIPER_BUILD_DIR) + "/plugins/example_tool_lua.lua");
    cfg.strategies["example_tool_lua"].name = "example_tool_lua";
    cfg.strategies["example_tool_lua"].params_json = R"({"check_every":5,"buy_below":45,"sell_above":55})";

    tools::ManifestLoad m = tools::load_tool_manifest(fs::path(SNIPER_SOURCE_DIR) / "tools/ai/talib_minimal");
    REQUIRE(m.manifest.has_value());
    if (::access("/usr/bin/python3", X_OK) == 0) {
        m.manifest->command[0] = "/usr/bin/python3"; // no shim start-up in the loop
    }
    tools::ToolHost th;
    th.add(*m.manifest);

    std::string err;
    auto store = Store::open(cfg.data_dir, &err);
    REQUIRE(store);
    store->start();
    SimMarket feed(cfg.feeds.sim);
    ToolRun r;
    {
        EngineOptions opts;
        opts.tools = &th;
        Engine engine(cfg, feed, store.get(), opts);
        REQUIRE(engine.load_strategies() == 1);
        engine.run();
        std::vector<uint8_t> st;
        REQUIRE(engine.strategy_state("example_tool_lua", st));
        r.answers.assign(st.begin(), st.end());
        r.row = engine.strategy_rows().at(0);
    }
    store->flush();
    r.journal = store->dump_trade_journal();
    store->stop();
    return r;
}

} // namespace

TEST_CASE("a strategy trades on a real tool's answers, the same way every run", "[engine][tools]") {
    QuietLogs quiet;
    TempDir a, b;
    const ToolRun first = run_with_tool(a.path);
    INFO("last_error=" << first.row.last_error);
    CHECK(first.row.state == "running");
    CHECK(first.row.errors == 0);
    CHECK(std::stoi(first.answers) > 20);            // it asked and got answers
    CHECK(first.journal.find("rsi ") != std::string::npos); // and traded on them
    const ToolRun second = run_with_tool(b.path);
    CHECK(second.answers == first.answers);
    CHECK(second.journal == first.journal);
}
