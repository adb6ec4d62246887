// Token-safety facts for new pools: SafetyHold's rules on their own, then
// the [feeds.ws] source against a scripted JSON-RPC node (getAccountInfo,
// getTokenLargestAccounts, getTransaction for a Raydium pool seen in logs):
// a new pool is held until its facts are in or its deadline passes, its
// later events follow it in order, and unknown stays flagged at the worst;
// then what changes after creation (an LP burn, a revoked authority) is
// followed over accountSubscribe + getMultipleAccounts into POOL_SAFETY.
#include "solfeed/safety_hold.hpp"
#include "solfeed/ws_source.hpp"

#include "capture_stream.hpp"
#include "scripted_node.hpp"
#include "chain/accounts.hpp"
#include "chain/chain_test_util.hpp"
#include "chain/emit.hpp"
#include "chain/pump_swap.hpp"
#include "core/clock.hpp"
#include "rpc/rpc_test_util.hpp"
#include "solana/associated_token.hpp"
#include "solana/base64.hpp"
#include "solana/program_ids.hpp"
#include "support/ws_test_server.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

using namespace sniper;
using rpc::test::FakeReply;
using rpc::test::FakeRequest;
using rpc::test::FakeServer;
using namespace scripted_node;

namespace {

EventBuf new_pool(uint8_t id, uint32_t dex, uint32_t flags) {
    EventBuf ev;
    init_event(ev, SNP_EVENT_NEW_POOL);
    ev.new_pool.pool.bytes[0] = id;
    ev.new_pool.base_mint.bytes[0] = static_cast<uint8_t>(id + 100);
    ev.new_pool.dex = dex;
    ev.new_pool.flags = flags;
    ev.new_pool.token_supply_atoms = 1'000'000;
    ev.new_pool.top10_holder_bps = 10000;
    ev.new_pool.base_decimals = 6;
    return ev;
}

EventBuf update(uint8_t id) {
    EventBuf ev;
    init_event(ev, SNP_EVENT_POOL_UPDATE);
    ev.pool_update.pool.bytes[0] = id;
    return ev;
}

constexpr uint32_t kAmm = SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT |
                          SNP_POOL_AUTHORITIES_UNKNOWN | SNP_POOL_HOLDERS_UNKNOWN | SNP_POOL_LP_UNKNOWN;

} // namespace

