// tests/live/live_executor_test.cpp — the live executor against the local
// validator (tools/localnet: litesvm behind JSON-RPC, Jupiter- and
// Jito-compatible endpoints) with the real sniper-signer and the real
// SQLite journal. Tagged [localnet] (CTest label `node`).
//
// - buys through jupiter and jito and a sell: the wallet's SOL and token
//   balances on chain equal what the reports say, to the lamport and atom;
// - 1,000 intents under every fault the validator injects (dropped sends,
//   429s, answers lost after landing, late landing, a lagging endpoint,
//   stale blockhashes): each intent ends FILLED, FAILED or EXPIRED, no
//   intent has two landed transactions (counted on the validator), the
//   signer never refused a re-sign as early, and the chain agrees with the
//   reports;
// - a restart with attempts in flight: reconcile settles each from the
//   chain (landed → FILLED with its amounts; never sent → EXPIRED);
// - the parts without a network: quote and swap payloads, route checks.
#include "live/jupiter.hpp"
#include "live/live_test_util.hpp"
#include "live/outcome.hpp"
#include "live/tx_check.hpp"

#include "solana/base64.hpp"
#include "solana/compute_budget.hpp"
#include "solana/message_compile.hpp"
#include "solana/signing.hpp"
#include "solana/system_program.hpp"
#include "test_support.hpp"

#include <sqlite3.h>
#include <thread>

#include <cstdlib>
#include <set>

using namespace sniper;
using namespace sniper::live;
using namespace sniper::live::test;

namespace {

int64_t count_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

// SOL the reports say left (negative) or reached the wallet.
int64_t sol_delta(const ExecReport& r, uint32_t side) {
    const int64_t cost = static_cast<int64_t>(r.fee_lamports + r.tip_lamports);
    if (r.status != SNP_ORDER_FILLED) {
        return -cost;
    }
    return side == SNP_SIDE_BUY ? -static_cast<int64_t>(r.in_amount) - cost : static_cast<int64_t>(r.out_amount) - cost;
}

} // namespace

