// tests/rpc/localnet_test.cpp — the client against the local validator
// (tools/localnet, litesvm behind a real JSON-RPC server, a real
// subprocess on loopback): blockhashes and heights, an airdrop and a
// System transfer built and signed with host/src/solana, confirmed and
// read back with exact balance changes, an SPL transfer's token deltas,
// failover from a dead endpoint, 429 and timeout faults, and a lagging
// endpoint. Tagged [localnet] (CTest label `node`); they FAIL when node
// or tools/localnet/node_modules is missing.
#include "rpc/blockhash_cache.hpp"
#include "rpc/rpc_test_util.hpp"
#include "rpc/solana_calls.hpp"

#include "core/log.hpp"
#include "solana/associated_token.hpp"
#include "solana/message_compile.hpp"
#include "solana/program_ids.hpp"
#include "solana/system_program.hpp"
#include "solana/token_program.hpp"
#include "solana/transaction.hpp"

#include "test_support.hpp"

#include <simdjson.h>

#include <fcntl.h>
#include <random>

using namespace sniper;
using namespace sniper::rpc;
using namespace sniper::rpc::test;

namespace {

using Quiet = testing::QuietLogs;

solana::SigningKey random_key() {
    std::random_device rd;
    std::array<uint8_t, 32> seed{};
    for (auto& b : seed) {
        b = static_cast<uint8_t>(rd());
    }
    return solana::SigningKey::from_seed(seed);
}

std::vector<uint8_t> sign(const solana::SigningKey& payer,
                          const std::vector<solana::Instruction>& ixs,
                          const solana::Hash& blockhash) {
    auto msg = solana::compile_message(payer.pubkey(), ixs, blockhash, solana::MessageVersion::V0);
    REQUIRE(msg);
    solana::TxBytes out;
    const solana::SigningKey* keys[] = {&payer};
    REQUIRE_FALSE(solana::sign_message(*msg, keys, out));
    return {out.buf.begin(), out.buf.begin() + static_cast<std::ptrdiff_t>(out.size)};
}

solana::Signature first_sig(const std::vector<uint8_t>& tx) {
    solana::Signature s;
    std::copy(tx.begin() + 1, tx.begin() + 65, s.bytes.begin());
    return s;
}

// Polls getSignatureStatuses until the transaction is confirmed (or finalized).
SignatureStatus wait_confirmed(RpcClient& c, const solana::Signature& sig,
                               int64_t timeout_ms = 10000) {
    const int64_t end = now_ms() + timeout_ms;
    for (;;) {
        auto st = sync<RpcResult<SignatureStatuses>>(
            [&](auto cb) { get_signature_statuses(c, {sig}, true, cb); });
        INFO(st.error.to_string());
        REQUIRE(st.ok());
        REQUIRE(st.value.statuses.size() == 1);
        const auto& s = st.value.statuses[0];
        if (s && s->confirmation_status != Commitment::Processed) {
            return *s;
        }
        REQUIRE(now_ms() < end);
        std::this_thread::sleep_for(30ms);
    }
}

LatestBlockhash blockhash(RpcClient& c) {
    auto b = sync<RpcResult<LatestBlockhash>>(
        [&](auto cb) { get_latest_blockhash(c, Commitment::Confirmed, cb); });
    INFO(b.error.to_string());
    REQUIRE(b.ok());
    return b.value;
}

uint64_t balance(RpcClient& c, const solana::Pubkey& k) {
    auto b =
        sync<RpcResult<Balance>>([&](auto cb) { get_balance(c, k, Commitment::Confirmed, cb); });
    INFO(b.error.to_string());
    REQUIRE(b.ok());
    return b.value.lamports;
}

solana::Pubkey funded(RpcClient& c, const solana::SigningKey& k, uint64_t lamports) {
    auto a = sync<RpcResult<solana::Signature>>(
        [&](auto cb) { request_airdrop(c, k.pubkey(), lamports, cb); });
    INFO(a.error.to_string());
    REQUIRE(a.ok());
    wait_confirmed(c, a.value);
    return k.pubkey();
}

} // namespace