TEST_CASE("safety hold: a pump.fun pool waits for its holders, its events behind it, in order", "[solfeed][safety]") {
    solfeed::SafetyHold hold(1'000'000'000);
    CHECK(hold.offer(update(9), 0) == solfeed::SafetyHold::Verdict::Pass); // not held: passes
    CHECK(hold.offer(new_pool(1, SNP_DEX_PUMP_FUN, SNP_POOL_HOLDERS_UNKNOWN), 0) ==
          solfeed::SafetyHold::Verdict::Started);
    CHECK(hold.wants_holders(new_pool(1, 0, 0).new_pool.pool));
    CHECK_FALSE(hold.wants_mint(new_pool(1, 0, 0).new_pool.pool));
    CHECK(hold.offer(update(1), 10) == solfeed::SafetyHold::Verdict::Held);
    CHECK(hold.offer(update(1), 20) == solfeed::SafetyHold::Verdict::Held);
    std::vector<EventBuf> out;
    hold.take_ready(100, out);
    CHECK(out.empty()); // facts not in, deadline not reached
    hold.on_holders(new_pool(1, 0, 0).new_pool.pool, 123'457); // 12.34570 %
    hold.take_ready(100, out);
    REQUIRE(out.size() == 3);
    CHECK(out[0].h.type == SNP_EVENT_NEW_POOL);
    CHECK(out[0].new_pool.top10_holder_bps == 1235); // rounded up
    CHECK(out[0].new_pool.flags == 0);
    CHECK(out[1].h.type == SNP_EVENT_POOL_UPDATE);
    CHECK(out[2].h.type == SNP_EVENT_POOL_UPDATE);
    CHECK(hold.held() == 0);
    CHECK(hold.offer(update(1), 200) == solfeed::SafetyHold::Verdict::Pass); // released: flows
}

TEST_CASE("safety hold: an AMM pool takes its mint's facts, a disagreeing mint nothing, the deadline releases",
          "[solfeed][safety]") {
    solfeed::SafetyHold hold(1'000);
    REQUIRE(hold.offer(new_pool(2, SNP_DEX_RAYDIUM_AMM_V4, kAmm), 0) == solfeed::SafetyHold::Verdict::Started);
    REQUIRE(hold.offer(new_pool(3, SNP_DEX_PUMP_SWAP, kAmm), 0) == solfeed::SafetyHold::Verdict::Started);
    REQUIRE(hold.offer(new_pool(4, SNP_DEX_PUMP_SWAP, kAmm), 0) == solfeed::SafetyHold::Verdict::Started);
    const Pubkey p2 = new_pool(2, 0, 0).new_pool.pool, p3 = new_pool(3, 0, 0).new_pool.pool;
    CHECK(hold.wants_mint(p2));
    CHECK(hold.wants_holders(p2));
    // Holders of pool 2 measured against its mint's supply; pool 3's
    // holders arrive but its mint is not the event's token, so its supply
    // is unknown (its event carries only the reserve): no share is taken.
    hold.on_holders(p2, 1'000'000); // 20 % of 5,000,000
    hold.on_holders(p3, 10);
    solfeed::MintFacts clean;
    clean.mint_authority = false;
    clean.freeze_authority = false;
    clean.supply = 5'000'000;
    clean.decimals = 6;
    hold.on_mint(p2, clean);
    solfeed::MintFacts other = clean;
    other.decimals = 9; // not the token the event describes
    hold.on_mint(p3, other);
    CHECK(hold.wants_lp(p2));
    std::vector<EventBuf> out;
    hold.take_ready(10, out);
    CHECK(out.empty()); // the LP share is still out
    hold.on_lp(p2, 9000);
    hold.on_lp(p3, std::nullopt); // could not be read
    hold.take_ready(10, out);
    REQUIRE(out.size() == 2);
    for (const EventBuf& ev : out) {
        if (ev.new_pool.pool == p2) {
            CHECK(ev.new_pool.flags == 0);
            CHECK(ev.new_pool.token_supply_atoms == 5'000'000);
            CHECK(ev.new_pool.top10_holder_bps == 2000);
            CHECK(ev.new_pool.lp_burned_bps == 9000);
        } else {
            CHECK(ev.new_pool.flags == kAmm); // unknown, at the worst
            CHECK(ev.new_pool.token_supply_atoms == 1'000'000);
            CHECK(ev.new_pool.top10_holder_bps == 10000);
            CHECK(ev.new_pool.lp_burned_bps == 0);
        }
    }
    out.clear();
    hold.take_ready(999, out);
    CHECK(out.empty());
    hold.take_ready(1'000, out); // pool 4: no answer, deadline
    REQUIRE(out.size() == 1);
    CHECK(out[0].new_pool.flags == kAmm);
    solfeed::SafetyHold off(0);
    CHECK(off.offer(new_pool(5, SNP_DEX_PUMP_SWAP, kAmm), 0) == solfeed::SafetyHold::Verdict::Pass);
    CHECK(hold.offer(new_pool(6, SNP_DEX_SIM, 0), 0) == solfeed::SafetyHold::Verdict::Pass); // nothing unknown
    // Only an AMM pool has an LP token to measure: a pool of another dex
    // with only its LP unknown is not held for it.
    CHECK(hold.offer(new_pool(7, SNP_DEX_PUMP_FUN, SNP_POOL_LP_UNKNOWN), 0) == solfeed::SafetyHold::Verdict::Pass);
    REQUIRE(hold.offer(new_pool(8, SNP_DEX_RAYDIUM_AMM_V4, SNP_POOL_LP_UNKNOWN), 0) ==
            solfeed::SafetyHold::Verdict::Started);
    const Pubkey p8 = new_pool(8, 0, 0).new_pool.pool;
    CHECK_FALSE(hold.wants_mint(p8));
    CHECK_FALSE(hold.wants_holders(p8));
    CHECK(hold.wants_lp(p8));
    hold.on_lp(p8, 10000);
    out.clear();
    hold.take_ready(0, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].new_pool.flags == 0);
    CHECK(out[0].new_pool.lp_burned_bps == 10000);
}

namespace {

// The POOL_SAFETY events collected so far.
std::vector<snp_ev_pool_safety> pool_safety_events(Collected& got) {
    std::vector<snp_ev_pool_safety> out;
    std::lock_guard<std::mutex> lk(got.mu);
    for (const EventBuf& ev : got.events) {
        if (ev.h.type == SNP_EVENT_POOL_SAFETY) {
            out.push_back(ev.pool_safety);
        }
    }
    return out;
}

std::string b58(const solana::Pubkey& k) { return solana::to_base58(k); }

// One node sends `note` to a source reading facts from `rpc`: the events
// delivered once the first is in (a held pool comes out whole).
std::vector<EventBuf> first_events(const std::string& note, const std::string& rpc) {
    ws_test::Server server([&](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        conn.send(note);
        conn.hold();
    });
    Collected got;
    Sink sink(got);
    solfeed::SolanaWsSource source(config(server.url(), rpc, 5'000'000'000));
    source.start(sink);
    REQUIRE(wait_for([&] {
        std::lock_guard<std::mutex> lk(got.mu);
        return !got.events.empty();
    }));
    source.stop();
    server.stop();
    std::lock_guard<std::mutex> lk(got.mu);
    return got.events;
}

// The pump.fun coin of the capture stream's create: its curve, its mint,
// and the curve's own token account (no holder).
struct StreamCoin {
    std::string curve = "Bignq1ctYYtmHdoi1MUGx6wT3pRxZXoE1TAXBqTEG9ZD";
    std::string mint = "DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump";
    std::string curve_ata() const {
        const auto c = solana::pubkey_from_base58(curve);
        const auto m = solana::pubkey_from_base58(mint);
        REQUIRE(c);
        REQUIRE(m);
        return solana::to_base58(solana::associated_token_address(*c, *m, solana::kTokenProgram));
    }
};

} // namespace

TEST_CASE("ws source: a new pump.fun coin reaches the engine with its holders measured, the curve left out",
          "[solfeed][safety]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    const StreamCoin coin;
    const std::string &curve = coin.curve, &mint = coin.mint;
    const std::string curve_ata = coin.curve_ata();
    // The curve's account holds most of the supply; ten others hold 1 % each, an
    // eleventh 0.5 %: the top 10 without the curve is 10 %.
    std::string list = R"({"context":{"slot":1},"value":[{"address":")" + curve_ata +
                       R"(","amount":"900000000000000","decimals":6,"uiAmount":9e8,"uiAmountString":"900000000"})";
    for (int i = 0; i < 11; ++i) {
        solana::Pubkey h{};
        h.bytes[0] = static_cast<uint8_t>(i + 1);
        list += R"(,{"address":")" + b58(h) + R"(","amount":")" + (i < 10 ? "10000000000000" : "5000000000000") +
                R"(","decimals":6,"uiAmount":1,"uiAmountString":"1"})";
    }
    list += "]}";
    FakeServer node([&](const FakeRequest& req) {
        if (req.method == "getTokenLargestAccounts" && req.body.find(mint) != std::string::npos) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100)); // the pool waits for it
            return rpc::test::ok_reply(req, list);
        }
        return FakeReply{500, "unexpected"};
    });
    ws_test::Server server([&](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        conn.send(stream.message(0, 1000)); // create + buy: NEW_POOL, TRADE, POOL_UPDATE
        conn.send(stream.message(1, 1001)); // another buy's events, while the pool is held
        conn.hold();
    });
    Collected got;
    Sink sink(got);
    solfeed::SolanaWsSource source(config(server.url(), node.url(), 5'000'000'000));
    source.start(sink);
    // The second message repeats the create: while the pool is held the
    // first NEW_POOL stands and the repeat is dropped.
    const size_t want = stream.events_for(2) - 1;
    REQUIRE(wait_for([&] {
        std::lock_guard<std::mutex> lk(got.mu);
        return got.events.size() >= want;
    }));
    source.stop();
    server.stop();
    std::lock_guard<std::mutex> lk(got.mu);
    REQUIRE(got.events.size() == want);
    REQUIRE(got.events[0].h.type == SNP_EVENT_NEW_POOL);
    const snp_ev_new_pool& np = got.events[0].new_pool;
    CHECK(to_base58(np.pool) == curve);
    CHECK(np.top10_holder_bps == 1000);
    CHECK(np.flags == 0); // all three facts known: authorities and LP by the program, holders measured
    for (size_t i = 1; i < got.events.size(); ++i) {
        CHECK(got.events[i].h.type != SNP_EVENT_NEW_POOL);
    }
}

TEST_CASE("ws source: with a dead RPC node a new pool is released at its deadline, facts unknown",
          "[solfeed][safety]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    ws_test::Server server([&](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        conn.send(stream.message(0, 1000));
        conn.hold();
    });
    Collected got;
    Sink sink(got);
    const int64_t t0 = mono_ns();
    solfeed::SolanaWsSource source(config(server.url(),
                                          "http://127.0.0.1:" + std::to_string(rpc::test::closed_port()),
                                          300'000'000));
    source.start(sink);
    REQUIRE(wait_for([&] {
        std::lock_guard<std::mutex> lk(got.mu);
        return got.events.size() >= 3;
    }));
    const int64_t waited = mono_ns() - t0;
    source.stop();
    server.stop();
    std::lock_guard<std::mutex> lk(got.mu);
    REQUIRE(got.events[0].h.type == SNP_EVENT_NEW_POOL);
    CHECK(got.events[0].new_pool.flags == SNP_POOL_HOLDERS_UNKNOWN);
    CHECK(got.events[0].new_pool.top10_holder_bps == 10000);
    CHECK(waited < 5'000'000'000); // released by its deadline, not held for good
}