TEST_CASE("live: jupiter and jito buys and a sell move the wallet exactly as reported", "[localnet][live]") {
    testing::QuietLogs quiet;
    rpc::test::Localnet ln;
    LiveRig rig({ln.url}, ln.url, 5'000'000'000);
    Chain chain(ln.url);
    const auto pools = seeded_pools(ln.url);
    REQUIRE(!pools.empty());
    const solana::Pubkey mint = pools[0].mint;

    const auto bal0 = rig.ex->wallet_lamports();
    REQUIRE(bal0);
    CHECK(*bal0 == chain.lamports(rig.wallet));

    rig.ex->submit(rig.order(1, SNP_SIDE_BUY, mint, 100'000'000, SNP_ROUTE_JUPITER), 0);
    REQUIRE(rig.reports.wait_final(1, 60s));
    const ExecReport b1 = rig.reports.get(1);
    INFO(b1.reason);
    REQUIRE(b1.status == SNP_ORDER_FILLED);
    CHECK(b1.out_amount > 0);
    CHECK(b1.in_amount >= 100'000'000); // the input, plus the rent of the token account it created
    CHECK(b1.fee_lamports >= 5000);
    CHECK(rig.reports.sent[1] >= 1);

    rig.ex->submit(rig.order(2, SNP_SIDE_BUY, mint, 50'000'000, SNP_ROUTE_JITO), 0);
    REQUIRE(rig.reports.wait_final(2, 60s));
    const ExecReport b2 = rig.reports.get(2);
    INFO(b2.reason);
    REQUIRE(b2.status == SNP_ORDER_FILLED);
    CHECK(b2.in_amount == 50'000'000); // the token account exists now: no rent
    CHECK(b2.tip_lamports == 20'000);

    const uint64_t held = b1.out_amount + b2.out_amount;
    CHECK(chain.atoms(rig.wallet, mint) == held);
    rig.ex->submit(rig.order(3, SNP_SIDE_SELL, mint, held, SNP_ROUTE_JUPITER), 0);
    REQUIRE(rig.reports.wait_final(3, 60s));
    const ExecReport s3 = rig.reports.get(3);
    INFO(s3.reason);
    REQUIRE(s3.status == SNP_ORDER_FILLED);
    CHECK(s3.in_amount == held);
    CHECK(s3.out_amount > 0);

    CHECK(chain.atoms(rig.wallet, mint) == 0);
    const int64_t expect = static_cast<int64_t>(*bal0) + sol_delta(b1, SNP_SIDE_BUY) + sol_delta(b2, SNP_SIDE_BUY) +
                           sol_delta(s3, SNP_SIDE_SELL);
    CHECK(static_cast<int64_t>(chain.lamports(rig.wallet)) == expect);

    // Every attempt was journaled, and the one that landed is the report's.
    for (uint64_t id : {1, 2, 3}) {
        const auto atts = rig.store->send_attempts(id);
        REQUIRE(!atts.empty());
        solana::Signature sig;
        sig.bytes = rig.reports.get(id).signature;
        CHECK(atts.back().signature == solana::to_base58(sig));
        CHECK(atts.back().last_valid_block_height > 0);
        CHECK(!atts.back().tx.empty());
        CHECK(atts.back().tip_tx.empty() == (id != 2));
    }
    const auto stats = rig.ex->route_stats();
    uint64_t landed = 0;
    for (const RouteStats& r : stats) {
        landed += r.landed;
        CHECK(r.confirm_ms_max >= r.confirm_ms_p50);
    }
    CHECK(landed == 3);
    CHECK(!rig.ex->host_send_ns().empty());
}

TEST_CASE("live: refusals name what is wrong and send nothing", "[localnet][live]") {
    testing::QuietLogs quiet;
    rpc::test::Localnet ln;
    LiveRig rig({ln.url}, ln.url, 2'000'000'000);
    const auto pools = seeded_pools(ln.url);
    const solana::Pubkey mint = pools[0].mint;

    // A mint the route has no pool for.
    solana::Pubkey unknown;
    unknown.bytes.fill(7);
    rig.ex->submit(rig.order(1, SNP_SIDE_BUY, unknown, 10'000'000, SNP_ROUTE_JUPITER), 0);
    // Above the signer's per-transaction cap (2 SOL).
    rig.ex->submit(rig.order(2, SNP_SIDE_BUY, mint, 3'000'000'000, SNP_ROUTE_JUPITER), 0);
    // A route live mode does not serve.
    rig.ex->submit(rig.order(3, SNP_SIDE_BUY, mint, 10'000'000, SNP_ROUTE_DIRECT), 0);
    // A host slippage bound the route cannot meet.
    Order o4 = rig.order(4, SNP_SIDE_BUY, mint, 10'000'000, SNP_ROUTE_JUPITER);
    o4.min_out = UINT64_MAX / 2;
    rig.ex->submit(o4, 0);
    REQUIRE(rig.reports.wait_final(4, 60s));
    CHECK(rig.reports.get(1).code == kLiveRouteRefused);
    CHECK_THAT(rig.reports.get(1).reason, Catch::Contains("jupiter quote"));
    CHECK(rig.reports.get(2).status == SNP_ORDER_FAILED);
    CHECK_THAT(rig.reports.get(2).reason, Catch::Contains("lamports"));
    CHECK(rig.reports.get(3).code == kLiveRouteUnsupported);
    CHECK(rig.reports.get(4).code == kExecSlippage);
    CHECK(landed_for(ln.url, rig.wallet).empty());
    for (uint64_t id = 1; id <= 4; ++id) {
        CHECK(rig.store->send_attempts(id).empty());
    }
}

TEST_CASE("live: 1000 intents under every fault: at most one landing each, all settled, chain = reports",
          "[localnet][live][faults]") {
    testing::QuietLogs quiet;
    rpc::test::Localnet ln({"--lag-port", "0"});
    REQUIRE(ln.faults(R"({"seed": 11, "drop_send_share": 0.3, "http_429_share": 0.05,
        "timeout_after_land_share": 0.05, "timeout_after_land_ms": 300,
        "land_late_share": 0.1, "land_late_slots": 3, "lag_slots": 20,
        "stale_blockhash_share": 0.1, "stale_blockhash_age": 140, "ws_close_share": 0.1})")
                .status == 200);
    LiveRig rig({ln.url, ln.lag_url}, ln.url, 20'000'000'000);
    Chain chain(ln.url);
    const auto pools = seeded_pools(ln.url);
    REQUIRE(pools.size() >= 2);
    const auto bal0 = rig.ex->wallet_lamports();
    REQUIRE(bal0);

    size_t n = 1000;
    if (const char* e = std::getenv("SNIPER_LIVE_FAULT_INTENTS")) {
        n = std::strtoull(e, nullptr, 10);
    }
    std::map<uint64_t, Order> orders;
    for (uint64_t id = 1; id <= n; ++id) {
        const solana::Pubkey& mint = pools[id % pools.size()].mint;
        Order o = rig.order(id, SNP_SIDE_BUY, mint, 1'000'000 + id, id % 4 == 0 ? SNP_ROUTE_JITO : SNP_ROUTE_JUPITER);
        orders[id] = o;
        rig.ex->submit(o, 0);
    }
    const bool all = rig.reports.wait_final(n, 600s);
    INFO("settled " << rig.reports.final.size() << " of " << n);
    REQUIRE(all);

    // Landed transactions per intent, counted on the validator.
    std::map<std::string, uint64_t> intent_of; // swap signature -> intent
    std::set<std::string> tips;
    size_t resigned = 0;
    for (uint64_t id = 1; id <= n; ++id) {
        const auto atts = rig.store->send_attempts(id);
        resigned += atts.size() > 1 ? 1 : 0;
        for (const SendAttemptRecord& a : atts) {
            intent_of[a.signature] = id;
            if (!a.tip_tx.empty()) {
                solana::Transaction t;
                REQUIRE(!solana::parse_transaction(a.tip_tx, t));
                tips.insert(solana::to_base58(t.signatures[0]));
            }
        }
    }
    std::map<uint64_t, int> landings;
    std::map<uint64_t, bool> landed_failed;
    uint64_t tip_landings = 0;
    for (const Landed& l : landed_for(ln.url, rig.wallet)) {
        if (tips.count(l.signature) != 0) {
            ++tip_landings;
            continue;
        }
        auto it = intent_of.find(l.signature);
        if (it == intent_of.end()) {
            continue; // the airdrop
        }
        ++landings[it->second];
        landed_failed[it->second] = l.failed;
    }
    size_t filled = 0, failed = 0, expired = 0;
    int64_t expect_sol = static_cast<int64_t>(*bal0);
    std::map<std::string, uint64_t> atoms_by_mint;
    for (uint64_t id = 1; id <= n; ++id) {
        const ExecReport r = rig.reports.get(id);
        INFO("intent " << id << ": " << order_status_name(r.status) << " " << r.reason);
        REQUIRE(r.final());
        CHECK(landings[id] <= 1);
        if (r.status == SNP_ORDER_FILLED) {
            ++filled;
            CHECK(landings[id] == 1);
            CHECK_FALSE(landed_failed[id]);
            atoms_by_mint[solana::to_base58(to_solana(orders[id].mint))] += r.out_amount;
        } else if (r.status == SNP_ORDER_EXPIRED) {
            ++expired;
            CHECK(landings[id] == 0);
        } else {
            ++failed;
            CHECK(landings[id] == (r.code == kLiveOnChainError ? 1 : 0));
        }
        expect_sol += sol_delta(r, SNP_SIDE_BUY);
    }
    CHECK(tip_landings == [&] {
        size_t k = 0;
        for (uint64_t id = 1; id <= n; ++id) {
            k += orders[id].route == SNP_ROUTE_JITO && landings[id] == 1 ? 1 : 0;
        }
        return k;
    }());
    // The signer never saw a re-sign while an earlier attempt could land.
    CHECK(count_sql(rig.cfg.signer.journal_path, "SELECT COUNT(*) FROM signer_decisions WHERE reason_code = 3009") == 0);
    CHECK(static_cast<int64_t>(chain.lamports(rig.wallet)) == expect_sol);
    for (const SeededPool& p : pools) {
        CHECK(chain.atoms(rig.wallet, p.mint) == atoms_by_mint[solana::to_base58(p.mint)]);
    }
    CHECK(filled > n / 2);
    CHECK(rig.reports.duplicates == 0);
    WARN("faults: " << filled << " filled, " << failed << " failed, " << expired << " expired, " << resigned
                    << " intents re-signed");
}

TEST_CASE("live: a restart settles attempts in flight from the chain", "[localnet][live][restart]") {
    testing::QuietLogs quiet;
    rpc::test::Localnet ln;
    LiveRig rig({ln.url}, ln.url, 2'000'000'000);
    Chain chain(ln.url);
    const solana::Pubkey mint = seeded_pools(ln.url)[0].mint;
    const uint64_t bal0 = chain.lamports(rig.wallet);

    // A buy that lands; the process "dies" (the executor is dropped with
    // its report unread) and a new one looks it up.
    rig.ex->submit(rig.order(7, SNP_SIDE_BUY, mint, 30'000'000, SNP_ROUTE_JUPITER), 0);
    REQUIRE(rig.reports.wait_final(1, 60s));
    const ExecReport first = rig.reports.get(7);
    REQUIRE(first.status == SNP_ORDER_FILLED);
    rig.ex.reset();
    rig.reports.final.clear();
    rig.start();
    const auto settled = rig.ex->reconcile({UnsettledOrder{7, "t", SNP_SIDE_BUY, from_solana(mint)},
                                            UnsettledOrder{8, "t", SNP_SIDE_BUY, from_solana(mint)}});
    REQUIRE(settled.size() == 2);
    for (const ExecReport& r : settled) {
        if (r.intent_id == 7) {
            CHECK(r.status == SNP_ORDER_FILLED);
            CHECK(r.in_amount == first.in_amount);
            CHECK(r.out_amount == first.out_amount);
            CHECK(r.fee_lamports == first.fee_lamports);
        } else {
            CHECK(r.status == SNP_ORDER_EXPIRED); // never sent: nothing was journaled
            CHECK(r.code == kExecStoppedInFlight);
        }
    }
    CHECK(static_cast<int64_t>(chain.lamports(rig.wallet)) == static_cast<int64_t>(bal0) + sol_delta(first, SNP_SIDE_BUY));
    CHECK(landed_for(ln.url, rig.wallet).size() == 1); // the one buy (the airdrop is paid by the faucet)
}

TEST_CASE("live: a restart rebroadcasts a journaled attempt that can still land and expires one only once "
          "its blockhash is dead",
          "[localnet][live][restart]") {
    testing::QuietLogs quiet;
    rpc::test::Localnet ln({}, 50); // 150 blocks = 7.5 s
    LiveRig rig({ln.url}, ln.url, 2'000'000'000);
    const solana::Pubkey mint = seeded_pools(ln.url)[0].mint;
    // Every send is lost: the attempts are journaled, none lands. The route
    // names a lastValidBlockHeight 100 blocks below the true one.
    REQUIRE(ln.faults(R"({"drop_send_share": 1, "swap_lvbh_understate": 100})").status == 200);
    rig.ex->submit(rig.order(21, SNP_SIDE_BUY, mint, 10'000'000, SNP_ROUTE_JUPITER), 0);
    rig.ex->submit(rig.order(22, SNP_SIDE_BUY, mint, 11'000'000, SNP_ROUTE_JUPITER), 0);
    const auto journaled = [&](uint64_t id) {
        for (int i = 0; i < 400 && rig.store->send_attempts(id).empty(); ++i) {
            std::this_thread::sleep_for(10ms);
        }
        return rig.store->send_attempts(id);
    };
    REQUIRE(journaled(21).size() == 1);
    REQUIRE(journaled(22).size() == 1);
    rig.ex.reset(); // the process stops with both in flight
    CHECK(landed_for(ln.url, rig.wallet).empty());

    // 21: sends work again at restart: its journaled bytes land, once.
    REQUIRE(ln.faults(R"({"drop_send_share": 0})").status == 200);
    rig.start();
    auto settled = rig.ex->reconcile({UnsettledOrder{21, "t", SNP_SIDE_BUY, from_solana(mint)}});
    REQUIRE(settled.size() == 1);
    CHECK(settled[0].status == SNP_ORDER_FILLED);
    CHECK(settled[0].attempt == 1);
    const auto landed = landed_for(ln.url, rig.wallet);
    REQUIRE(landed.size() == 1);
    CHECK(landed[0].signature == rig.store->send_attempts(21)[0].signature);

    // 22: its sends stay lost. It is settled EXPIRED only when the chain
    // refuses its blockhash, not when the route's height passes: its
    // bytes, sent afterwards, cannot land.
    REQUIRE(ln.faults(R"({"drop_send_share": 1})").status == 200);
    settled = rig.ex->reconcile({UnsettledOrder{22, "t", SNP_SIDE_BUY, from_solana(mint)}});
    REQUIRE(settled.size() == 1);
    CHECK(settled[0].status == SNP_ORDER_EXPIRED);
    CHECK(settled[0].code == kLiveExpired);
    REQUIRE(ln.faults(R"({"drop_send_share": 0})").status == 200);
    const SendAttemptRecord a = rig.store->send_attempts(22).at(0);
    const rpc::test::Http late = rpc::test::http_post(
        ln.url, R"({"jsonrpc":"2.0","id":1,"method":"sendTransaction","params":[")" + solana::base64_encode(a.tx) +
                    R"(",{"encoding":"base64","maxRetries":0}]})");
    INFO(late.body);
    CHECK_THAT(late.body, Catch::Contains("Blockhash not found"));
    CHECK(landed_for(ln.url, rig.wallet).size() == 1);
}

// ---- without a network ------------------------------------------------------

TEST_CASE("jupiter quote answers are read exactly or refused with the reason", "[live]") {
    solana::Pubkey mint;
    mint.bytes.fill(3);
    QuoteRequest q{solana::kWrappedSolMint, mint, 1000, 50};
    const std::string m = solana::to_base58(mint);
    std::string err;
    const std::string good = R"({"inputMint":"So11111111111111111111111111111111111111112","outputMint":")" + m +
                             R"(","inAmount":"1000","outAmount":"18446744073709551615","otherAmountThreshold":"9007199254740993","swapMode":"ExactIn"})";
    auto r = parse_quote(good, q, err);
    INFO(err);
    REQUIRE(r);
    CHECK(r->out_amount == UINT64_MAX);
    CHECK(r->other_amount_threshold == 9007199254740993ull); // above 2^53: never through a double
    CHECK(quote_url("http://x", q).find("amount=1000&slippageBps=50") != std::string::npos);
    CHECK_FALSE(parse_quote(R"({"inputMint":"So11111111111111111111111111111111111111112","outputMint":")" + m +
                                R"(","inAmount":"999","outAmount":"5","otherAmountThreshold":"4"})",
                            q, err));
    CHECK_THAT(err, Catch::Contains("inAmount"));
    CHECK_FALSE(parse_quote(R"({"inputMint":"So11111111111111111111111111111111111111112","outputMint":")" + m +
                                R"(","inAmount":"1000","outAmount":5,"otherAmountThreshold":"4"})",
                            q, err));
    CHECK_THAT(err, Catch::Contains("outAmount"));
    CHECK_FALSE(parse_quote(R"({"inputMint":")" + m + R"(","outputMint":")" + m +
                                R"(","inAmount":"1000","outAmount":"5","otherAmountThreshold":"4"})",
                            q, err));
    CHECK_THAT(err, Catch::Contains("inputMint"));
    CHECK_FALSE(parse_quote("<html>", q, err));
    CHECK_FALSE(parse_swap(R"({"swapTransaction":"not base64!","lastValidBlockHeight":5})", err));
    CHECK_FALSE(parse_swap(R"({"swapTransaction":"AAAA","lastValidBlockHeight":"5"})", err));
    CHECK(error_text(R"({"error":"no route","errorCode":"X"})") == "no route");
}