TEST_CASE("localnet: blockhash, block height, slot and the blockhash cache", "[localnet][rpc]") {
    Localnet net;
    RpcClient c(one_endpoint(net.url, "local"));
    const LatestBlockhash bh = blockhash(c);
    auto h =
        sync<RpcResult<uint64_t>>([&](auto cb) { get_block_height(c, Commitment::Confirmed, cb); });
    auto slot = sync<RpcResult<uint64_t>>([&](auto cb) { get_slot(c, Commitment::Confirmed, cb); });
    REQUIRE(h.ok());
    REQUIRE(slot.ok());
    CHECK(h.value >= 299); // the chain starts at height 300; confirmed is 1 behind until the next block
    CHECK(slot.value >= h.value + 1000);                // the localnet's slot = height + 1000
    CHECK(bh.last_valid_block_height <= h.value + 150); // fetched before the height
    CHECK(bh.last_valid_block_height + 100 >= h.value + 150);
    CHECK(bh.context_slot >= 1299); // the chain starts at height 300 (slot 1300); confirmed is 1 behind
    CHECK(c.heights().highest() == h.value); // getBlockHeight feeds the tracker

    BlockhashCache cache(c, BlockhashCacheConfig{200, Commitment::Confirmed, true});
    REQUIRE(cache.wait_ready(5000));
    const auto first = *cache.latest();
    CHECK(cache.age_ms() >= 0);
    CHECK(cache.age_ms() < 1000);
    CHECK(first.endpoint == "local");
    CHECK_FALSE(cache.expired(first.last_valid_block_height));
    CHECK(cache.expired(299)); // the chain started at height 300
    std::this_thread::sleep_for(700ms);
    const auto later = *cache.latest();
    CHECK(cache.stats().refreshes >= 3);
    CHECK(later.last_valid_block_height > first.last_valid_block_height);
    CHECK(later.blockhash != first.blockhash);
    // The blockhash and the heights are fetched concurrently: equal within a few blocks.
    CHECK(c.heights().highest() + 150 + 25 >= later.last_valid_block_height);
    CHECK_FALSE(cache.expired(later.last_valid_block_height));
}