TEST_CASE("ws source: a Raydium pool seen in logs is completed by getTransaction and its mint's facts",
          "[solfeed][safety]") {
    testing::QuietLogs quiet;
    // The logs of a captured initialize2 transaction, as logsNotification.
    simdjson::dom::parser parser;
    const std::string txn = ws_test::read_file(std::string(SNIPER_TEST_DATA) +
                                               "/chain/fixtures/payloads/ws_txn_raydium_initialize2_pumpfun_migration_2024-12.json");
    simdjson::dom::element doc;
    REQUIRE(parser.parse(txn).get(doc) == simdjson::SUCCESS);
    std::string_view sig;
    REQUIRE(doc["params"]["result"]["signature"].get_string().get(sig) == simdjson::SUCCESS);
    uint64_t slot = 0;
    REQUIRE(doc["params"]["result"]["slot"].get_uint64().get(slot) == simdjson::SUCCESS);
    const std::string logs = simdjson::to_string(doc["params"]["result"]["transaction"]["meta"]["logMessages"]);
    const std::string note = R"({"jsonrpc":"2.0","method":"logsNotification","params":{"result":{"context":{"slot":)" +
                             std::to_string(slot) + R"(},"value":{"signature":")" + std::string(sig) +
                             R"(","err":null,"logs":)" + logs + R"(}},"subscription":1}})";
    const std::string get_tx = ws_test::read_file(
        std::string(SNIPER_TEST_DATA) + "/chain/fixtures/derived/getTransaction_json_encoding_raydium_initialize2.json");
    simdjson::dom::element gt;
    REQUIRE(parser.parse(get_tx).get(gt) == simdjson::SUCCESS);
    const std::string tx_result = simdjson::to_string(gt["result"]);
    // A clean mint: no mint authority, no freeze authority, 6 decimals.
    std::vector<uint8_t> mint_data(82, 0);
    const uint64_t supply = 999'000'000'000'000ULL;
    std::memcpy(mint_data.data() + 36, &supply, 8);
    mint_data[44] = 6;
    mint_data[45] = 1;
    const std::string mint_account = R"({"context":{"slot":5},"value":{"data":[")" +
                                     solana::base64_encode(mint_data) +
                                     R"(","base64"],"executable":false,"lamports":1461600,"owner":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","rentEpoch":0,"space":82}})";
    const std::string largest =
        R"({"context":{"slot":5},"value":[)"
        R"({"address":"Dn1NMgHneoKZvtgec5Pnv336qGVV6AyPuqS5rNvNAFa1","amount":"206900000000000","decimals":6,"uiAmount":206900000.0,"uiAmountString":"206900000"},)"
        R"({"address":"EmLPb9Vpzj4NECQCR1nWShfxgeUjTXNzBjKXx6JiXLHp","amount":"49950000000000","decimals":6,"uiAmount":49950000.0,"uiAmountString":"49950000"},)"
        R"({"address":"39azUYFWPz3VHgKCf3VChUwbpURdCHRxjWVowf5jUJjg","amount":"9990000000000","decimals":6,"uiAmount":9990000.0,"uiAmountString":"9990000"}]})";
    // The pool's AmmInfo (752 bytes, owned by the AMM program): WSOL as
    // coin, the token as pc, the LP mint of its initialize2 and lp_amount =
    // isqrt(coin * pc) as initialize2 sets it; the LP mint's supply is 0:
    // pump.fun burned the LP it was given.
    const std::string amm = "6DrWmJAVcCLUTHzgdMoKroZCwdcS8sodLgctiBqvyys6";
    const std::string lp_mint = "EQRWgCWEwXD2QADZNE9nviKRqDeK3GnibLTnTdq8H2SA";
    std::vector<uint8_t> amm_data(752, 0);
    const auto put_key = [&](size_t at, const char* b58) {
        const auto k = solana::pubkey_from_base58(b58);
        REQUIRE(k);
        std::memcpy(amm_data.data() + at, k->bytes.data(), 32);
    };
    put_key(400, "So11111111111111111111111111111111111111112");
    put_key(432, "6Ed5YTw9AoUhr5VcsjZdGHqpdruqgCaZcLv7WU6npump");
    put_key(464, lp_mint.c_str());
    const uint64_t lp_amount = 4'043'044'507'682ULL;
    std::memcpy(amm_data.data() + 720, &lp_amount, 8);
    const std::string amm_account = R"({"context":{"slot":5},"value":{"data":[")" + solana::base64_encode(amm_data) +
                                    R"(","base64"],"executable":false,"lamports":6124800,"owner":"675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8","rentEpoch":0,"space":752}})";
    std::vector<uint8_t> lp_data(82, 0);
    lp_data[44] = 9;
    lp_data[45] = 1;
    const std::string lp_account = R"({"context":{"slot":5},"value":{"data":[")" + solana::base64_encode(lp_data) +
                                   R"(","base64"],"executable":false,"lamports":1461600,"owner":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","rentEpoch":0,"space":82}})";
    std::mutex mu;
    std::vector<std::string> methods;
    FakeServer node([&](const FakeRequest& req) {
        {
            std::lock_guard<std::mutex> lk(mu);
            methods.push_back(req.method);
        }
        if (req.method == "getTransaction" && req.body.find(std::string(sig)) != std::string::npos) {
            return rpc::test::ok_reply(req, tx_result);
        }
        if (req.method == "getAccountInfo" && req.body.find(amm) != std::string::npos) {
            return rpc::test::ok_reply(req, amm_account);
        }
        if (req.method == "getAccountInfo" && req.body.find(lp_mint) != std::string::npos) {
            return rpc::test::ok_reply(req, lp_account);
        }
        if (req.method == "getAccountInfo" && req.body.find("6Ed5YTw9AoUhr5VcsjZdGHqpdruqgCaZcLv7WU6npump") !=
                                                  std::string::npos) {
            return rpc::test::ok_reply(req, mint_account);
        }
        if (req.method == "getTokenLargestAccounts") {
            // The pool's token vault (its initialize2's account 11, the
            // fixture's postTokenBalances) holds the most: left out.
            return rpc::test::ok_reply(req, largest);
        }
        return FakeReply{500, "unexpected"};
    });
    const std::vector<EventBuf> events = first_events(note, node.url());
    REQUIRE(events.size() == 1);
    const snp_ev_new_pool& np = events[0].new_pool;
    CHECK(np.h.type == SNP_EVENT_NEW_POOL);
    CHECK(np.dex == SNP_DEX_RAYDIUM_AMM_V4);
    REQUIRE(np.base_decimals == 6);
    CHECK(np.flags == 0); // authorities read: none; holders measured; LP measured
    CHECK(np.token_supply_atoms == supply);
    // (49.95 M + 9.99 M tokens) of 999 M, the vault's 206.9 M left out: 6 %.
    CHECK(np.top10_holder_bps == 600);
    CHECK(np.lp_burned_bps == 10000);
    std::lock_guard<std::mutex> lk2(mu);
    REQUIRE(methods.size() >= 5);
    CHECK(methods[0] == "getTransaction");
    CHECK(std::count(methods.begin(), methods.end(), "getAccountInfo") == 3); // mint, pool, LP mint
    CHECK(std::count(methods.begin(), methods.end(), "getTokenLargestAccounts") == 1);
}

