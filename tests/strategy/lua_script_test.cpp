// The LuaJIT strategy runtime (strategy/lua_*.cpp) against the scripts in
// tests/lua: loading and refusing files, the sandbox against every escape
// we know of, the memory cap, the CPU budget, errors with file:line and a
// traceback, intents discarded by a failing callback, amounts that are not
// exact integers, params JSON, save/load state; and the equivalence of
// plugins/example_sniper_lua with the native plugins/example_sniper on the
// simulated market (every intent, field for field, over several seeds).
#include "core/clock.hpp"
#include "core/log.hpp"
#include "market/amm.hpp"
#include "feeds/sim_market.hpp"
#include "strategy/instance.hpp"
#include "strategy/lua_script.hpp"
#include "strategy/native_plugin.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_map>

using namespace sniper;
using testing::QuietLogs;
using testing::TempDir;
namespace fs = std::filesystem;

namespace {

#ifndef SNIPER_TEST_LUA_DIR
#define SNIPER_TEST_LUA_DIR SNIPER_TEST_DATA "/lua"
#endif

std::string lua_file(const std::string& name) { return std::string(SNIPER_TEST_LUA_DIR) + "/" + name; }
std::string example_lua() { return std::string(SNIPER_SOURCE_DIR) + "/plugins/example_sniper_lua/example_sniper_lua.lua"; }
std::string example_native() { return std::string(SNIPER_BUILD_DIR) + "/plugins/example_sniper.so"; }

RuntimeLimits test_limits(bool jit = true) {
    RuntimeLimits l;
    l.callback_budget_ns = 10'000'000'000; // generous: sanitizer builds are slow
    l.hang_timeout_ns = 60'000'000'000;
    l.lua_memory_bytes = 64ull << 20;
    l.lua_jit = jit;
    l.max_faults = 1000;
    return l;
}

std::shared_ptr<LuaScript> load_lua(const std::string& path, const RuntimeLimits& limits = test_limits()) {
    std::string err;
    auto s = LuaScript::load(path, &err);
    INFO(err);
    REQUIRE(s);
    CHECK(err.empty());
    s->set_limits(limits);
    return s;
}

std::string load_error(const std::string& path) {
    std::string err;
    auto s = LuaScript::load(path, &err);
    CHECK_FALSE(s);
    return err;
}

void write_file(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

// A host with fixed answers (see host_api.lua).
class FakeHost final : public StrategyHost {
  public:
    int64_t host_now_ns() override { return SimMarket::kEpochNs; }
    snp_status host_position(StrategyInstance&, const Pubkey& mint, snp_position* out) override {
        if (mint.bytes[0] != 7) {
            return SNP_ERR_NOT_FOUND;
        }
        out->mint = mint;
        out->amount_atoms = 1000;
        out->cost_lamports = 5000;
        out->realized_pnl_lamports = -7;
        out->opened_ns = 42;
        out->last_quote_lamports = 6000;
        return SNP_OK;
    }
    snp_status host_set_timer(StrategyInstance&, int64_t, uint64_t, uint64_t* id) override {
        *id = 77;
        return SNP_OK;
    }
    int32_t host_trading_state() override { return SNP_TRADING_ACTIVE; }
    uint64_t host_next_intent_id() override { return ++ids; }
    uint64_t ids = 0;
};

// A strategy instance on the fake host, created with `params`.
struct Running {
    FakeHost host;
    std::unique_ptr<StrategyInstance> inst;
    bool created = false;
    Running(std::shared_ptr<StrategyCode> code, const std::string& params = "{}",
            const RuntimeLimits& limits = test_limits()) {
        code->set_limits(limits);
        inst = std::make_unique<StrategyInstance>(code, code->name(), &host, limits);
        created = inst->create(params);
    }
};

snp_ev_new_pool new_pool_event(uint64_t seq, uint8_t pool = 1, uint8_t mint = 2) {
    snp_ev_new_pool ev{};
    ev.h.type = SNP_EVENT_NEW_POOL;
    ev.h.size = sizeof ev;
    ev.h.version = 1;
    ev.h.seq = seq;
    ev.h.slot = 99;
    ev.pool.bytes[0] = pool;
    ev.base_mint.bytes[0] = mint;
    ev.quote_mint.bytes[0] = 3;
    ev.creator.bytes[0] = 4;
    ev.dex = SNP_DEX_SIM;
    ev.flags = SNP_POOL_FREEZE_AUTHORITY_PRESENT | SNP_POOL_HOLDERS_UNKNOWN;
    ev.base_reserve_atoms = 123456789;
    ev.quote_reserve_lamports = 20'000'000'000;
    ev.token_supply_atoms = 1'000'000'000'000'000;
    ev.fee_bps = 25;
    ev.lp_burned_bps = 9500;
    ev.top10_holder_bps = 1200;
    ev.base_decimals = 6;
    return ev;
}

snp_ev_timer timer_event(uint64_t seq) {
    snp_ev_timer ev{};
    ev.h.type = SNP_EVENT_TIMER;
    ev.h.size = sizeof ev;
    ev.h.version = 1;
    ev.h.seq = seq;
    ev.timer_id = 1;
    ev.tag = 2;
    return ev;
}

// Direct calls through the StrategyCode interface with a minimal C host
// API, to see the raw status, snp_error message and error_detail.
struct Direct {
    static void log(snp_host_ctx*, int32_t, snp_str) {}
    static int64_t now(snp_host_ctx*) { return 0; }
    static snp_status submit(snp_host_ctx*, const snp_intent*, uint64_t* id, snp_error*) {
        *id = 1;
        return SNP_OK;
    }
    static snp_status position(snp_host_ctx*, const snp_pubkey*, snp_position*) { return SNP_ERR_NOT_FOUND; }
    static snp_status timer(snp_host_ctx*, int64_t, uint64_t, uint64_t* id) {
        *id = 1;
        return SNP_OK;
    }
    static snp_status tool(snp_host_ctx*, snp_str, snp_str, int64_t, uint64_t*) { return SNP_ERR_UNSUPPORTED; }
    static int32_t state(snp_host_ctx*) { return SNP_TRADING_ACTIVE; }

    explicit Direct(std::shared_ptr<LuaScript> c) : code(std::move(c)) {
        api.struct_size = sizeof api;
        api.abi_version = SNP_ABI_VERSION;
        api.log = &log;
        api.now_ns = &now;
        api.submit_intent = &submit;
        api.position = &position;
        api.set_timer = &timer;
        api.call_tool = &tool;
        api.trading_state = &state;
    }
    ~Direct() {
        if (self != nullptr) {
            code->destroy(self);
        }
    }
    bool create(const std::string& params = "{}") {
        err = snp_error{};
        err.struct_size = sizeof err;
        self = code->create(&api, nullptr, snp_str{params.data(), params.size()}, &err);
        return self != nullptr;
    }
    snp_status event(const snp_event_header& ev) {
        err = snp_error{};
        err.struct_size = sizeof err;
        return code->on_event(self, &ev, &err);
    }
    std::string message() const { return err.message; }

    std::shared_ptr<LuaScript> code;
    snp_host_api api{};
    snp_error err{};
    void* self = nullptr;
};

} // namespace

// ---------------------------------------------------------------- loading

TEST_CASE("a Lua strategy loads and reports its manifest", "[strategy][lua]") {
    auto s = load_lua(lua_file("host_api.lua"));
    CHECK(std::string(s->kind()) == "lua");
    CHECK(s->name() == "host_api");
    CHECK(s->version() == "2.5");
    CHECK(s->state_version() == 3);
    CHECK(s->event_mask() == (SNP_EVENT_BIT(SNP_EVENT_NEW_POOL) | SNP_EVENT_BIT(SNP_EVENT_TIMER) |
                              SNP_EVENT_BIT(SNP_EVENT_ORDER_UPDATE)));
    CHECK(s->content_hash().size() == 16);
    CHECK(s->source_path() == lua_file("host_api.lua"));
    CHECK(s->loaded_path() == s->source_path());
    CHECK_THAT(s->build_info(), Catch::StartsWith("LuaJIT "));
    CHECK_FALSE(s->has_save_state());

    auto c = load_lua(lua_file("counting.lua"));
    CHECK(c->name() == "counting_lua");
    CHECK(c->version() == "1.0.0");
    CHECK(c->has_save_state());
    CHECK(c->has_load_state());

    auto e = load_lua(example_lua());
    CHECK(e->name() == "example_sniper_lua");
    CHECK(e->event_mask() == (SNP_EVENT_BIT(SNP_EVENT_NEW_POOL) | SNP_EVENT_BIT(SNP_EVENT_POOL_UPDATE) |
                              SNP_EVENT_BIT(SNP_EVENT_ORDER_UPDATE)));

    std::string err;
    auto any = load_strategy_code(lua_file("counting.lua"), "/nonexistent", &err);
    REQUIRE(any);
    CHECK(std::string(any->kind()) == "lua");
}

TEST_CASE("broken Lua files are refused at load with file and line", "[strategy][lua]") {
    CHECK(load_error(lua_file("syntax_error.lua")) ==
          lua_file("syntax_error.lua") + ": syntax error: syntax_error.lua:4: unexpected symbol near ','");
    CHECK_THAT(load_error(lua_file("escape_at_load.lua")),
               Catch::StartsWith(lua_file("escape_at_load.lua") + ": error while running the file's top level: "
                                                                  "escape_at_load.lua:3: attempt to index global 'io'"));
    CHECK_THAT(load_error(lua_file("loop_at_load.lua")),
               Catch::Contains("loop_at_load.lua:4: ran more than 10000000 Lua instructions"));
    CHECK_THAT(load_error(lua_file("memory_at_load.lua")), Catch::Contains("memory limit of 16 MiB exceeded"));
    CHECK_THAT(load_error(lua_file("absent.lua")), Catch::EndsWith("absent.lua: cannot read the file"));

    TempDir d;
    auto refused = [&](const std::string& name, const std::string& text) {
        write_file(d.path / name, text);
        return load_error((d.path / name).string());
    };
    CHECK_THAT(refused("empty.lua", ""), Catch::EndsWith("empty.lua: empty file (still being written?)"));
    CHECK_THAT(refused("bytecode.lua", std::string("\x1bLJ\x02\x00", 5) + "junk"),
               Catch::Contains("precompiled LuaJIT bytecode is not accepted"));
    CHECK_THAT(refused("nothing.lua", "local x = 1\n"),
               Catch::Contains("the script must return a table") && Catch::Contains("found nil"));
    CHECK_THAT(refused("bad_name.lua", "return { name = 'Bad-Name', events = {}, on_event = print }"),
               Catch::Contains("name \"Bad-Name\" is not a valid strategy name"));
    CHECK_THAT(refused("bad_event.lua",
                       "return { name = 'x', events = { 'new_pool', 'pool_updates' }, on_event = print }"),
               Catch::Contains("events[2] is \"pool_updates\", not an event type (valid: new_pool, pool_update, "
                               "trade, order_update, timer, tool_result, pool_safety, curve_complete)"));
    CHECK_THAT(refused("no_events.lua", "return { name = 'x', on_event = print }"),
               Catch::Contains("events must be a list of event names"));
    CHECK_THAT(refused("no_on_event.lua", "return { name = 'x', events = {} }"),
               Catch::Contains("on_event must be a function, found nil"));
    CHECK_THAT(refused("bad_init.lua", "return { name = 'x', events = {}, on_event = print, init = 5 }"),
               Catch::Contains("init must be a function (or absent), found number"));
    CHECK_THAT(refused("bad_sv.lua", "return { name = 'x', events = {}, on_event = print, state_version = 1.5 }"),
               Catch::Contains("state_version must be an integer"));
    CHECK_THAT(refused("host_at_load.lua", "local t = host.now()\nreturn { name = 'x', events = {}, on_event = print }"),
               Catch::Contains("host_at_load.lua:1: host.now cannot be called while the file is being checked"));

    // A file cut anywhere (a copy still being written) is refused, never loaded half.
    std::ifstream in(example_lua(), std::ios::binary);
    const std::string full((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t cut : {size_t{1}, size_t{100}, full.size() / 4, full.size() / 2, full.size() - 200, full.size() - 3}) {
        INFO("cut at " << cut << " of " << full.size());
        CHECK_FALSE(refused("part.lua", full.substr(0, cut)).empty());
    }
}

// ---------------------------------------------------------------- host API and events

TEST_CASE("the host table maps the C host API one for one", "[strategy][lua]") {
    QuietLogs quiet;
    Running r(load_lua(lua_file("host_api.lua")));
    REQUIRE(r.created);
    const auto ev = new_pool_event(5);
    CHECK(r.inst->on_event(ev.h));
    INFO(r.inst->last_error());
    REQUIRE(r.inst->errors() == 0);
    REQUIRE(r.inst->pending().size() == 3);
    const PendingIntent& buy = r.inst->pending()[0];
    CHECK(buy.intent.side == SNP_SIDE_BUY);
    CHECK(buy.intent.mint == ev.base_mint);
    CHECK(buy.intent.pool == ev.pool);
    CHECK(buy.intent.amount_in == 250'000'000);
    CHECK(buy.intent.max_slippage_bps == 450);
    CHECK(buy.intent.flags == 0);
    CHECK(buy.intent.client_tag == 12);
    CHECK(buy.intent.stop_loss_bps == -1);
    CHECK(buy.intent.take_profit_bps == 5000);
    CHECK(buy.intent.trailing_stop_bps == 700);
    CHECK(buy.intent.max_hold_ns == 60'000'000'000);
    CHECK(buy.reason == "every field");
    const PendingIntent& sell = r.inst->pending()[1];
    CHECK(sell.intent.side == SNP_SIDE_SELL);
    CHECK(sell.intent.flags == SNP_INTENT_SELL_ALL);
    CHECK(sell.intent.amount_in == 0);
    CHECK(sell.intent.max_slippage_bps == 10000);
    CHECK(sell.reason.empty());
    CHECK(buy.intent.route == SNP_ROUTE_DEFAULT);
    CHECK(buy.intent.deadline_ns == 0);
    const PendingIntent& routed = r.inst->pending()[2];
    CHECK(routed.intent.route == SNP_ROUTE_JUPITER);
    CHECK(is_zero(routed.intent.pool)); // the route finds the pool
    CHECK(routed.intent.deadline_ns == 7'000'000'000);
    CHECK(routed.intent.max_priority_fee_lamports == 5000);
    CHECK(routed.intent.max_tip_lamports == 1000);
}

TEST_CASE("ABI 1.1 events reach Lua: order update with signature, slot and attempt, and tool results",
          "[strategy][lua][abi]") {
    QuietLogs quiet;
    TempDir d;
    write_file(d.path / "abi11.lua", R"lua(
seen = 0
return {
  name = "abi11", events = { "order_update", "tool_result" },
  on_event = function(ev)
    if ev.type == "order_update" then
      assert(ev.status == "sent", ev.status)
      assert(#ev.signature == 64 and ev.signature:byte(1) == 7 and ev.signature:byte(64) == 9)
      assert(ev.landed_slot == 321 and ev.attempt == 2)
    else
      assert(ev.type == "tool_result" and ev.call_id == 44 and ev.tool == "talib_minimal")
      if ev.ok then
        assert(ev.status == "ok" and ev.output_json == '{"x":1}' and ev.error_code == "")
      else
        assert(ev.status == "timeout" and ev.error_code == "timeout" and ev.error_message == "too slow")
      end
    end
    seen = seen + 1
  end,
}
)lua");
    Running r(load_lua((d.path / "abi11.lua").string()));
    REQUIRE(r.created);
    snp_ev_order_update ou{};
    ou.h.type = SNP_EVENT_ORDER_UPDATE;
    ou.h.size = sizeof ou;
    ou.h.version = 1;
    ou.h.seq = 1;
    ou.status = SNP_ORDER_SENT;
    ou.side = SNP_SIDE_BUY;
    ou.signature[0] = 7;
    ou.signature[63] = 9;
    ou.landed_slot = 321;
    ou.attempt = 2;
    CHECK(r.inst->on_event(ou.h));
    INFO(r.inst->last_error());
    snp_ev_tool_result tr{};
    tr.h.type = SNP_EVENT_TOOL_RESULT;
    tr.h.size = sizeof tr;
    tr.h.version = 1;
    tr.h.seq = 2;
    tr.call_id = 44;
    tr.status = SNP_OK;
    tr.tool = snp_str{"talib_minimal", 13};
    tr.output_json = snp_str{"{\"x\":1}", 7};
    CHECK(r.inst->on_event(tr.h));
    tr.h.seq = 3;
    tr.status = SNP_ERR_TIMEOUT;
    tr.output_json = snp_str{nullptr, 0};
    tr.error_code = snp_str{"timeout", 7};
    tr.error_message = snp_str{"too slow", 8};
    CHECK(r.inst->on_event(tr.h));
    CHECK(r.inst->errors() == 0);
}

TEST_CASE("every field of every event reaches Lua under its name, generated from the field tables",
          "[strategy][lua][abi]") {
    QuietLogs quiet;
    TempDir d;
    write_file(d.path / "fields.lua", R"lua(
seen = 0
local function key(s, b) return #s == 32 and s:byte(1) == b and s:byte(32) == b end
return {
  name = "fields", events = { "new_pool", "pool_update", "trade", "order_update", "timer" },
  on_event = function(ev)
    assert(ev.seq == 10 + seen and ev.recv_ns == 20 and ev.source_ns == 30 and ev.slot == 40, ev.type)
    if ev.type == "new_pool" then
      assert(key(ev.pool, 1) and key(ev.base_mint, 2) and key(ev.quote_mint, 3) and key(ev.creator, 4))
      assert(ev.dex == "pump_swap" and ev.flags == 21)
      assert(ev.mint_authority_present and not ev.freeze_authority_present)
      assert(ev.authorities_unknown and not ev.holders_unknown and ev.lp_unknown)
      assert(ev.base_reserve_atoms == 1000 and ev.quote_reserve_lamports == 2000 and ev.token_supply_atoms == 3000)
      assert(ev.fee_bps == 25 and ev.lp_burned_bps == 0 and ev.top10_holder_bps == 10000 and ev.base_decimals == 6)
      assert(ev.reserved == nil)
    elseif ev.type == "pool_update" then
      assert(key(ev.pool, 5) and key(ev.base_mint, 6))
      assert(ev.base_reserve_atoms == 400 and ev.quote_reserve_lamports == 100 and ev.price_lamports_per_atom == 0.25)
    elseif ev.type == "trade" then
      assert(key(ev.pool, 7) and key(ev.base_mint, 8) and key(ev.trader, 9) and ev.side == "sell")
      assert(ev.base_atoms == 77 and ev.quote_lamports == 88 and ev.reserved == nil)
    elseif ev.type == "order_update" then
      assert(ev.intent_id == 5 and ev.client_tag == 6 and key(ev.mint, 10))
      assert(ev.status == "rejected" and ev.side == "buy")
      assert(ev.in_amount == 1 and ev.out_amount == 2 and ev.fee_lamports == 3 and ev.tip_lamports == 4)
      assert(ev.reason_code == -1005 and ev.reason == "max_positions")
      assert(ev.signature == "" and ev.landed_slot == 0 and ev.attempt == 0 and ev.reserved2 == nil)
    else
      assert(ev.type == "timer" and ev.timer_id == 11 and ev.tag == 12)
    end
    seen = seen + 1
  end,
}
)lua");
    Running r(load_lua((d.path / "fields.lua").string()));
    REQUIRE(r.created);
    const auto header = [](snp_event_header& h, uint16_t type, uint32_t size, uint64_t seq) {
        h.type = type;
        h.size = size;
        h.version = 1;
        h.seq = seq;
        h.recv_ns = 20;
        h.source_ns = 30;
        h.slot = 40;
    };
    const auto fill = [](snp_pubkey& k, uint8_t b) { std::memset(k.bytes, b, sizeof k.bytes); };
    snp_ev_new_pool np{};
    header(np.h, SNP_EVENT_NEW_POOL, sizeof np, 10);
    fill(np.pool, 1);
    fill(np.base_mint, 2);
    fill(np.quote_mint, 3);
    fill(np.creator, 4);
    np.dex = SNP_DEX_PUMP_SWAP;
    np.flags = SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_AUTHORITIES_UNKNOWN | SNP_POOL_LP_UNKNOWN;
    np.base_reserve_atoms = 1000;
    np.quote_reserve_lamports = 2000;
    np.token_supply_atoms = 3000;
    np.fee_bps = 25;
    np.top10_holder_bps = 10000;
    np.base_decimals = 6;
    REQUIRE(np.flags == 21);
    CHECK(r.inst->on_event(np.h));
    snp_ev_pool_update pu{};
    header(pu.h, SNP_EVENT_POOL_UPDATE, sizeof pu, 11);
    fill(pu.pool, 5);
    fill(pu.base_mint, 6);
    pu.base_reserve_atoms = 400;
    pu.quote_reserve_lamports = 100;
    pu.price_lamports_per_atom = 0.25;
    CHECK(r.inst->on_event(pu.h));
    snp_ev_trade tr{};
    header(tr.h, SNP_EVENT_TRADE, sizeof tr, 12);
    fill(tr.pool, 7);
    fill(tr.base_mint, 8);
    fill(tr.trader, 9);
    tr.side = SNP_SIDE_SELL;
    tr.base_atoms = 77;
    tr.quote_lamports = 88;
    CHECK(r.inst->on_event(tr.h));
    snp_ev_order_update ou{};
    header(ou.h, SNP_EVENT_ORDER_UPDATE, sizeof ou, 13);
    ou.intent_id = 5;
    ou.client_tag = 6;
    fill(ou.mint, 10);
    ou.status = SNP_ORDER_REJECTED;
    ou.side = SNP_SIDE_BUY;
    ou.in_amount = 1;
    ou.out_amount = 2;
    ou.fee_lamports = 3;
    ou.tip_lamports = 4;
    ou.reason_code = -1005;
    ou.reason = snp_str{"max_positions", 13};
    CHECK(r.inst->on_event(ou.h));
    snp_ev_timer ti{};
    header(ti.h, SNP_EVENT_TIMER, sizeof ti, 14);
    ti.timer_id = 11;
    ti.tag = 12;
    CHECK(r.inst->on_event(ti.h));
    INFO(r.inst->last_error());
    CHECK(r.inst->errors() == 0);
}

TEST_CASE("params JSON reaches init as a Lua table", "[strategy][lua]") {
    TempDir d;
    write_file(d.path / "params.lua", R"lua(
return {
  name = "params", events = { "timer" }, on_event = function() end,
  init = function(p)
    assert(p.a == 1 and p.neg == -2.5e3 and p.yes == true and p.no == false and p.none == nil)
    assert(p.s == "x\195\169\n\"/\\" .. "\240\159\152\128", p.s)
    assert(#p.list == 3 and p.list[1] == 1 and p.list[2] == "two" and p.list[3].deep[1] == true)
    assert(next(p.empty) == nil)
  end,
}
)lua");
    auto s = load_lua((d.path / "params.lua").string());
    Direct ok(s);
    CHECK(ok.create(R"({"a": 1, "neg": -2.5e3, "yes": true, "no": false, "none": null,
                        "s": "x\u00e9\n\"\/\\\ud83d\ude00", "list": [1, "two", {"deep": [true]}], "empty": {}})"));
    INFO(ok.message());
    Direct empty(load_lua(lua_file("counting.lua")));
    CHECK(empty.create(""));
    for (const char* bad : {"{", "[1]", "{\"a\": 01}", "{\"a\": 1,}", "{\"a\" 1}", "{\"a\": tru}", "{\"a\": \"\x01\"}",
                            "{} x", "{\"a\": \"\\ud800\"}", "{\"a\": .5}"}) {
        Direct d2(s);
        INFO(bad);
        CHECK_FALSE(d2.create(bad));
        CHECK_THAT(d2.message(), Catch::StartsWith("params JSON: "));
    }
}

// ---------------------------------------------------------------- errors

TEST_CASE("a runtime error in on_event is a fault with file:line and a traceback", "[strategy][lua]") {
    auto s = load_lua(lua_file("error_in_on_event.lua"));
    Direct d(s);
    REQUIRE(d.create());
    const auto ev = new_pool_event(1);
    CHECK(d.event(ev.h) == SNP_ERR_EXCEPTION);
    CHECK(d.err.code == SNP_ERR_EXCEPTION);
    CHECK(d.message() == "error_in_on_event.lua:6: attempt to index local 'pools' (a nil value)");
    const std::string detail = s->error_detail(d.self);
    CHECK_THAT(detail, Catch::StartsWith("stack traceback:"));
    CHECK_THAT(detail, Catch::Contains("error_in_on_event.lua:6: in function 'look_up'"));
    CHECK_THAT(detail, Catch::Contains("error_in_on_event.lua:13"));
    // The same state keeps answering (and failing) consistently.
    CHECK(d.event(ev.h) == SNP_ERR_EXCEPTION);
    CHECK(d.message() == "error_in_on_event.lua:6: attempt to index local 'pools' (a nil value)");

    // Through the instance: the fault is counted, the traceback kept.
    QuietLogs quiet;
    Running r(s);
    REQUIRE(r.created);
    CHECK_FALSE(r.inst->on_event(ev.h));
    CHECK(r.inst->errors() == 1);
    CHECK_THAT(r.inst->last_error(), Catch::StartsWith("on_event(new_pool) returned status 7: error_in_on_event.lua:6: "
                                                       "attempt to index local 'pools'") &&
                                         Catch::Contains("stack traceback:"));
}

TEST_CASE("an error in init fails create with file:line", "[strategy][lua]") {
    QuietLogs quiet;
    auto s = load_lua(lua_file("error_in_init.lua"));
    Running bad(s);
    CHECK_FALSE(bad.created);
    CHECK(bad.inst->state() == StrategyState::Failed);
    CHECK_THAT(bad.inst->last_error(),
               Catch::StartsWith("create failed: error_in_init.lua:7: parameter 'threshold' is required") &&
                   Catch::Contains("stack traceback:"));
    Running good(s, R"({"threshold": 3})");
    CHECK(good.created);

    // Submitting before any event is refused by the host, as a Lua error.
    Running early(load_lua(lua_file("submit_in_init.lua")));
    CHECK_FALSE(early.created);
    CHECK_THAT(early.inst->last_error(),
               Catch::StartsWith("create failed: submit_in_init.lua:6: host.submit: submit_intent is not allowed in "
                                 "create"));
}

TEST_CASE("intents submitted before an error are discarded", "[strategy][lua]") {
    QuietLogs quiet;
    const auto ev = new_pool_event(1);
    Running ok(load_lua(lua_file("submit_then_error.lua")));
    REQUIRE(ok.created);
    CHECK(ok.inst->on_event(ev.h));
    CHECK(ok.inst->pending().size() == 1);

    Running failing(load_lua(lua_file("submit_then_error.lua")), R"({"fail": true})");
    REQUIRE(failing.created);
    CHECK_FALSE(failing.inst->on_event(ev.h));
    CHECK(failing.inst->pending().empty());
    CHECK(failing.inst->errors() == 1);
    CHECK_THAT(failing.inst->last_error(), Catch::Contains("submit_then_error.lua:11: failing after submitting intent 1"));
}

TEST_CASE("amounts that are not exact integers are refused", "[strategy][lua]") {
    QuietLogs quiet;
    auto s = load_lua(lua_file("bad_amounts.lua"));
    const auto ev = new_pool_event(1);
    struct Case {
        const char* amount;
        const char* found;
    };
    for (const char* field : {"amount_in", "client_tag", "max_hold_ns"}) {
        for (const Case& c : {Case{"nan", "found nan"}, Case{"inf", "found inf"}, Case{"neg_inf", "found -inf"},
                              Case{"negative", "found -1"}, Case{"fractional", "found 1.5"},
                              Case{"two53", "found 9007199254740992"}, Case{"string", "must be a number, found string"}}) {
            if (std::string(field) == "max_hold_ns" && std::string(c.amount) == "negative") {
                continue; // a negative max hold means "none"
            }
            Running r(s, std::string(R"({"amount": ")") + c.amount + R"(", "field": ")" + field + "\"}");
            REQUIRE(r.created);
            INFO(field << " = " << c.amount);
            CHECK_FALSE(r.inst->on_event(ev.h));
            CHECK(r.inst->pending().empty());
            CHECK_THAT(r.inst->last_error(), Catch::Contains(std::string("bad_amounts.lua:19: host.submit: ") + field) &&
                                                 Catch::Contains(c.found));
        }
    }
    Running ok(s, R"({"amount": "ok"})");
    REQUIRE(ok.created);
    CHECK(ok.inst->on_event(ev.h));
    REQUIRE(ok.inst->pending().size() == 1);
    CHECK(ok.inst->pending()[0].intent.amount_in == 100'000'000);
}

// ---------------------------------------------------------------- sandbox

TEST_CASE("every sandbox escape fails with a clear error and the host is fine", "[strategy][lua][sandbox]") {
    QuietLogs quiet;
    const fs::path marker = "/tmp/sniper-lua-pwned";
    std::error_code ec;
    fs::remove(marker, ec);
    struct Attempt {
        const char* name;
        const char* error;
    };
    const Attempt attempts[] = {
        {"io", "attempt to index global 'io' (a nil value)"},
        {"os_execute", "attempt to call field 'execute' (a nil value)"},
        {"os_getenv", "attempt to call field 'getenv' (a nil value)"},
        {"os_exit", "attempt to call field 'exit' (a nil value)"},
        {"os_remove", "attempt to call field 'remove' (a nil value)"},
        {"ffi", "attempt to index global 'ffi' (a nil value)"},
        {"require_ffi", "attempt to call global 'require' (a nil value)"},
        {"debug", "attempt to index global 'debug' (a nil value)"},
        {"package", "attempt to index global 'package' (a nil value)"},
        {"dofile", "attempt to call global 'dofile' (a nil value)"},
        {"loadfile", "attempt to call global 'loadfile' (a nil value)"},
        {"load_bytecode", "binary chunks (bytecode) cannot be loaded in the sandbox"},
        {"loadstring_bytecode", "binary chunks (bytecode) cannot be loaded in the sandbox"},
        {"load_binary_mode", "load: mode \"b\" refused: binary chunks (bytecode) cannot be loaded"},
        {"load_reader", "only source text (a string) can be loaded in the sandbox, found function"},
        {"string_dump", "attempt to call field 'dump' (a nil value)"},
        {"collectgarbage_stop", "collectgarbage(\"stop\") is not allowed in the sandbox"},
        {"collectgarbage_setpause", "collectgarbage(\"setpause\") is not allowed in the sandbox"},
        {"setfenv", "attempt to call global 'setfenv' (a nil value)"},
        {"getfenv", "attempt to call global 'getfenv' (a nil value)"},
        {"rawset_host", "bad argument #1 to 'rawset' (table expected, got userdata)"},
        {"rawset_globals_host", "'host' is read-only"},
        {"host_field", "host is read-only (cannot set host.submit)"},
        {"host_global", "'host' is read-only"},
        {"setmetatable_host", "bad argument #1 to 'setmetatable' (table expected, got userdata)"},
        {"getmetatable_host", "attempt to index local 'mt' (a boolean value)"},
        {"getmetatable_globals", "attempt to index a boolean value"},
        {"jit_off", "attempt to index global 'jit' (a nil value)"},
        {"newproxy", "attempt to call global 'newproxy' (a nil value)"},
        {"string_metatable_load", "attempt to call field 'load' (a nil value)"},
    };
    auto s = load_lua(lua_file("sandbox_escape.lua"));
    const auto ev = new_pool_event(1);
    for (const Attempt& a : attempts) {
        INFO(a.name);
        Running r(s, std::string(R"({"attempt": ")") + a.name + "\"}");
        REQUIRE(r.created);
        CHECK_FALSE(r.inst->on_event(ev.h));
        CHECK_THAT(r.inst->last_error(), Catch::Contains("sandbox_escape.lua:") && Catch::Contains(a.error));
        CHECK(r.inst->pending().empty());
    }
    CHECK_FALSE(fs::exists(marker));
    // The escape list in the script and the table above are the same list.
    Running names(s, R"({"attempt": "no_such"})");
    REQUIRE(names.created);
    CHECK_FALSE(names.inst->on_event(ev.h));
    CHECK_THAT(names.inst->last_error(), Catch::Contains("no such attempt: no_such"));
}

// ---------------------------------------------------------------- limits

TEST_CASE("a memory bomb hits the cap, and the host and the state survive", "[strategy][lua][limits]") {
    QuietLogs quiet;
    RuntimeLimits limits = test_limits();
    limits.lua_memory_bytes = 16ull << 20;
    limits.max_faults = 3;
    auto s = load_lua(lua_file("memory_bomb.lua"), limits);
    const auto pool = new_pool_event(1);
    const auto timer = timer_event(2);
    for (const char* mode : {"table", "string"}) {
        INFO(mode);
        Direct d(s);
        REQUIRE(d.create(std::string(R"({"mode": ")") + mode + "\"}"));
        CHECK(d.event(pool.h) == SNP_ERR_EXCEPTION);
        CHECK_THAT(d.message(), Catch::Contains("memory limit of 16 MiB exceeded"));
        // Afterwards a small callback runs fine in the same state.
        CHECK(d.event(timer.h) == SNP_OK);
        CHECK(d.event(pool.h) == SNP_ERR_EXCEPTION);
        CHECK(d.event(timer.h) == SNP_OK);
        uint8_t buf[16];
        uint64_t size = 0;
        REQUIRE(s->save_state(d.self, buf, sizeof buf, &size) == SNP_OK);
        CHECK(std::string(reinterpret_cast<char*>(buf), size) == "2");
    }
    // Kept garbage: every later call fails too, and the instance is failed.
    Running r(s, R"({"mode": "global"})", limits);
    REQUIRE(r.created);
    CHECK_FALSE(r.inst->on_event(pool.h));
    CHECK_FALSE(r.inst->on_event(timer.h));
    CHECK_FALSE(r.inst->on_event(timer.h));
    CHECK(r.inst->state() == StrategyState::Failed);
    CHECK_THAT(r.inst->last_error(), Catch::Contains("memory limit of 16 MiB exceeded"));
}

TEST_CASE("with the JIT off, an endless loop is stopped by the CPU budget", "[strategy][lua][limits]") {
    RuntimeLimits limits = test_limits(false);
    limits.callback_budget_ns = 50'000'000;
    auto s = load_lua(lua_file("infinite_loop.lua"), limits);
    const auto pool = new_pool_event(1);
    const auto timer = timer_event(2);
    for (const char* mode : {"plain", "pcall", "xpcall", "coroutine"}) {
        INFO(mode);
        Direct d(s);
        REQUIRE(d.create(std::string(R"({"mode": ")") + mode + "\"}"));
        const int64_t t0 = mono_ns();
        CHECK(d.event(pool.h) == SNP_ERR_EXCEPTION);
        const int64_t took = mono_ns() - t0;
        CHECK(took >= 50'000'000);
        CHECK(took < 2'000'000'000);
        CHECK_THAT(d.message(), Catch::StartsWith("infinite_loop.lua:") &&
                                    Catch::EndsWith("CPU budget of 50 ms exceeded"));
        CHECK_THAT(s->error_detail(d.self), Catch::Contains("stack traceback:"));
        CHECK(d.event(timer.h) == SNP_OK); // the next callback gets a fresh budget
    }
}

// ---------------------------------------------------------------- state

TEST_CASE("save_state and load_state carry a Lua strategy's state", "[strategy][lua]") {
    QuietLogs quiet;
    auto s = load_lua(lua_file("counting.lua"));
    Direct a(s);
    REQUIRE(a.create());
    for (uint64_t seq = 10; seq < 15; ++seq) {
        const auto ev = timer_event(seq);
        REQUIRE(a.event(ev.h) == SNP_OK);
    }
    // BUFFER_TOO_SMALL protocol: the size first, then the bytes.
    uint8_t small[4];
    uint64_t need = 0;
    REQUIRE(s->save_state(a.self, small, sizeof small, &need) == SNP_ERR_BUFFER_TOO_SMALL);
    REQUIRE(need == 16);
    std::vector<uint8_t> state(need);
    uint64_t size = 0;
    REQUIRE(s->save_state(a.self, state.data(), state.size(), &size) == SNP_OK);
    REQUIRE(size == 16);
    uint64_t events = 0, last_seq = 0;
    std::memcpy(&events, state.data(), 8);
    std::memcpy(&last_seq, state.data() + 8, 8);
    CHECK(events == 5);
    CHECK(last_seq == 14);

    // The native counting plugin writes the same bytes for the same events.
    TempDir d;
    std::string err;
    auto native = NativePlugin::load(std::string(SNIPER_TEST_PLUGIN_DIR) + "/counting.so", (d.path / "cache").string(), &err);
    REQUIRE(native);
    Running n(native);
    REQUIRE(n.created);
    for (uint64_t seq = 10; seq < 15; ++seq) {
        const auto ev = timer_event(seq);
        REQUIRE(n.inst->on_event(ev.h));
    }
    std::vector<uint8_t> native_state;
    REQUIRE(n.inst->save_state(native_state, &err));
    CHECK(native_state == state);

    // A new instance takes the state over and goes on counting.
    Direct b(s);
    REQUIRE(b.create());
    snp_error lerr{};
    lerr.struct_size = sizeof lerr;
    REQUIRE(s->load_state(b.self, snp_bytes{state.data(), state.size()}, 1, &lerr) == SNP_OK);
    const auto late = timer_event(20);
    REQUIRE(b.event(late.h) == SNP_OK);
    const auto stale = timer_event(20);
    CHECK(b.event(stale.h) == SNP_ERR_EXCEPTION);
    CHECK_THAT(b.message(), Catch::Contains("sequence went backwards"));
    REQUIRE(s->save_state(b.self, state.data(), state.size(), &size) == SNP_OK);
    std::memcpy(&events, state.data(), 8);
    CHECK(events == 6);
    CHECK(s->load_state(b.self, snp_bytes{state.data(), 3}, 1, &lerr) == SNP_ERR_EXCEPTION);
    CHECK_THAT(std::string(lerr.message), Catch::Contains("unknown state"));
}

// ---------------------------------------------------------------- equivalence with the native example

namespace {

// What the strategy asked for, with the event it was asked during.
struct Record {
    uint64_t seq = 0;
    uint64_t id = 0;
    snp_intent in{};
    std::string reason;
    bool operator==(const Record& o) const {
        return seq == o.seq && id == o.id && in.side == o.in.side && in.mint == o.in.mint && in.pool == o.in.pool &&
               in.amount_in == o.in.amount_in && in.max_slippage_bps == o.in.max_slippage_bps &&
               in.flags == o.in.flags && in.client_tag == o.in.client_tag && in.stop_loss_bps == o.in.stop_loss_bps &&
               in.take_profit_bps == o.in.take_profit_bps && in.trailing_stop_bps == o.in.trailing_stop_bps &&
               in.max_hold_ns == o.in.max_hold_ns && reason == o.reason;
    }
    std::string str() const {
        char buf[256];
        std::snprintf(buf, sizeof buf, "seq=%llu id=%llu side=%u amount=%llu slip=%u flags=%u tag=%llu sl=%d tp=%d tr=%d hold=%lld",
                      static_cast<unsigned long long>(seq), static_cast<unsigned long long>(id), in.side,
                      static_cast<unsigned long long>(in.amount_in), in.max_slippage_bps, in.flags,
                      static_cast<unsigned long long>(in.client_tag), in.stop_loss_bps, in.take_profit_bps,
                      in.trailing_stop_bps, static_cast<long long>(in.max_hold_ns));
        return std::string(buf) + " mint=" + to_base58(in.mint) + " reason=" + reason;
    }
};

// A small deterministic exchange: accepts what it can, lands orders after
// 400 ms of host clock against its own copy of the pool reserves, fails
// some (every 13th buy never lands; a honeypot sell reverts), and spends
// every fifth stretch of 20000 events in REDUCING.
class MiniExchange final : public StrategyHost {
  public:
    explicit MiniExchange(const SimMarket& feed) : feed_(feed) {}
    int64_t host_now_ns() override { return now; }
    snp_status host_position(StrategyInstance&, const Pubkey& mint, snp_position* out) override {
        auto it = positions.find(mint);
        if (it == positions.end()) {
            return SNP_ERR_NOT_FOUND;
        }
        out->mint = mint;
        out->amount_atoms = it->second.atoms;
        out->cost_lamports = it->second.cost;
        return SNP_OK;
    }
    snp_status host_set_timer(StrategyInstance&, int64_t, uint64_t, uint64_t* id) override {
        *id = ++timers;
        return SNP_OK;
    }
    int32_t host_trading_state() override { return trading_state; }
    uint64_t host_next_intent_id() override { return ++intent_ids; }

    struct Pool {
        uint64_t base = 0, quote = 0;
        uint32_t fee_bps = 0;
    };
    struct Position {
        uint64_t atoms = 0, cost = 0;
    };
    struct Order {
        uint64_t id = 0;
        snp_intent in{};
        int64_t land_ns = 0;
        uint64_t amount = 0;
    };
    struct Update {
        snp_ev_order_update ev{};
        std::string reason;
    };

    void on_feed_event(const EventBuf& ev) {
        if (ev.h.type == SNP_EVENT_NEW_POOL) {
            pools[ev.new_pool.pool] = Pool{ev.new_pool.base_reserve_atoms, ev.new_pool.quote_reserve_lamports,
                                           ev.new_pool.fee_bps};
        } else if (ev.h.type == SNP_EVENT_POOL_UPDATE) {
            Pool& p = pools[ev.pool_update.pool];
            p.base = ev.pool_update.base_reserve_atoms;
            p.quote = ev.pool_update.quote_reserve_lamports;
        }
    }

    Update update(const Order& o, uint32_t status, uint64_t in_amount, uint64_t out_amount, uint64_t fee,
                  int32_t code, std::string reason) {
        Update u;
        u.ev.h.type = SNP_EVENT_ORDER_UPDATE;
        u.ev.h.size = sizeof u.ev;
        u.ev.h.version = 1;
        u.ev.intent_id = o.id;
        u.ev.client_tag = o.in.client_tag;
        u.ev.mint = o.in.mint;
        u.ev.status = status;
        u.ev.side = o.in.side;
        u.ev.in_amount = in_amount;
        u.ev.out_amount = out_amount;
        u.ev.fee_lamports = fee;
        u.ev.reason_code = code;
        u.reason = std::move(reason);
        return u;
    }

    // The risk gate's stand-in: accepted intents fly, the rest are rejected.
    void commit(const PendingIntent& p) {
        Order o{p.intent_id, p.intent, now + 400'000'000, p.intent.amount_in};
        const bool busy = std::any_of(in_flight.begin(), in_flight.end(),
                                      [&](const Order& f) { return f.in.mint == o.in.mint; });
        if (pools.count(o.in.pool) == 0 || busy) {
            updates.push_back(update(o, SNP_ORDER_REJECTED, o.in.amount_in, 0, 0, 1011, "duplicate_pending"));
            return;
        }
        if (o.in.side == SNP_SIDE_SELL && (o.in.flags & SNP_INTENT_SELL_ALL) != 0) {
            auto it = positions.find(o.in.mint);
            o.amount = it != positions.end() ? it->second.atoms : 0;
        }
        updates.push_back(update(o, SNP_ORDER_ACCEPTED, o.amount, 0, 0, 0, ""));
        in_flight.push_back(o);
    }

    // Lands the first order due at or before t, if any.
    bool land_one(int64_t t) {
        if (in_flight.empty() || in_flight.front().land_ns > t) {
            return false;
        }
        const Order o = in_flight.front();
        in_flight.pop_front();
        now = o.land_ns;
        Pool& pool = pools[o.in.pool];
        constexpr uint64_t kFee = 5000;
        if (o.in.side == SNP_SIDE_BUY) {
            const uint64_t out = amm::swap_out(pool.quote, pool.base, o.amount, pool.fee_bps);
            if (++buys % 13 == 0) {
                updates.push_back(update(o, SNP_ORDER_FAILED, o.amount, 0, 0, 2001, "not landed"));
            } else if (out == 0) {
                updates.push_back(update(o, SNP_ORDER_FAILED, o.amount, 0, 0, 2002, "no liquidity"));
            } else {
                pool.quote += o.amount;
                pool.base -= out;
                Position& pos = positions[o.in.mint];
                pos.atoms += out;
                pos.cost += o.amount + kFee;
                updates.push_back(update(o, SNP_ORDER_FILLED, o.amount, out, kFee, 0, ""));
            }
            return true;
        }
        auto it = positions.find(o.in.mint);
        if (it == positions.end()) {
            updates.push_back(update(o, SNP_ORDER_FAILED, o.amount, 0, 0, 2003, "no position"));
        } else if (feed_.sell_blocked(o.in.mint)) {
            updates.push_back(update(o, SNP_ORDER_FAILED, o.amount, 0, kFee, 2004, "sell reverted"));
        } else {
            const uint64_t amount = std::min(o.amount == 0 ? it->second.atoms : o.amount, it->second.atoms);
            const uint64_t out = amm::swap_out(pool.base, pool.quote, amount, pool.fee_bps);
            pool.base += amount;
            pool.quote -= out;
            positions.erase(it);
            updates.push_back(update(o, SNP_ORDER_FILLED, amount, out, kFee, 0, ""));
        }
        return true;
    }

    int64_t now = 0;
    int32_t trading_state = SNP_TRADING_ACTIVE;
    std::unordered_map<Pubkey, Pool, PubkeyHash> pools;
    std::unordered_map<Pubkey, Position, PubkeyHash> positions;
    std::deque<Order> in_flight;
    std::deque<Update> updates;
    uint64_t intent_ids = 0, timers = 0, buys = 0;

  private:
    const SimMarket& feed_;
};

struct RunResult {
    std::vector<Record> intents;
    uint64_t feed_events = 0;
    int64_t feed_call_ns = 0; // time inside on_event for feed events
    uint64_t errors = 0;
};

RunResult run_on_sim(std::shared_ptr<StrategyCode> code, const std::string& params, uint64_t seed, int minutes,
                     const RuntimeLimits& limits = test_limits()) {
    SimFeedConfig cfg;
    cfg.seed = seed;
    cfg.pools_per_minute = 20;
    cfg.duration_ns = static_cast<int64_t>(minutes) * 60 * kNsPerSec;
    SimMarket feed(cfg);
    MiniExchange ex(feed);
    code->set_limits(limits);
    StrategyInstance inst(code, code->name(), &ex, limits);
    REQUIRE(inst.create(params));
    RunResult out;
    uint64_t seq = 0;
    auto deliver = [&](snp_event_header& h) {
        h.seq = ++seq;
        h.recv_ns = ex.now;
        if (!inst.wants(h.type) || !inst.running()) {
            return;
        }
        if (!inst.on_event(h)) {
            ++out.errors;
            return;
        }
        for (const PendingIntent& p : inst.pending()) {
            out.intents.push_back(Record{h.seq, p.intent_id, p.intent, p.reason});
            ex.commit(p);
        }
    };
    auto drain_updates = [&]() {
        while (!ex.updates.empty()) {
            MiniExchange::Update u = std::move(ex.updates.front());
            ex.updates.pop_front();
            u.ev.reason = snp_str{u.reason.data(), u.reason.size()};
            u.ev.h.source_ns = ex.now;
            deliver(u.ev.h);
        }
    };
    EventBuf ev;
    while (feed.next(ev)) {
        while (ex.land_one(ev.h.source_ns)) {
            drain_updates();
        }
        ex.now = ev.h.source_ns;
        ex.trading_state = (out.feed_events / 20000) % 5 == 3 ? SNP_TRADING_REDUCING : SNP_TRADING_ACTIVE;
        ex.on_feed_event(ev);
        ++out.feed_events;
        const int64_t t0 = mono_ns();
        deliver(ev.h);
        out.feed_call_ns += mono_ns() - t0;
        drain_updates();
    }
    while (ex.land_one(INT64_MAX)) {
        drain_updates();
    }
    out.errors += inst.errors();
    return out;
}

std::shared_ptr<StrategyCode> load_native_example(const TempDir& d) {
    std::string err;
    auto p = NativePlugin::load(example_native(), (d.path / "cache").string(), &err);
    INFO(err);
    REQUIRE(p);
    return p;
}

} // namespace

TEST_CASE("example_sniper_lua makes exactly the native example_sniper's intents", "[strategy][lua][equivalence]") {
    QuietLogs quiet;
    TempDir d;
    auto native = load_native_example(d);
    auto lua = load_lua(example_lua());
    struct Scenario {
        uint64_t seed;
        const char* params;
        bool jit;
    };
    const Scenario scenarios[] = {
        {42, "{}", true},
        {7, R"({"max_slippage_bps": 2500, "take_profit_pct": 40.0, "stop_loss_pct": 15, "max_hold": "3m",
                "buy_sol": 0.25, "min_liquidity_sol": 8, "max_top10_pct": 40.0, "min_lp_burned_pct": 85.5})",
         true},
        {1234, R"({"max_slippage_bps": 6000, "take_profit_pct": 25, "max_hold": 90})", false},
    };
    std::map<std::string, int> reasons;
    size_t total = 0;
    for (const Scenario& sc : scenarios) {
        INFO("seed " << sc.seed << " params " << sc.params << " jit " << sc.jit);
        const RunResult n = run_on_sim(native, sc.params, sc.seed, 30);
        const RunResult l = run_on_sim(lua, sc.params, sc.seed, 30, test_limits(sc.jit));
        CHECK(n.errors == 0);
        CHECK(l.errors == 0);
        CHECK(n.feed_events == l.feed_events);
        CHECK(n.intents.size() == l.intents.size());
        for (size_t i = 0; i < std::min(n.intents.size(), l.intents.size()); ++i) {
            if (!(n.intents[i] == l.intents[i])) {
                FAIL_CHECK("intent " << i << " differs:\n native " << n.intents[i].str() << "\n lua    "
                                     << l.intents[i].str());
                break;
            }
        }
        for (const Record& r : n.intents) {
            ++reasons[r.reason];
        }
        total += n.intents.size();
    }
    // Not vacuous: many intents, every kind of entry and exit.
    CHECK(total >= 60);
    CHECK(reasons["new pool passed safety filters"] >= 20);
    CHECK(reasons["take profit"] >= 1);
    CHECK(reasons["stop loss"] >= 1);
    CHECK(reasons["max hold"] >= 1);
}

TEST_CASE("example_sniper_lua rejects bad params like the native one", "[strategy][lua][equivalence]") {
    QuietLogs quiet;
    TempDir d;
    auto native = load_native_example(d);
    auto lua = load_lua(example_lua());
    for (const char* params : {R"({"buy_sol": 0})", R"({"buy_sol": "lots"})", R"({"max_slippage_bps": 0})",
                               R"({"max_slippage_bps": 10001})", R"({"stop_loss_pct": 100})", R"({"take_profit_pct": -1})",
                               R"({"max_hold": "10 minutes"})", R"({"max_hold": -5})"}) {
        INFO(params);
        Running n(native, params);
        Running l(lua, params);
        CHECK_FALSE(n.created);
        CHECK_FALSE(l.created);
        // Same words (the Lua message has no position: error(msg, 0)).
        const std::string nm = n.inst->last_error();
        const std::string lm = l.inst->last_error().substr(0, l.inst->last_error().find('\n'));
        CHECK(nm == lm);
    }
    for (const char* params : {"{}", R"({"max_hold": "500ms", "buy_sol": 1e-9})", R"({"max_hold": 0})"}) {
        INFO(params);
        Running n(native, params);
        Running l(lua, params);
        CHECK(n.created);
        CHECK(l.created);
    }
}

TEST_CASE("Lua vs native per-event cost on the simulated market", "[.][bench][lua]") {
    QuietLogs quiet;
    TempDir d;
    auto native = load_native_example(d);
    auto lua = load_lua(example_lua());
    const char* params = R"({"max_slippage_bps": 2500})";
    for (int round = 0; round < 2; ++round) {
        const RunResult n = run_on_sim(native, params, 42, 120);
        const RunResult j = run_on_sim(lua, params, 42, 120, test_limits(true));
        const RunResult i = run_on_sim(lua, params, 42, 120, test_limits(false));
        auto per = [](const RunResult& r) { return static_cast<double>(r.feed_call_ns) / static_cast<double>(r.feed_events); };
        std::printf("feed events %llu: native %.0f ns/event, lua (jit) %.0f ns/event, lua (interpreter) %.0f ns/event; "
                    "intents %zu/%zu/%zu\n",
                    static_cast<unsigned long long>(n.feed_events), per(n), per(j), per(i), n.intents.size(),
                    j.intents.size(), i.intents.size());
    }
}

TEST_CASE("the complete example in sdk/LUA.md loads, trades and reloads", "[strategy][lua][docs]") {
    QuietLogs quiet;
    std::ifstream in(std::string(SNIPER_SOURCE_DIR) + "/sdk/LUA.md");
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t start = doc.find("```lua\n-- tiny_sniper.lua");
    REQUIRE(start != std::string::npos);
    const size_t body = start + 7;
    const size_t end = doc.find("\n```", body);
    REQUIRE(end != std::string::npos);
    TempDir d;
    write_file(d.path / "tiny_sniper.lua", doc.substr(body, end - body + 1));
    auto s = load_lua((d.path / "tiny_sniper.lua").string());
    CHECK(s->name() == "tiny_sniper");
    const RunResult r = run_on_sim(s, R"({"buy_sol": 0.05, "min_liquidity_sol": 10.0, "hold_updates": 30})", 42, 30);
    CHECK(r.errors == 0);
    size_t buys = 0, sells = 0;
    for (const Record& rec : r.intents) {
        (rec.in.side == SNP_SIDE_BUY ? buys : sells) += 1;
    }
    CHECK(buys >= 10);
    CHECK(sells >= 5);

    // Its state survives a save/load round trip.
    Running a(s);
    REQUIRE(a.created);
    const auto ev = new_pool_event(1);
    snp_ev_new_pool clean = ev;
    clean.flags = 0;
    REQUIRE(a.inst->on_event(clean.h));
    REQUIRE(a.inst->pending().size() == 1);
    std::vector<uint8_t> state;
    std::string err;
    REQUIRE(a.inst->save_state(state, &err));
    CHECK_FALSE(state.empty());
    Running b(s);
    REQUIRE(b.created);
    REQUIRE(b.inst->load_state(state, 1, &err));
    // The held mint is not bought twice.
    CHECK(b.inst->on_event(clean.h));
    CHECK(b.inst->pending().empty());
}