TEST_CASE("route transactions are checked before the signer sees them", "[live]") {
    solana::SecretKey wk = solana::generate_keypair();
    const solana::Pubkey wallet = wk.public_key();
    signer::Policy policy(signer::PolicyConfig{wallet, {}, 1'000'000'000, 10'000'000'000, 2});
    solana::Pubkey other;
    other.bytes.fill(9);
    solana::Hash bh;
    bh.bytes.fill(1);
    // A v0 message paid by `payer` with one instruction, and its wire bytes
    // with `sigs` signature slots (empty unless given).
    const auto v0 = [&](const solana::Pubkey& payer, const solana::Instruction& ix) {
        auto m = solana::compile_message(payer, std::span<const solana::Instruction>(&ix, 1), bh,
                                         solana::MessageVersion::V0);
        REQUIRE(m);
        return *m;
    };
    const auto wire = [](const solana::Message& m, std::vector<solana::Signature> sigs) {
        solana::Transaction t;
        t.message = m;
        t.signatures = std::move(sigs);
        auto bytes = solana::serialize_transaction(t);
        REQUIRE(bytes);
        return *bytes;
    };
    const auto tx_of = [&](const solana::Pubkey& payer, uint64_t lamports) {
        return wire(v0(payer, solana::system_transfer(payer, other, lamports)), std::vector<solana::Signature>(1));
    };
    std::string err;
    auto ok = check_route_tx(tx_of(wallet, 1000), policy, 1'000'000, 10'000, err);
    INFO(err);
    REQUIRE(ok);
    CHECK(ok->outflow_bound == 1000 + 5000);
    CHECK_FALSE(check_route_tx(tx_of(wallet, 2'000'000), policy, 1'000'000, 10'000, err));
    CHECK_THAT(err, Catch::Contains("the intent allows at most 1000000"));
    CHECK_FALSE(check_route_tx(tx_of(other, 1000), policy, 1'000'000, 10'000, err));
    CHECK_THAT(err, Catch::Contains("fee payer"));
    std::vector<uint8_t> junk{1, 2, 3};
    CHECK_FALSE(check_route_tx(junk, policy, 1'000'000, 10'000, err));
    // A second signer that has not signed.
    const auto two = wire(v0(wallet, solana::system_transfer(other, wallet, 5)), std::vector<solana::Signature>(2));
    CHECK_FALSE(check_route_tx(two, policy, 1'000'000, 10'000, err));
    CHECK_THAT(err, Catch::Contains("has not signed"));
    CHECK_FALSE(check_route_shape(two, policy, 1'000'000, 10'000, err)); // an empty slot: refused before any verify
    // A co-signer's signature that is there but wrong: the shape passes, the
    // verification (run while the signer signs) refuses; signed by its key,
    // it verifies.
    std::array<uint8_t, 32> seed{};
    seed.fill(42);
    const solana::SigningKey other_key = solana::SigningKey::from_seed(seed);
    const solana::Message m2 = v0(wallet, solana::system_transfer(other_key.pubkey(), wallet, 5));
    std::vector<solana::Signature> sigs(2);
    sigs[1].bytes.fill(7);
    const auto forged = wire(m2, sigs);
    auto shaped = check_route_shape(forged, policy, 1'000'000, 10'000, err);
    INFO(err);
    REQUIRE(shaped);
    CHECK_FALSE(verify_cosigners(*shaped, err));
    CHECK_THAT(err, Catch::Contains("has an invalid signature"));
    CHECK_FALSE(check_route_tx(forged, policy, 1'000'000, 10'000, err));
    const auto msg2 = solana::serialize_message(m2);
    REQUIRE(msg2);
    sigs[1] = other_key.sign(*msg2);
    auto good = check_route_tx(wire(m2, sigs), policy, 1'000'000, 10'000, err);
    INFO(err);
    CHECK(good);
    // A durable nonce: it would never expire, so it is refused.
    solana::Pubkey nonce;
    nonce.bytes.fill(5);
    const solana::Instruction adv{solana::kSystemProgram,
                                  {solana::AccountMeta::writable(nonce),
                                   solana::AccountMeta::readonly(*solana::pubkey_from_base58(
                                       "SysvarRecentB1ockHashes11111111111111111111")),
                                   solana::AccountMeta::readonly(wallet, true)},
                                  {4, 0, 0, 0}};
    const solana::Instruction pay = solana::system_transfer(wallet, other, 1000);
    const std::vector<solana::Instruction> ixs{adv, pay};
    auto nm = solana::compile_message(wallet, ixs, bh, solana::MessageVersion::V0);
    REQUIRE(nm);
    CHECK_FALSE(check_route_tx(wire(*nm, std::vector<solana::Signature>(1)), policy, 1'000'000, 10'000, err));
    CHECK_THAT(err, Catch::Contains("durable nonce"));
    // The route sets the unit price: 200,000 units x 60,000 micro-lamports
    // = 12,000 lamports of priority fee, over the 10,000 the host asked for
    // (though the whole outflow is within the intent's bound).
    const std::vector<solana::Instruction> priced{solana::set_compute_unit_limit(200'000),
                                                  solana::set_compute_unit_price(60'000), pay};
    auto pm = solana::compile_message(wallet, priced, bh, solana::MessageVersion::V0);
    REQUIRE(pm);
    CHECK_FALSE(check_route_tx(wire(*pm, std::vector<solana::Signature>(1)), policy, 1'000'000, 10'000, err));
    CHECK_THAT(err, Catch::Contains("priority fee of 12000 lamports"));
    CHECK(check_route_tx(wire(*pm, std::vector<solana::Signature>(1)), policy, 1'000'000, 12'000, err));
}

TEST_CASE("the route's on-chain minimum is raised to the host's bound", "[live]") {
    solana::Pubkey mint;
    mint.bytes.fill(3);
    QuoteRequest q{solana::kWrappedSolMint, mint, 1000, 50};
    std::string err;
    auto r = parse_quote(R"({"inputMint":"So11111111111111111111111111111111111111112","outputMint":")" +
                             solana::to_base58(mint) +
                             R"(","inAmount":"1000","outAmount":"500","otherAmountThreshold":"400","swapMode":"ExactIn"})",
                         q, err);
    REQUIRE(r);
    raise_threshold(*r, 300); // already above: unchanged
    CHECK(r->other_amount_threshold == 400);
    raise_threshold(*r, 450);
    CHECK(r->other_amount_threshold == 450);
    CHECK_THAT(r->raw, Catch::Contains("\"otherAmountThreshold\":\"450\""));
    CHECK_THAT(swap_body(*r, mint, 7), Catch::Contains("\"otherAmountThreshold\":\"450\""));
}

TEST_CASE("outcomes come from the transaction's balance records", "[live]") {
    solana::Pubkey wallet, mint, other;
    wallet.bytes.fill(1);
    mint.bytes.fill(2);
    other.bytes.fill(3);
    rpc::TransactionInfo tx;
    tx.fee = 15'000;
    tx.account_keys = {wallet, other};
    tx.pre_balances = {1'000'000'000, 5};
    tx.post_balances = {1'000'000'000 - 100'000'000 - 2'039'280 - 15'000, 5};
    tx.post_token_balances.push_back({2, mint, wallet, 777, 6});
    const ExecReport buy = outcome_from_tx(1, SNP_SIDE_BUY, wallet, mint, tx, nullptr);
    CHECK(buy.status == SNP_ORDER_FILLED);
    CHECK(buy.in_amount == 100'000'000 + 2'039'280);
    CHECK(buy.out_amount == 777);
    CHECK(buy.fee_lamports == 15'000);
    tx.err_json = R"({"InstructionError":[3,{"Custom":6001}]})";
    const ExecReport bad = outcome_from_tx(1, SNP_SIDE_BUY, wallet, mint, tx, nullptr);
    CHECK(bad.status == SNP_ORDER_FAILED);
    CHECK(bad.code == kLiveOnChainError);
    CHECK(bad.fee_lamports == 15'000);
    CHECK_THAT(bad.reason, Catch::Contains("6001"));
}
