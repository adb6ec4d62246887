// What the [feeds.ws] source reads about the pools the host holds
// (solfeed/ws_held.cpp), against a scripted JSON-RPC node and a loopback
// WebSocket server. A held pump.fun coin whose curve completed while the
// host was down (or whose migration the feed missed): the source reads the
// held curve as it starts following it (a subscription says nothing until
// the account changes), sees it complete, looks for the coin's canonical
// PumpSwap pool (chain::pump_swap_canonical_pool) until it exists, and
// sends it as a NEW_POOL with its vaults' reserves and its safety facts,
// which moves the position (Engine::follow_migration, tested in
// tests/engine/curve_complete_test.cpp and protection_test.cpp). And after
// an outage the held pools' accounts are read again.
#include "solfeed/ws_source.hpp"

#include "chain/accounts.hpp"
#include "chain/chain_test_util.hpp"
#include "chain/emit.hpp"
#include "rpc/rpc_test_util.hpp"
#include "scripted_node.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

using namespace sniper;
using namespace scripted_node;
using rpc::test::FakeReply;
using rpc::test::FakeRequest;
using rpc::test::FakeServer;

namespace {

constexpr const char* kTokenProgram = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
constexpr const char* kPumpFun = "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";
constexpr const char* kPumpSwap = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";

// A migrated coin: the mint and pool of a real 2025-10 PumpSwap buy
// (tests/chain/payloads_test.cpp), its bonding curve as @solana/web3.js
// derives it (PDA("bonding-curve", mint) under pump.fun); vaults and LP
// mint made up (the pool account names them).
struct Migrated {
    const Pubkey mint = chain_test::key("8k1DvnFBsbuWJw2t4JqTibR7cAgqadMveqiykMr1pump");
    const Pubkey curve = chain_test::key("FN5Z5JVAB2cCRm11kxMK6BV9idRCEaTV7sh9y2vxTGwU");
    const Pubkey pool = chain_test::key("9S3zAF8zVffQvD6EfqaVAdRbnYjVW51kVQDH2vHjk4vq");
    const Pubkey token_vault = chain_test::key("8iWkrWUntx3iRxyk59p5mcNnvF6qwER21xXHDsFTgHJn");
    const Pubkey sol_vault = chain_test::key("C991coUvgVFfHhhkaJUhPEdz6CYGk1yJrmHNPQdRp3Hh");
    const Pubkey lp_mint = chain_test::key("6dpnPD6UWDw5hbJEuPQwnCCMba1JYwHANKuL6GQ6otAH");
    const Pubkey coin_creator = chain_test::key("9XDYTfQKwW8sHPqnFdUreMmtmffmkHVPGTNV2e3LKxNW");
    const uint64_t supply = 1'000'000'000'000'000;
    const uint64_t token_reserve = 206'900'000'000'000, sol_reserve = 84'990'359'561;