namespace {


std::string account_notification(uint64_t slot, const std::string& value, uint64_t sub) {
    return R"({"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":)" +
           std::to_string(slot) + R"(},"value":)" + value + R"(},"subscription":)" + std::to_string(sub) + "}}";
}

// Reads requests until an accountSubscribe naming `key`, answers it with
// subscription `sub`; false when the client went away.
bool answer_account_subscribe(ws_test::Conn& conn, const Pubkey& key, uint64_t sub) {
    std::string req;
    while (conn.read(req)) {
        if (req.find("\"accountSubscribe\"") != std::string::npos && req.find(to_base58(key)) != std::string::npos) {
            return conn.send(R"({"jsonrpc":"2.0","result":)" + std::to_string(sub) + R"(,"id":)" + id_of(req) + "}");
        }
    }
    return false;
}

// Reads requests until the accountUnsubscribe of `sub`, answers it; false
// when the client went away first. `other_subscribe` is set when another
// accountSubscribe came meanwhile.
bool answer_account_unsubscribe(ws_test::Conn& conn, uint64_t sub, std::atomic<bool>& other_subscribe) {
    std::string req;
    while (conn.read(req)) {
        if (req.find("\"accountUnsubscribe\"") != std::string::npos &&
            req.find(std::to_string(sub)) != std::string::npos) {
            return conn.send(R"({"jsonrpc":"2.0","result":true,"id":)" + id_of(req) + "}");
        }
        if (req.find("\"accountSubscribe\"") != std::string::npos) {
            other_subscribe = true;
        }
    }
    return false;
}

bool wait_count(const std::atomic<int>& n, int at_least) {
    for (int i = 0; i < 2000 && n.load() < at_least; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return n.load() >= at_least;
}

// A PumpSwap pool's keys and its pool account (layout: chain/pump_swap.hpp):
// `token` paired with WSOL, `lp_mint`, the program's LP count 4,000,000.
struct PumpSwapPool {
    const Pubkey pool = chain_test::key("GseMAnNDvntR5uFePZ51yZBXzNSn7GdFPkfHwfr6d77J");
    const Pubkey token = chain_test::key("7LSsEoJGhLeZzGvDofTdNg7M3JttxQqGWNLo6vWMpump");
    const Pubkey lp_mint = chain_test::key("6dpnPD6UWDw5hbJEuPQwnCCMba1JYwHANKuL6GQ6otAH");
    const Pubkey user = chain_test::key("9XDYTfQKwW8sHPqnFdUreMmtmffmkHVPGTNV2e3LKxNW");
    chain_test::Bytes account() const {
        chain_test::Bytes p;
        p.raw(chain::kPumpSwapPoolDisc, 8).u8(254).u16(0).key(user).key(token).key(chain::wsol_mint()).key(lp_mint);
        p.key(user).key(user).u64(4'000'000).key(user); // token accounts, lp_supply, coin_creator
        return p;
    }
};

} // namespace

TEST_CASE("ws source: a PumpSwap pool's LP burned share from its pool account and LP mint, or unknown",
          "[solfeed][safety]") {
    testing::QuietLogs quiet;
    const PumpSwapPool ps;
    const Pubkey &pool = ps.pool, &token = ps.token, &lp_mint = ps.lp_mint, &user = ps.user;
    // The pool account: lp_supply 4,000,000; 3,000,000 LP burned by holders
    // leaves the LP mint's supply at 1,000,000: 75 % burned.
    chain_test::Bytes p = ps.account();
    std::string pool_owner = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
    uint32_t want_flags = 0;
    uint32_t want_bps = 7500;
    std::string token_owner = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    SECTION("measured") {}
    SECTION("a Token-2022 coin: its mint's owner says so") {
        token_owner = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
        want_flags = SNP_POOL_TOKEN_2022;
    }
    SECTION("a pool account owned by another program: the LP share stays unknown, the rest is taken") {
        pool_owner = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
        want_flags = SNP_POOL_LP_UNKNOWN;
        want_bps = 0;
    }
    SECTION("a pool account pairing another token: unknown") {
        std::memcpy(p.b.data() + 43, user.bytes, 32);
        want_flags = SNP_POOL_LP_UNKNOWN;
        want_bps = 0;
    }
    const std::string largest = R"({"context":{"slot":5},"value":[{"address":")" + to_base58(user) +
                                R"(","amount":"100000000000000","decimals":6,"uiAmount":1e8,"uiAmountString":"100000000"}]})";
    FakeServer node([&](const FakeRequest& req) {
        if (req.method == "getAccountInfo" && req.body.find(to_base58(pool)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(p.b, pool_owner));
        }
        if (req.method == "getAccountInfo" && req.body.find(to_base58(lp_mint)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(mint_bytes(1'000'000, 6),
                                                         "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"));
        }
        if (req.method == "getAccountInfo" && req.body.find(to_base58(token)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(mint_bytes(1'000'000'000'000'000, 6), token_owner));
        }
        if (req.method == "getTokenLargestAccounts") {
            return rpc::test::ok_reply(req, largest);
        }
        return FakeReply{500, "unexpected"};
    });
    const std::string note = pump_swap_create(pool, token, lp_mint, user);
    const std::vector<EventBuf> events = first_events(note, node.url());
    REQUIRE(events.size() == 1);
    const snp_ev_new_pool& np = events[0].new_pool;
    REQUIRE(np.h.type == SNP_EVENT_NEW_POOL);
    CHECK(np.dex == SNP_DEX_PUMP_SWAP);
    CHECK(np.flags == want_flags);
    CHECK(np.lp_burned_bps == want_bps);
    CHECK(np.top10_holder_bps == 1000); // 100 M of 1 B
}

TEST_CASE("ws source: a PumpSwap pool's LP burn after its creation arrives as a POOL_SAFETY, then the LP mint "
          "is let go",
          "[solfeed][safety][lp]") {
    testing::QuietLogs quiet;
    const PumpSwapPool ps;
    const Pubkey &pool = ps.pool, &token = ps.token, &lp_mint = ps.lp_mint, &user = ps.user;
    // lp_supply 4,000,000 and nothing burned at creation; later the holder
    // burns 3,000,000 (75 %), then the rest (100 %).
    const chain_test::Bytes p = ps.account();
    const std::string owner = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
    const std::string token_program = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    std::atomic<uint64_t> lp_supply{4'000'000};
    std::atomic<int> multiple{0};
    std::atomic<uint64_t> slot{10};
    const std::string largest = R"({"context":{"slot":5},"value":[{"address":")" + to_base58(user) +
                                R"(","amount":"100000000000000","decimals":6,"uiAmount":1e8,"uiAmountString":"100000000"}]})";
    FakeServer node([&](const FakeRequest& req) {
        if (req.method == "getMultipleAccounts") {
            // Both accounts at one slot, in the order asked: pool, LP mint.
            const size_t at_pool = req.body.find(to_base58(pool)), at_lp = req.body.find(to_base58(lp_mint));
            if (at_pool == std::string::npos || at_lp == std::string::npos || at_lp < at_pool) {
                return FakeReply{500, "unexpected keys"};
            }
            ++multiple;
            return rpc::test::ok_reply(req, R"({"context":{"slot":)" + std::to_string(slot.fetch_add(1)) +
                                                R"(},"value":[)" + account_value(p.b, owner) + "," +
                                                account_value(mint_bytes(lp_supply.load(), 6), token_program) +
                                                "]}");
        }
        if (req.method == "getAccountInfo" && req.body.find(to_base58(pool)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(p.b, owner));
        }
        if (req.method == "getAccountInfo" && req.body.find(to_base58(lp_mint)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(mint_bytes(lp_supply.load(), 6), token_program));
        }
        if (req.method == "getAccountInfo" && req.body.find(to_base58(token)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(mint_bytes(1'000'000'000'000'000, 6), token_program));
        }
        if (req.method == "getTokenLargestAccounts") {
            return rpc::test::ok_reply(req, largest);
        }
        return FakeReply{500, "unexpected"};
    });
    const auto notification = [&](uint64_t sub) {
        return account_notification(slot.load(), account_value(mint_bytes(lp_supply.load(), 6), token_program), sub);
    };
    std::atomic<bool> subscribed{false}, unsubscribed{false}, second_subscribe{false};
    const std::string note = pump_swap_create(pool, token, lp_mint, user);
    ws_test::Server server([&](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        conn.send(note);
        // The LP mint's accountSubscribe, once the pool is out.
        if (!answer_account_subscribe(conn, lp_mint, 77)) {
            return;
        }
        subscribed = true;
        // The subscription's own read (nothing changed yet), then a burn
        // of 75 % and its notification.
        if (!wait_count(multiple, 1)) {
            return;
        }
        lp_supply = 1'000'000;
        conn.send(notification(77));
        if (!wait_count(multiple, 2)) {
            return;
        }
        // The rest burned, seen twice (two notifications for one change,
        // as from a node that repeats itself): one event.
        lp_supply = 0;
        conn.send(notification(77));
        conn.send(notification(77));
        unsubscribed = answer_account_unsubscribe(conn, 77, second_subscribe);
        conn.hold();
    });
    Collected got;
    Sink sink(got);
    solfeed::SolanaWsSource source(config(server.url(), node.url(), 5'000'000'000));
    source.start(sink);
    const auto safety_events = [&] { return pool_safety_events(got); };
    REQUIRE(wait_for([&] { return safety_events().size() >= 2 && unsubscribed.load(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // anything more would show now
    const std::optional<SourceStatus> st = source.status();
    REQUIRE(st);
    CHECK(st->safety_followed == 0); // at 100 %: let go
    CHECK(st->safety_updates == 2);
    source.stop();
    server.stop();
    CHECK(subscribed.load());
    CHECK_FALSE(second_subscribe.load());
    std::lock_guard<std::mutex> lk(got.mu);
    REQUIRE(got.events.size() == 3);
    const snp_ev_new_pool& np = got.events[0].new_pool;
    REQUIRE(np.h.type == SNP_EVENT_NEW_POOL);
    CHECK(np.flags == 0);
    CHECK(np.lp_burned_bps == 0); // measured at creation: nothing burned
    CHECK(np.top10_holder_bps == 1000);
    const uint32_t want[2] = {7500, 10000};
    uint64_t last_slot = 0;
    for (int i = 0; i < 2; ++i) {
        const snp_ev_pool_safety& s = got.events[1 + i].pool_safety;
        REQUIRE(s.h.type == SNP_EVENT_POOL_SAFETY);
        CHECK(s.pool == pool);
        CHECK(s.base_mint == token);
        CHECK(s.dex == SNP_DEX_PUMP_SWAP);
        CHECK(s.flags == 0);
        CHECK(s.lp_burned_bps == want[i]);
        CHECK(s.top10_holder_bps == 1000); // the other facts as the NEW_POOL had them
        CHECK(s.h.slot > last_slot);
        CHECK(s.h.source_ns > 0);
        last_slot = s.h.slot;
    }
}

TEST_CASE("ws source: a mint authority revoked after the pool's creation arrives as a POOL_SAFETY, then the "
          "token's mint is let go",
          "[solfeed][safety][follow]") {
    testing::QuietLogs quiet;
    const PumpSwapPool ps;
    // LP all burned at creation (the LP mint's supply is 0); the token
    // still has a mint authority, revoked later.
    const chain_test::Bytes p = ps.account();
    const std::string owner = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
    const std::string token_program = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    const uint64_t supply = 1'000'000'000'000'000;
    std::atomic<bool> revoked{false};
    std::atomic<int> multiple{0};
    const auto token_mint = [&] {
        return revoked ? mint_bytes(supply, 6) : mint_bytes_with_authority(supply, 6, ps.user);
    };
    const std::string largest = R"({"context":{"slot":5},"value":[{"address":")" + to_base58(ps.user) +
                                R"(","amount":"100000000000000","decimals":6,"uiAmount":1e8,"uiAmountString":"100000000"}]})";
    FakeServer node([&](const FakeRequest& req) {
        if (req.method == "getMultipleAccounts") {
            // Only the token's mint is followed: the LP cannot burn further.
            if (req.body.find(to_base58(ps.token)) == std::string::npos ||
                req.body.find(to_base58(ps.lp_mint)) != std::string::npos) {
                return FakeReply{500, "unexpected keys"};
            }
            ++multiple;
            return rpc::test::ok_reply(req, R"({"context":{"slot":)" + std::to_string(20 + multiple.load()) +
                                                R"(},"value":[)" + account_value(token_mint(), token_program) + "]}");
        }
        if (req.method == "getAccountInfo" && req.body.find(to_base58(ps.pool)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(p.b, owner));
        }
        if (req.method == "getAccountInfo" && req.body.find(to_base58(ps.lp_mint)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(mint_bytes(0, 6), token_program));
        }
        if (req.method == "getAccountInfo" && req.body.find(to_base58(ps.token)) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(token_mint(), token_program));
        }
        if (req.method == "getTokenLargestAccounts") {
            return rpc::test::ok_reply(req, largest);
        }
        return FakeReply{500, "unexpected"};
    });
    std::atomic<bool> unsubscribed{false}, other_subscribe{false};
    const std::string note = pump_swap_create(ps.pool, ps.token, ps.lp_mint, ps.user);
    ws_test::Server server([&](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        conn.send(note);
        if (!answer_account_subscribe(conn, ps.token, 88) || !wait_count(multiple, 1)) {
            return;
        }
        revoked = true;
        conn.send(account_notification(30, account_value(token_mint(), token_program), 88));
        unsubscribed = answer_account_unsubscribe(conn, 88, other_subscribe);
        conn.hold();
    });
    Collected got;
    Sink sink(got);
    solfeed::SolanaWsSource source(config(server.url(), node.url(), 5'000'000'000));
    source.start(sink);
    REQUIRE(wait_for([&] {
        std::lock_guard<std::mutex> lk(got.mu);
        return got.events.size() >= 2 && unsubscribed.load();
    }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    source.stop();
    server.stop();
    CHECK_FALSE(other_subscribe.load()); // the LP mint was never followed
    std::lock_guard<std::mutex> lk(got.mu);
    REQUIRE(got.events.size() == 2);
    const snp_ev_new_pool& np = got.events[0].new_pool;
    REQUIRE(np.h.type == SNP_EVENT_NEW_POOL);
    CHECK(np.flags == SNP_POOL_MINT_AUTHORITY_PRESENT);
    CHECK(np.lp_burned_bps == 10000);
    const snp_ev_pool_safety& s = got.events[1].pool_safety;
    REQUIRE(s.h.type == SNP_EVENT_POOL_SAFETY);
    CHECK(s.pool == ps.pool);
    CHECK(s.flags == 0); // revoked
    CHECK(s.lp_burned_bps == 10000);
    CHECK(s.top10_holder_bps == 1000); // 100 M of 1 B, as the NEW_POOL had it
}

namespace {

// A real pool account from tests/chain/fixtures/accounts (base64 data).
std::string captured_pool_data(const std::string& name) {
    const std::string text = chain_test::fixture("accounts/amm_pool_accounts.json");
    simdjson::dom::parser parser;
    simdjson::dom::array list;
    REQUIRE(parser.parse(text)["accounts"].get_array().get(list) == simdjson::SUCCESS);
    for (simdjson::dom::element e : list) {
        std::string_view n, b64;
        if (e["name"].get(n) == simdjson::SUCCESS && n == name && e["data_base64"].get(b64) == simdjson::SUCCESS) {
            return std::string(b64);
        }
    }
    FAIL("no capture " << name);
    return {};
}

} // namespace

TEST_CASE("ws source: held AMM pools it never saw created (a restart) are read from their pool accounts and their "
          "vaults followed and priced at once",
          "[solfeed][safety]") {
    testing::QuietLogs quiet;
    const Pubkey pump_swap = chain_test::key("7vEpDRUy5PSiBJNdBiiuMxN7KbM7HA3fxhFvgrjRrEnV");
    const Pubkey raydium = chain_test::key("8WQsKRXNjTdSpbDpwRAaZJfPxUEBvAEZ6eeQSt4bjACh");
    const Pubkey missing = chain_test::key("9XDYTfQKwW8sHPqnFdUreMmtmffmkHVPGTNV2e3LKxNW");
    const Pubkey ps_token = chain_test::key("vH6HyoNGaWvKHsK1ENNCqFuZhLfR1cpw46TFeGVpump");
    const Pubkey ray_token = chain_test::key("ADSXPGwP3riuvqYtwqogCD4Rfn1a6NASqaSpThpsmoon");
    const Pubkey ray_authority = chain_test::key("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1");
    // The vaults the two accounts name (tests/chain/pool_accounts_test.cpp
    // derives them independently): each pool's token vault, then its WSOL
    // vault, with the mint and owner each must have and its amount now.
    struct VaultNow {
        std::string key;
        Pubkey mint, owner;
        uint64_t amount;
    };
    const std::vector<VaultNow> vaults = {
        {"8iWkrWUntx3iRxyk59p5mcNnvF6qwER21xXHDsFTgHJn", ps_token, pump_swap, 500'000'000'000'000},
        {"C991coUvgVFfHhhkaJUhPEdz6CYGk1yJrmHNPQdRp3Hh", chain::wsol_mint(), pump_swap, 90'000'000'000},
        {"CveKgAzJW8jzyjBxDZLGtVbY251PCKcXDwQ5dtTfuefP", ray_token, ray_authority, 7'000'000'000},
        {"4pJFH98gmpF9JH2PiwF1dWRw9V9nAsrZHT2h72DDemvK", chain::wsol_mint(), ray_authority, 3'000'000'000}};
    const auto value = [](const std::string& b64, const char* owner) {
        return R"({"data":[")" + b64 + R"(","base64"],"executable":false,"lamports":2039280,"owner":")" + owner +
               R"(","rentEpoch":0,"space":1})";
    };
    std::atomic<int> reads{0}, vault_reads{0};
    std::string body;
    std::mutex mu;
    FakeServer node([&](const FakeRequest& req) {
        if (req.method != "getMultipleAccounts" || req.body.find(to_base58(ps_token)) != std::string::npos ||
            req.body.find(to_base58(ray_token)) != std::string::npos) {
            return FakeReply{500, "unexpected"}; // the safety facts read again: held_pools_test.cpp
        }
        if (req.body.find(vaults[0].key) != std::string::npos) {
            // The vaults as they join the followed set: in the order asked.
            ++vault_reads;
            std::vector<std::pair<size_t, std::string>> asked;
            for (const VaultNow& v : vaults) {
                const size_t at = req.body.find(v.key);
                if (at != std::string::npos) {
                    asked.emplace_back(at, value(solana::base64_encode(token_account_bytes(v.mint, v.owner, v.amount)),
                                                 "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"));
                }
            }
            std::sort(asked.begin(), asked.end());
            std::string list;
            for (const auto& [at, v] : asked) {
                list += (list.empty() ? "" : ",") + v;
            }
            return rpc::test::ok_reply(req, R"({"context":{"slot":78},"value":[)" + list + "]}");
        }
        {
            std::lock_guard<std::mutex> lk(mu);
            body = req.body;
        }
        ++reads;
        // In the order asked (watched order).
        std::string list;
        for (const Pubkey* p : {&pump_swap, &raydium, &missing}) {
            list += list.empty() ? "" : ",";
            if (*p == pump_swap) {
                list += value(captured_pool_data("pumpswap_pool_7vEp"), "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA");
            } else if (*p == raydium) {
                list += value(captured_pool_data("raydium_amm_v4_8WQs"), "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8");
            } else {
                list += "null";
            }
        }
        return rpc::test::ok_reply(req, R"({"context":{"slot":77},"value":[)" + list + "]}");
    });
    std::mutex seen_mu;
    std::vector<std::string> subscribed;
    ws_test::Server server = quiet_node([&](const std::string& req) {
        std::lock_guard<std::mutex> lk(seen_mu);
        subscribed.push_back(req);
        return std::string();
    });
    solfeed::SolanaWsSource source(config(server.url(), node.url(), 5'000'000'000));
    // The held mints: a pool account naming another token would not be believed.
    source.watch_mints({ps_token, ray_token});
    source.watch_pools({pump_swap, raydium, missing});
    Collected got;
    Sink sink(got);
    source.start(sink);
    const auto updates = [&] {
        std::vector<snp_ev_pool_update> out;
        std::lock_guard<std::mutex> lk(got.mu);
        for (const EventBuf& ev : got.events) {
            if (ev.h.type == SNP_EVENT_POOL_UPDATE) {
                out.push_back(ev.pool_update);
            }
        }
        return out;
    };
    REQUIRE(wait_for([&] {
        std::lock_guard<std::mutex> lk(seen_mu);
        return subscribed.size() >= 4;
    }));
    REQUIRE(wait_for([&] { return updates().size() >= 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // a few ticks more: nothing else is asked
    source.stop();
    server.stop();
    CHECK(reads.load() == 1); // the missing pool waits kHeldPoolRetryNs before it is asked again
    CHECK(vault_reads.load() == 1);
    {
        std::lock_guard<std::mutex> lk(mu);
        CHECK_THAT(body, Catch::Contains(to_base58(pump_swap)));
        CHECK_THAT(body, Catch::Contains(to_base58(missing)));
    }
    // Priced from the vaults as read, before any of them changed: one
    // update per pool, the token side first.
    const std::vector<snp_ev_pool_update> u = updates();
    REQUIRE(u.size() == 2);
    for (const snp_ev_pool_update& e : u) {
        const bool ps = e.pool == pump_swap;
        CHECK((ps || e.pool == raydium));
        CHECK(e.base_mint == (ps ? ps_token : ray_token));
        CHECK(e.base_reserve_atoms == vaults[ps ? 0 : 2].amount);
        CHECK(e.quote_reserve_lamports == vaults[ps ? 1 : 3].amount);
        CHECK(e.h.slot == 78);
    }
    std::lock_guard<std::mutex> lk(seen_mu);
    REQUIRE(subscribed.size() == 4);
    for (const VaultNow& v : vaults) {
        CHECK(std::count_if(subscribed.begin(), subscribed.end(),
                            [&](const std::string& r) { return r.find("\"" + v.key + "\"") != std::string::npos; }) == 1);
    }
}

TEST_CASE("ws source: a held pool's account naming a token that is not held is not believed, nor asked again",
          "[solfeed][safety]") {
    testing::QuietLogs quiet;
    const Pubkey pump_swap = chain_test::key("7vEpDRUy5PSiBJNdBiiuMxN7KbM7HA3fxhFvgrjRrEnV");
    std::atomic<int> reads{0};
    FakeServer node([&](const FakeRequest& req) {
        if (req.method != "getMultipleAccounts") {
            return FakeReply{500, "unexpected"};
        }
        ++reads;
        return rpc::test::ok_reply(req, R"({"context":{"slot":77},"value":[{"data":[")" +
                                            captured_pool_data("pumpswap_pool_7vEp") +
                                            R"(","base64"],"executable":false,"lamports":2039280,"owner":"pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA","rentEpoch":0,"space":301}]})");
    });
    std::atomic<int> subscribes{0};
    ws_test::Server server([&](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        std::string req;
        while (conn.read(req)) {
            subscribes += req.find("\"accountSubscribe\"") != std::string::npos ? 1 : 0;
        }
    });
    solfeed::SolanaWsSource source(config(server.url(), node.url(), 5'000'000'000));
    source.watch_mints({chain_test::key("ADSXPGwP3riuvqYtwqogCD4Rfn1a6NASqaSpThpsmoon")}); // another coin
    source.watch_pools({pump_swap});
    Collected got;
    Sink sink(got);
    source.start(sink);
    REQUIRE(wait_for([&] { return reads.load() >= 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    source.stop();
    server.stop();
    CHECK(reads.load() == 1);
    CHECK(subscribes.load() == 0);
}

// A held pool's holders, measured again: the NEW_POOL said 10 %; later the
// ten largest hold 30 %, which goes out as a POOL_SAFETY with the other
// facts as they were; the same share measured again says nothing more.
TEST_CASE("ws source: a held pool's top-10 holders' share is measured again and a change goes out as a "
          "POOL_SAFETY",
          "[solfeed][safety]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    const StreamCoin coin;
    const std::string& mint = coin.mint;
    const std::string curve_ata = coin.curve_ata();
    const auto holders = [&](const char* each) {
        std::string list = R"({"context":{"slot":1},"value":[{"address":")" + curve_ata +
                           R"(","amount":"600000000000000","decimals":6,"uiAmount":6e8,"uiAmountString":"600000000"})";
        for (int i = 0; i < 10; ++i) {
            solana::Pubkey h{};
            h.bytes[0] = static_cast<uint8_t>(i + 1);
            list += R"(,{"address":")" + b58(h) + R"(","amount":")" + each +
                    R"(","decimals":6,"uiAmount":1,"uiAmountString":"1"})";
        }
        return list + "]}";
    };
    std::atomic<int> phase{0};
    std::atomic<int> remeasures{0};
    FakeServer node([&](const FakeRequest& req) {
        if (req.method == "getTokenLargestAccounts" && req.body.find(mint) != std::string::npos) {
            if (phase.load() > 0) {
                ++remeasures;
            }
            // 1 % each at creation, 3 % each later.
            return rpc::test::ok_reply(req, holders(phase.load() == 0 ? "10000000000000" : "30000000000000"));
        }
        if (req.method == "getAccountInfo" && req.body.find(mint) != std::string::npos) {
            return rpc::test::ok_reply(req, account_json(mint_bytes(1'000'000'000'000'000, 6),
                                                         "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"));
        }
        return FakeReply{500, "unexpected"};
    });
    ws_test::Server server([&](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        conn.send(stream.message(0, 1000)); // create + buy
        conn.hold();
    });
    Collected got;
    Sink sink(got);
    auto cfg = config(server.url(), node.url(), 5'000'000'000);
    cfg.holders_every_ns = 300'000'000;
    solfeed::SolanaWsSource source(cfg);
    source.start(sink);
    REQUIRE(wait_for([&] {
        std::lock_guard<std::mutex> lk(got.mu);
        return !got.events.empty();
    }));
    snp_ev_new_pool np{};
    {
        std::lock_guard<std::mutex> lk(got.mu);
        REQUIRE(got.events[0].h.type == SNP_EVENT_NEW_POOL);
        np = got.events[0].new_pool;
    }
    CHECK(np.top10_holder_bps == 1000);
    phase = 1;
    source.watch_pools({np.pool}); // held from now on
    const auto safety_events = [&] { return pool_safety_events(got); };
    REQUIRE(wait_for([&] { return !safety_events().empty(); }));
    REQUIRE(wait_for([&] { return remeasures.load() >= 3; })); // measured again twice more: the same share
    source.stop();
    server.stop();
    const auto s = safety_events();
    REQUIRE(s.size() == 1);
    CHECK(s[0].h.type == SNP_EVENT_POOL_SAFETY);
    CHECK(s[0].h.size == sizeof(snp_ev_pool_safety));
    CHECK(s[0].pool == np.pool);
    CHECK(s[0].base_mint == np.base_mint);
    CHECK(s[0].dex == np.dex);
    CHECK(s[0].top10_holder_bps == 3000);
    CHECK(s[0].flags == np.flags);
    CHECK(s[0].lp_burned_bps == np.lp_burned_bps);
}