TEST_CASE("localnet: airdrop, transfer, confirmation and exact balance changes",
          "[localnet][rpc]") {
    Localnet net;
    RpcClient c(one_endpoint(net.url, "local"));
    const auto payer = random_key();
    const auto to = random_key().pubkey();
    funded(c, payer, 2'000'000'000);
    REQUIRE(balance(c, payer.pubkey()) == 2'000'000'000);

    const LatestBlockhash bh = blockhash(c);
    const auto tx =
        sign(payer, {solana::system_transfer(payer.pubkey(), to, 1'000'000)}, bh.blockhash);
    auto sent = sync<RpcResult<solana::Signature>>([&](auto cb) { send_transaction(c, tx, cb); });
    INFO(sent.error.to_string());
    REQUIRE(sent.ok());
    CHECK(sent.value == first_sig(tx));
    const SignatureStatus st = wait_confirmed(c, sent.value);
    CHECK_FALSE(st.err_json);
    CHECK(st.slot > 1000);

    auto got = sync<RpcResult<std::optional<TransactionInfo>>>(
        [&](auto cb) { get_transaction(c, sent.value, Commitment::Confirmed, cb); });
    INFO(got.error.to_string());
    REQUIRE(got.ok());
    REQUIRE(got.value);
    const TransactionInfo& info = *got.value;
    CHECK(info.fee == 5000);
    CHECK_FALSE(info.err_json);
    CHECK(info.signatures.front() == sent.value);
    CHECK(*info.sol_balance(payer.pubkey()) ==
          BalanceChange{2'000'000'000, 2'000'000'000 - 1'005'000});
    CHECK(*info.sol_balance(to) == BalanceChange{0, 1'000'000});
    CHECK(balance(c, payer.pubkey()) == 2'000'000'000 - 1'005'000);

    // Rebroadcasting the same bytes: the same signature, nothing moves twice.
    auto again = sync<std::vector<RpcResult<solana::Signature>>>(
        [&](auto cb) { broadcast_transaction(c, tx, cb); });
    REQUIRE(again.size() == 1);
    CHECK(again[0].ok());
    CHECK(again[0].value == sent.value);
    std::this_thread::sleep_for(100ms);
    CHECK(balance(c, payer.pubkey()) == 2'000'000'000 - 1'005'000);
    CHECK(balance(c, to) == 1'000'000);

    // Unknown signature: statuses say null, getTransaction says not found.
    const solana::Signature unknown =
        first_sig(sign(payer, {solana::system_transfer(payer.pubkey(), to, 7)}, bh.blockhash));
    auto none = sync<RpcResult<std::optional<TransactionInfo>>>(
        [&](auto cb) { get_transaction(c, unknown, Commitment::Confirmed, cb); });
    REQUIRE(none.ok());
    CHECK_FALSE(none.value);

    // Simulation of another transfer, and the fee market.
    const auto tx2 =
        sign(payer, {solana::system_transfer(payer.pubkey(), to, 5)}, blockhash(c).blockhash);
    auto sim = sync<RpcResult<SimulationResult>>(
        [&](auto cb) { simulate_transaction(c, tx2, SimulateOptions{}, cb); });
    INFO(sim.error.to_string());
    REQUIRE(sim.ok());
    CHECK_FALSE(sim.value.err_json);
    CHECK_FALSE(sim.value.logs.empty());
    CHECK(sim.value.units_consumed.value_or(0) > 0);
    auto fees = sync<RpcResult<std::vector<PrioritizationFee>>>(
        [&](auto cb) { get_recent_prioritization_fees(c, {payer.pubkey()}, cb); });
    INFO(fees.error.to_string());
    REQUIRE(fees.ok());
    CHECK(fee_percentile(fees.value, 75) == 0); // nobody paid a priority fee here

    // A failing transfer (more than the balance) lands with its fee charged.
    const auto poor = sign(payer, {solana::system_transfer(payer.pubkey(), to, 5'000'000'000)},
                           blockhash(c).blockhash);
    auto sent2 =
        sync<RpcResult<solana::Signature>>([&](auto cb) { send_transaction(c, poor, cb); });
    REQUIRE(sent2.ok());
    const SignatureStatus st2 = wait_confirmed(c, sent2.value);
    REQUIRE(st2.err_json);
    auto got2 = sync<RpcResult<std::optional<TransactionInfo>>>(
        [&](auto cb) { get_transaction(c, sent2.value, Commitment::Confirmed, cb); });
    REQUIRE(got2.ok());
    REQUIRE(got2.value);
    CHECK(got2.value->err_json == st2.err_json);
    CHECK(got2.value->sol_balance(payer.pubkey())->lost() == 5000);
}

TEST_CASE("localnet: token balances and an SPL transfer's exact deltas", "[localnet][rpc]") {
    Localnet net;
    RpcClient c(one_endpoint(net.url, "local"));
    const Http pools = http(net.url + "/admin/pools");
    REQUIRE(pools.status == 200);
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(pools.body);
    const std::string_view mint_s = doc.at(0)["mint"].get_string().value();
    const auto decimals = static_cast<uint8_t>(doc.at(0)["decimals"].get_uint64().value());
    const solana::Pubkey mint = *solana::pubkey_from_base58(mint_s);

    const auto owner = random_key();
    const auto other = random_key().pubkey();
    funded(c, owner, 1'000'000'000);
    const uint64_t amount = 9'007'199'254'740'993ull; // 2^53 + 1: exact or wrong
    const Http air =
        http_post(net.url + "/admin/airdrop",
                  "{\"pubkey\":\"" + solana::to_base58(owner.pubkey()) + "\",\"mint\":\"" +
                      std::string(mint_s) + "\",\"amount\":\"" + std::to_string(amount) + "\"}");
    INFO(air.body);
    REQUIRE(air.status == 200);
    const auto src = solana::associated_token_address(owner.pubkey(), mint, solana::kTokenProgram);
    const auto dst = solana::associated_token_address(other, mint, solana::kTokenProgram);
    auto tb = sync<RpcResult<TokenAmount>>(
        [&](auto cb) { get_token_account_balance(c, src, Commitment::Confirmed, cb); });
    INFO(tb.error.to_string());
    REQUIRE(tb.ok());
    CHECK(tb.value.amount == amount);
    CHECK(tb.value.decimals == decimals);

    const auto tx =
        sign(owner,
             {solana::ata_create_idempotent(owner.pubkey(), other, mint, solana::kTokenProgram),
              solana::token_transfer_checked(solana::kTokenProgram, src, mint, dst, owner.pubkey(),
                                             1234, decimals)},
             blockhash(c).blockhash);
    auto sent = sync<RpcResult<solana::Signature>>([&](auto cb) { send_transaction(c, tx, cb); });
    REQUIRE(sent.ok());
    const SignatureStatus st = wait_confirmed(c, sent.value);
    INFO(st.err_json.value_or(""));
    REQUIRE_FALSE(st.err_json);
    auto got = sync<RpcResult<std::optional<TransactionInfo>>>(
        [&](auto cb) { get_transaction(c, sent.value, Commitment::Confirmed, cb); });
    REQUIRE(got.ok());
    REQUIRE(got.value);
    CHECK(got.value->token_balance(owner.pubkey(), mint) == BalanceChange{amount, amount - 1234});
    CHECK(got.value->token_balance(other, mint) == BalanceChange{0, 1234});
    const auto rent = got.value->sol_balance(dst);
    REQUIRE(rent);
    CHECK(got.value->sol_balance(owner.pubkey())->lost() == got.value->fee + rent->gained());
}

TEST_CASE("localnet: a dead endpoint fails over to the live one", "[localnet][rpc][failover]") {
    Quiet quiet;
    Localnet net;
    RpcClientConfig cfg;
    cfg.endpoints.push_back(
        EndpointConfig{"dead", "http://127.0.0.1:" + std::to_string(closed_port()), 50, 10});
    cfg.endpoints.push_back(EndpointConfig{"local", net.url, 50, 10});
    cfg.unhealthy_after_failures = 1;
    RpcClient c(cfg);
    auto h =
        sync<RpcResult<uint64_t>>([&](auto cb) { get_block_height(c, Commitment::Confirmed, cb); });
    REQUIRE(h.ok());
    CHECK(h.error.endpoint == "local");
    const auto st = c.endpoint_status();
    CHECK_FALSE(st[0].healthy);
    CHECK(st[0].failures == 1);
    CHECK(st[1].healthy);
    // The transfer path works through the pool too.
    const auto payer = random_key();
    funded(c, payer, 100'000'000);
    CHECK(balance(c, payer.pubkey()) == 100'000'000);
    CHECK(c.endpoint_status()[0].failures <= 3); // only probes reach the dead one now
}

TEST_CASE("localnet: 429s back off and succeed, and the budget holds", "[localnet][rpc][429]") {
    Quiet quiet;
    Localnet net;
    REQUIRE(net.faults(R"({"http_429_share":1,"retry_after_s":1})").status == 200);
    RpcClientConfig cfg = one_endpoint(net.url, "local");
    cfg.endpoints[0].requests_per_s = 20;
    cfg.endpoints[0].burst = 2;
    RpcClient c(cfg);
    Await<RpcResult<uint64_t>> w;
    const int64_t t0 = now_ms();
    get_slot(c, Commitment::Confirmed, w.cb(), CallOptions{8000, 10});
    std::this_thread::sleep_for(300ms);
    REQUIRE(net.faults(R"({"http_429_share":0})").status == 200);
    const auto r = w.wait();
    INFO(r.error.to_string());
    REQUIRE(r.ok());
    CHECK(now_ms() - t0 >= 950); // waited out Retry-After: 1
    auto st = c.endpoint_status()[0];
    CHECK(st.rate_limited >= 1);
    CHECK(st.requests == st.rate_limited + 1);
    CHECK(st.healthy);

    // 30 calls at once through 20 requests/s (burst 2): at least 1.4 s.
    const int64_t t1 = now_ms();
    std::vector<Await<RpcResult<uint64_t>>> ws(30);
    for (auto& a : ws) {
        get_slot(c, Commitment::Processed, a.cb(), CallOptions{10000, 1});
    }
    for (auto& a : ws) {
        REQUIRE(a.wait().ok());
    }
    CHECK(now_ms() - t1 >= 1350);
    CHECK(c.endpoint_status()[0].requests == st.requests + 30);
}

TEST_CASE("localnet: a send that lands but never answers times out, and the status finds it",
          "[localnet][rpc][timeout]") {
    Quiet quiet;
    Localnet net;
    RpcClientConfig cfg = one_endpoint(net.url, "local");
    cfg.attempt_timeout_ms = 400;
    RpcClient c(cfg);
    const auto payer = random_key();
    funded(c, payer, 100'000'000);
    REQUIRE(net.faults(R"({"timeout_after_land_share":1,"timeout_after_land_ms":3000})").status ==
            200);
    const auto tx =
        sign(payer, {solana::system_transfer(payer.pubkey(), random_key().pubkey(), 1'000'000)},
             blockhash(c).blockhash);
    const int64_t t0 = now_ms();
    auto sent = sync<RpcResult<solana::Signature>>([&](auto cb) {
        send_transaction(c, tx, cb, SendOptions{}, CallOptions{2000, 1});
    });
    CHECK(sent.error.status == RpcStatus::Timeout);
    CHECK(now_ms() - t0 < 1500);
    REQUIRE(net.faults(R"({"reset":true})").status == 200);
    const SignatureStatus st = wait_confirmed(c, first_sig(tx));
    CHECK_FALSE(st.err_json);
}

TEST_CASE("localnet: a lagging endpoint does not decide heights or blockhashes",
          "[localnet][rpc][lag]") {
    Quiet quiet;
    Localnet net({"--lag-port", "0", "--faults", R"({"lag_slots":160})"});
    REQUIRE_FALSE(net.lag_url.empty());
    RpcClientConfig cfg;
    cfg.endpoints.push_back(EndpointConfig{"lagging", net.lag_url, 100, 20}); // preferred by order
    cfg.endpoints.push_back(EndpointConfig{"main", net.url, 100, 20});
    RpcClient c(cfg);

    // Asked directly, the lagging node hands out a blockhash that is
    // already expired by the main node's height.
    auto lag_bh = sync<RpcResult<LatestBlockhash>>(
        [&](auto cb) { get_latest_blockhash(c, Commitment::Confirmed, cb); });
    REQUIRE(lag_bh.ok());
    CHECK(lag_bh.error.endpoint == "lagging");

    BlockhashCache cache(c, BlockhashCacheConfig{150, Commitment::Confirmed, true});
    const int64_t end = now_ms() + 5000;
    while (now_ms() < end && !(cache.latest() && cache.latest()->endpoint == "main")) {
        std::this_thread::sleep_for(20ms);
    }
    REQUIRE(cache.latest());
    CHECK(cache.latest()->endpoint ==
          "main"); // once heights are known, the lagging node ranks last
    const auto st = c.endpoint_status();
    REQUIRE(st[0].block_height > 0);
    REQUIRE(st[1].block_height > 0);
    CHECK(st[1].block_height >= st[0].block_height + 120); // 160 behind, sampled a few slots apart
    CHECK(c.heights().highest() >= st[1].block_height);
    // Expiry by the highest height: the lagging node's blockhash is expired
    // although the lagging node's own height says it is still valid.
    CHECK(lag_bh.value.last_valid_block_height >= st[0].block_height);
    CHECK(cache.expired(lag_bh.value.last_valid_block_height));
    CHECK_FALSE(cache.expired(cache.latest()->last_valid_block_height));
    CHECK(cache.latest()->last_valid_block_height > lag_bh.value.last_valid_block_height);
    // Calls now go to the main endpoint.
    auto slot = sync<RpcResult<uint64_t>>([&](auto cb) { get_slot(c, Commitment::Confirmed, cb); });
    REQUIRE(slot.ok());
    CHECK(slot.error.endpoint == "main");
}