    // BondingCurve (49 bytes, 2024 layout).
    std::vector<uint8_t> curve_account(uint64_t token_reserve, uint64_t sol_reserve, bool complete) const {
        chain_test::Bytes b;
        b.raw(chain::kBondingCurveDisc, 8).u64(token_reserve).u64(sol_reserve).u64(0).u64(0).u64(supply);
        b.u8(complete ? 1 : 0);
        return b.b;
    }
    std::vector<uint8_t> completed_curve() const { return curve_account(279'900'000'000'000, 115'005'359'056, true); }
    // The PumpSwap Pool account migrate makes: base = the coin, quote = WSOL.
    std::vector<uint8_t> pool_account() const {
        chain_test::Bytes p;
        p.raw(chain::kPumpSwapPoolDisc, 8).u8(254).u16(0).key(coin_creator).key(mint).key(chain::wsol_mint());
        p.key(lp_mint).key(token_vault).key(sol_vault).u64(4'000'000).key(coin_creator);
        return p.b;
    }
};

bool has(const FakeRequest& req, const Pubkey& k) { return req.body.find(to_base58(k)) != std::string::npos; }

std::vector<EventBuf> events_of(Collected& got, uint16_t type) {
    std::vector<EventBuf> out;
    std::lock_guard<std::mutex> lk(got.mu);
    for (const EventBuf& ev : got.events) {
        if (ev.h.type == type) {
            out.push_back(ev);
        }
    }
    return out;
}

solfeed::WsSourceConfig fast_config(const std::string& ws, const std::string& rpc) {
    solfeed::WsSourceConfig c = config(ws, rpc, 5'000'000'000);
    c.migration_grace_ns = 50'000'000;
    c.migration_retry_ns = 100'000'000;
    return c;
}

} // namespace

TEST_CASE("ws source: a held curve that completed while the host was down is seen complete and its coin's "
          "migration pool goes out as a new pool once it exists",
          "[solfeed][migration]") {
    testing::QuietLogs quiet;
    const Migrated m;
    std::atomic<int> curve_reads{0}, lookups{0}, vault_reads{0};
    FakeServer node([&](const FakeRequest& req) {
        if (req.method == "getMultipleAccounts" && has(req, m.curve)) {
            ++curve_reads;
            return rpc::test::ok_reply(req, R"({"context":{"slot":100},"value":[)" +
                                                account_value(m.completed_curve(), kPumpFun) + "]}");
        }
        if (req.method == "getMultipleAccounts" && has(req, m.pool) && has(req, m.mint)) {
            // Not migrated at the first look; then the pool exists.
            const bool exists = ++lookups > 1;
            return rpc::test::ok_reply(req, R"({"context":{"slot":101},"value":[)" +
                                                (exists ? account_value(m.pool_account(), kPumpSwap) : "null") + "," +
                                                account_value(mint_bytes(m.supply, 6), kTokenProgram) + "]}");
        }
        if (req.method == "getMultipleAccounts" && has(req, m.token_vault) && has(req, m.sol_vault)) {
            ++vault_reads;
            return rpc::test::ok_reply(
                req, R"({"context":{"slot":102},"value":[)" +
                         account_value(token_account_bytes(m.mint, m.pool, m.token_reserve), kTokenProgram) + "," +
                         account_value(token_account_bytes(chain::wsol_mint(), m.pool, m.sol_reserve), kTokenProgram) +
                         "]}");
        }
        // The safety step of the new pool: the mint, the holders, the LP.
        if (req.method == "getAccountInfo" && has(req, m.mint)) {
            return rpc::test::ok_reply(req, account_json(mint_bytes(m.supply, 6), kTokenProgram));
        }
        if (req.method == "getTokenLargestAccounts") {
            return rpc::test::ok_reply(req, R"({"context":{"slot":5},"value":[{"address":")" +
                                                to_base58(m.coin_creator) +
                                                R"(","amount":"20000000000000","decimals":6,"uiAmount":2e7,)"
                                                R"("uiAmountString":"20000000"}]})");
        }
        if (req.method == "getAccountInfo" && has(req, m.pool)) {
            return rpc::test::ok_reply(req, account_json(m.pool_account(), kPumpSwap));
        }
        if (req.method == "getAccountInfo" && has(req, m.lp_mint)) {
            return rpc::test::ok_reply(req, account_json(mint_bytes(0, 6), kTokenProgram)); // LP all burned
        }
        return FakeReply{500, "unexpected"};
    });
    // The pool's creation reaches the logs late: once the pool is followed.
    std::atomic<bool> create_sent{false};
    ws_test::Server server = quiet_node([&](const std::string& req) {
        if (req.find(to_base58(m.token_vault)) == std::string::npos || create_sent.exchange(true)) {
            return std::string();
        }
        return pump_swap_create(m.pool, m.mint, m.lp_mint, m.coin_creator);
    });
    solfeed::SolanaWsSource source(fast_config(server.url(), node.url()));
    source.watch_mints({m.mint}); // a position from before the restart, on the curve
    source.watch_pools({m.curve});
    Collected got;
    Sink sink(got);
    source.start(sink);
    REQUIRE(wait_for([&] { return !events_of(got, SNP_EVENT_NEW_POOL).empty(); }));

    const std::vector<EventBuf> complete = events_of(got, SNP_EVENT_CURVE_COMPLETE);
    REQUIRE(complete.size() == 1);
    CHECK(complete[0].curve_complete.pool == m.curve);
    CHECK(complete[0].curve_complete.base_mint == m.mint);
    CHECK(lookups.load() == 2); // the first found no pool yet
    CHECK(vault_reads.load() == 1);
    const std::vector<EventBuf> np = events_of(got, SNP_EVENT_NEW_POOL);
    REQUIRE(np.size() == 1);
    const snp_ev_new_pool& p = np[0].new_pool;
    CHECK(p.pool == m.pool);
    CHECK(p.base_mint == m.mint);
    CHECK(p.quote_mint == chain::wsol_mint());
    CHECK(p.creator == m.coin_creator);
    CHECK(p.dex == SNP_DEX_PUMP_SWAP);
    CHECK(p.base_reserve_atoms == m.token_reserve);
    CHECK(p.quote_reserve_lamports == m.sol_reserve);
    CHECK(p.base_decimals == 6);
    CHECK(p.fee_bps == 25);
    // The safety step ran as for a create_pool seen in logs: the supply,
    // no authorities, SPL Token, 2 % held by the largest holder, LP burned.
    CHECK(p.token_supply_atoms == m.supply);
    CHECK(p.flags == 0);
    CHECK(p.top10_holder_bps == 200);
    CHECK(p.lp_burned_bps == 10000);
    {
        // CURVE_COMPLETE came first: the engine knows the curve complete
        // when the new pool arrives, so the position moves.
        std::lock_guard<std::mutex> lk(got.mu);
        const auto first = [&](uint16_t t) {
            return std::find_if(got.events.begin(), got.events.end(), [&](const EventBuf& e) { return e.h.type == t; });
        };
        CHECK(first(SNP_EVENT_CURVE_COMPLETE) < first(SNP_EVENT_NEW_POOL));
    }

    // The engine moved the position: the pool is held now, the curve not.
    // Its creation then shows in the logs: no second NEW_POOL.
    source.watch_pools({m.pool});
    REQUIRE(wait_for([&] { return vault_reads.load() >= 2 && create_sent.load(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(400)); // several retry periods: no look again
    source.stop();
    server.stop();
    CHECK(lookups.load() == 2);
    CHECK(curve_reads.load() == 1);
    CHECK(events_of(got, SNP_EVENT_NEW_POOL).size() == 1);
    CHECK(events_of(got, SNP_EVENT_POOL_UPDATE).size() == 1); // priced from its vaults at once
    const SourceStatus st = *source.status();
    CHECK(st.duplicates == 1); // the create_pool seen late
    CHECK(st.migrations_found == 1);
    CHECK(st.migrations_waiting == 0);
}

TEST_CASE("ws source: an account at a held coin's migration address that is no PumpSwap pool is not believed "
          "nor asked for again",
          "[solfeed][migration]") {
    testing::QuietLogs quiet;
    const Migrated m;
    std::atomic<int> lookups{0};
    FakeServer node([&](const FakeRequest& req) {
        if (req.method == "getMultipleAccounts" && has(req, m.curve)) {
            return rpc::test::ok_reply(req, R"({"context":{"slot":100},"value":[)" +
                                                account_value(m.completed_curve(), kPumpFun) + "]}");
        }
        if (req.method == "getMultipleAccounts" && has(req, m.pool) && has(req, m.mint)) {
            ++lookups;
            // A node that lies: the pool's bytes, owned by another program.
            return rpc::test::ok_reply(req, R"({"context":{"slot":101},"value":[)" +
                                                account_value(m.pool_account(), kTokenProgram) + "," +
                                                account_value(mint_bytes(m.supply, 6), kTokenProgram) + "]}");
        }
        return FakeReply{500, "unexpected"};
    });
    ws_test::Server server = quiet_node();
    solfeed::SolanaWsSource source(fast_config(server.url(), node.url()));
    source.watch_mints({m.mint});
    source.watch_pools({m.curve});
    Collected got;
    Sink sink(got);
    source.start(sink);
    REQUIRE(wait_for([&] { return lookups.load() >= 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(400)); // several retry periods
    source.stop();
    server.stop();
    CHECK(lookups.load() == 1);
    CHECK(events_of(got, SNP_EVENT_CURVE_COMPLETE).size() == 1);
    CHECK(events_of(got, SNP_EVENT_NEW_POOL).empty());
}

TEST_CASE("ws source: after an outage the held pools' accounts are read again so their prices are fresh at once",
          "[solfeed][held]") {
    testing::QuietLogs quiet;
    const Migrated m;
    std::atomic<int> curve_reads{0};
    FakeServer node([&](const FakeRequest& req) {
        if (req.method == "getMultipleAccounts" && has(req, m.curve)) {
            // Before the outage, then after it: the coin traded meanwhile.
            const int n = ++curve_reads;
            const uint64_t sol = n == 1 ? 40'000'000'000 : 50'000'000'000;
            return rpc::test::ok_reply(req, R"({"context":{"slot":)" + std::to_string(n * 100) + R"(},"value":[)" +
                                                account_value(m.curve_account(700'000'000'000'000, sol, false),
                                                              kPumpFun) +
                                                "]}");
        }
        return FakeReply{500, "unexpected"};
    });
    Collected got;
    // The first connection is pulled once the curve is followed and read.
    ws_test::Server server([&](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        std::string req;
        uint64_t sub = 100;
        while (conn.read(req)) {
            if (req.find("\"accountSubscribe\"") == std::string::npos) {
                continue;
            }
            conn.send(R"({"jsonrpc":"2.0","result":)" + std::to_string(++sub) + R"(,"id":)" + id_of(req) + "}");
            if (conn.index() == 0) {
                wait_for([&] { return !events_of(got, SNP_EVENT_POOL_UPDATE).empty(); });
                conn.drop();
                return;
            }
        }
    });
    solfeed::WsSourceConfig cfg = fast_config(server.url(), node.url());
    cfg.ws.reconnect_min_ns = 20'000'000;
    cfg.ws.reconnect_max_ns = 100'000'000;
    solfeed::SolanaWsSource source(cfg);
    source.watch_mints({m.mint});
    source.watch_pools({m.curve});
    Sink sink(got);
    source.start(sink);
    REQUIRE(wait_for([&] { return events_of(got, SNP_EVENT_POOL_UPDATE).size() >= 2; }));
    source.stop();
    server.stop();
    CHECK(curve_reads.load() == 2);
    const std::vector<EventBuf> u = events_of(got, SNP_EVENT_POOL_UPDATE);
    REQUIRE(u.size() == 2);
    CHECK(u[0].pool_update.quote_reserve_lamports == 40'000'000'000);
    CHECK(u[1].pool_update.quote_reserve_lamports == 50'000'000'000);
    CHECK(u[1].h.slot == 200);
    CHECK(source.status()->outages == 1);
}

TEST_CASE("ws source: a held AMM pool from before a restart has its safety facts read again and its holders "
          "measured",
          "[solfeed][held]") {
    testing::QuietLogs quiet;
    const Migrated m; // its PumpSwap pool, held from before the restart
    const Pubkey authority = chain_test::key("7vEpDRUy5PSiBJNdBiiuMxN7KbM7HA3fxhFvgrjRrEnV");
    std::atomic<int> pool_reads{0}, fact_reads{0}, holder_reads{0};
    FakeServer node([&](const FakeRequest& req) {
        const auto mint_value = [&] {
            return account_value(mint_bytes_with_authority(m.supply, 6, authority), kTokenProgram);
        };
        if (req.method == "getMultipleAccounts" && has(req, m.mint) && has(req, m.pool) && has(req, m.lp_mint)) {
            // The held-pool read named the LP mint: one read, one slot.
            // 1 M of the program's 4 M LP outstanding: 75 % burned.
            ++fact_reads;
            return rpc::test::ok_reply(req, R"({"context":{"slot":90},"value":[)" + mint_value() + "," +
                                                account_value(m.pool_account(), kPumpSwap) + "," +
                                                account_value(mint_bytes(1'000'000, 6), kTokenProgram) + "]}");
        }
        if (req.method == "getMultipleAccounts" && has(req, m.pool)) { // the held pool, learned
            ++pool_reads;
            return rpc::test::ok_reply(req, R"({"context":{"slot":89},"value":[)" +
                                                account_value(m.pool_account(), kPumpSwap) + "]}");
        }
        if (req.method == "getMultipleAccounts" && has(req, m.token_vault)) {
            return rpc::test::ok_reply(
                req, R"({"context":{"slot":92},"value":[)" +
                         account_value(token_account_bytes(m.mint, m.pool, m.token_reserve), kTokenProgram) + "," +
                         account_value(token_account_bytes(chain::wsol_mint(), m.pool, m.sol_reserve), kTokenProgram) +
                         "]}");
        }
        if (req.method == "getAccountInfo" && has(req, m.mint)) { // the holders' measure: the supply
            return rpc::test::ok_reply(req, account_json(mint_bytes_with_authority(m.supply, 6, authority),
                                                         kTokenProgram));
        }
        if (req.method == "getTokenLargestAccounts") {
            ++holder_reads; // the pool's own vault is no holder: 3 % left
            return rpc::test::ok_reply(
                req, R"({"context":{"slot":5},"value":[{"address":")" + to_base58(m.token_vault) +
                         R"(","amount":"206900000000000","decimals":6,"uiAmount":2.069e8,"uiAmountString":"206900000"},)"
                         R"({"address":")" +
                         to_base58(m.coin_creator) +
                         R"(","amount":"30000000000000","decimals":6,"uiAmount":3e7,"uiAmountString":"30000000"}]})");
        }
        return FakeReply{500, "unexpected"};
    });
    ws_test::Server server = quiet_node();
    solfeed::SolanaWsSource source(fast_config(server.url(), node.url()));
    source.watch_mints({m.mint});
    source.watch_pools({m.pool});
    Collected got;
    Sink sink(got);
    source.start(sink);
    REQUIRE(wait_for([&] { return events_of(got, SNP_EVENT_POOL_SAFETY).size() >= 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // a few ticks more: nothing asked again
    source.stop();
    server.stop();
    // The pool account is read twice: to learn the pool, then with its
    // mint and LP mint at one slot.
    CHECK(pool_reads.load() == 1);
    CHECK(fact_reads.load() == 1);
    CHECK(holder_reads.load() == 1);
    const std::vector<EventBuf> s = events_of(got, SNP_EVENT_POOL_SAFETY);
    REQUIRE(s.size() == 2);
    // First what the mint and the LP say; the holders unknown until measured.
    CHECK(s[0].pool_safety.pool == m.pool);
    CHECK(s[0].pool_safety.base_mint == m.mint);
    CHECK(s[0].pool_safety.dex == SNP_DEX_PUMP_SWAP);
    CHECK(s[0].pool_safety.flags == (SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_HOLDERS_UNKNOWN));
    CHECK(s[0].pool_safety.lp_burned_bps == 7500);
    CHECK(s[0].pool_safety.top10_holder_bps == 10000);
    // Then the holders.
    CHECK(s[1].pool_safety.flags == SNP_POOL_MINT_AUTHORITY_PRESENT);
    CHECK(s[1].pool_safety.lp_burned_bps == 7500);
    CHECK(s[1].pool_safety.top10_holder_bps == 300);
}
