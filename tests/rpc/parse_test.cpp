// tests/rpc/parse_test.cpp — the strict result parsers, the percentile
// helper, the endpoint's budget / back-off / health logic, the height
// rule and the configuration checks; no network.
#include "rpc/endpoint.hpp"
#include "rpc/height_tracker.hpp"
#include "rpc/rpc_client.hpp"
#include "rpc/solana_parse.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using namespace sniper::rpc;

namespace {
const std::string kHash = "4sGjMW1sUnHzSxGspuhpqLDx6wiyjNtZAMdL4VZHirAn";
const std::string kSig =
    "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";
const std::string kKey1 = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const std::string kKey2 = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const std::string kMint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
} // namespace

TEST_CASE("getLatestBlockhash: value, exact heights, strict shape", "[rpc][parse]") {
    LatestBlockhash b;
    REQUIRE_FALSE(parse_latest_blockhash(
        R"({"context":{"apiVersion":"2.2.0","slot":18446744073709551615},"value":{"blockhash":")" +
            kHash + R"(","lastValidBlockHeight":9007199254740993}})",
        b));
    CHECK(b.context_slot == UINT64_MAX);
    CHECK(b.last_valid_block_height == 9007199254740993ull); // 2^53 + 1: not through a double
    CHECK(solana::to_base58(b.blockhash) == kHash);

    auto err = parse_latest_blockhash(R"({"context":{"slot":1},"value":{"blockhash":")" + kHash +
                                          R"(","lastValidBlockHeight":"12"}})",
                                      b);
    REQUIRE(err);
    CHECK(*err ==
          "result.value.lastValidBlockHeight: expected an unsigned integer, found string \"12\"");
    err = parse_latest_blockhash(
        R"({"context":{"slot":1},"value":{"blockhash":"0OIl","lastValidBlockHeight":1}})", b);
    REQUIRE(err);
    CHECK_THAT(*err,
               Catch::StartsWith("result.value.blockhash: expected a base58 hash of 32 bytes"));
    err = parse_latest_blockhash(R"({"value":{}})", b);
    REQUIRE(err);
    CHECK(*err == "result.context: expected a member, found none");
    err = parse_latest_blockhash(R"({"context":{"slot":-1},"value":{}})", b);
    REQUIRE(err);
    CHECK(*err == "result.context.slot: expected an unsigned integer, found number -1");
    err = parse_latest_blockhash(R"({"context":{"slot":1.5},"value":{}})", b);
    REQUIRE(err);
    CHECK(*err == "result.context.slot: expected an unsigned integer, found number 1.5");
    err = parse_latest_blockhash("[1,2]", b);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result: expected an object, found array"));
}

TEST_CASE("numbers beyond u64 and non-JSON are refused with a reason", "[rpc][parse]") {
    uint64_t v = 0;
    auto err = parse_u64("18446744073709551616", v);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::Contains("integers fit in 64 bits"));
    err = parse_u64("<html>nope</html>", v);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result: expected JSON, found <html>"));
    REQUIRE_FALSE(parse_u64("18446744073709551615", v));
    CHECK(v == UINT64_MAX);
    err = parse_u64("1e3", v);
    REQUIRE(err);
    CHECK(*err == "result: expected an unsigned integer, found number 1000.0");
}

TEST_CASE("getSignatureStatuses: nulls, errors, counts", "[rpc][parse]") {
    SignatureStatuses s;
    const std::string ok =
        R"({"context":{"slot":1300},"value":[null,{"slot":1290,"confirmations":3,"err":null,"status":{"Ok":null},"confirmationStatus":"confirmed"},{"slot":1200,"confirmations":null,"err":{"InstructionError":[0,{"Custom":1}]},"confirmationStatus":"finalized"}]})";
    REQUIRE_FALSE(parse_signature_statuses(ok, 3, s));
    REQUIRE(s.statuses.size() == 3);
    CHECK_FALSE(s.statuses[0]);
    CHECK(s.statuses[1]->slot == 1290);
    CHECK(s.statuses[1]->confirmations == 3u);
    CHECK_FALSE(s.statuses[1]->err_json);
    CHECK(s.statuses[1]->confirmation_status == Commitment::Confirmed);
    CHECK_FALSE(s.statuses[2]->confirmations);
    CHECK(*s.statuses[2]->err_json == R"({"InstructionError":[0,{"Custom":1}]})");
    CHECK(s.statuses[2]->confirmation_status == Commitment::Finalized);

    auto err = parse_signature_statuses(ok, 2, s);
    REQUIRE(err);
    CHECK(*err == "result.value: expected 2 statuses (one per signature), found 3");
    err = parse_signature_statuses(
        R"({"context":{"slot":1},"value":[{"slot":1,"confirmations":0,"err":null,"confirmationStatus":"rooted"}]})",
        1, s);
    REQUIRE(err);
    CHECK(*err == "result.value[0].confirmationStatus: expected processed, confirmed or finalized, "
                  "found \"rooted\"");
}

TEST_CASE("getTokenAccountBalance: the amount string is exact", "[rpc][parse]") {
    TokenAmount t;
    REQUIRE_FALSE(parse_token_account_balance(
        R"({"context":{"slot":5},"value":{"amount":"18446744073709551615","decimals":9,"uiAmount":1.8446744073709552E10,"uiAmountString":"18446744073.709551615"}})",
        t));
    CHECK(t.amount == UINT64_MAX);
    CHECK(t.decimals == 9);
    for (const char* bad :
         {R"("18446744073709551616")", R"("-1")", R"("01")", R"("1.0")", R"("")", R"(" 1")", "1"}) {
        auto err = parse_token_account_balance(
            std::string(R"({"context":{"slot":5},"value":{"amount":)") + bad + R"(,"decimals":9}})",
            t);
        INFO(bad);
        REQUIRE(err);
        CHECK_THAT(*err, Catch::StartsWith("result.value.amount: expected a decimal string"));
    }
}

TEST_CASE("getMultipleAccounts: accounts in order, nulls, base64 data, strict shape",
          "[rpc][parse]") {
    MultipleAccounts m;
    // rentEpoch u64::MAX as Agave renders it (exact) is accepted and ignored.
    const std::string ok =
        R"({"context":{"apiVersion":"2.2.0","slot":1367},"value":[)"
        R"({"data":["AQID","base64"],"executable":false,"lamports":18446744073709551615,"owner":")" +
        kKey1 +
        R"(","rentEpoch":18446744073709551615,"space":3},null,)"
        R"({"data":["","base64"],"executable":true,"lamports":890880,"owner":"11111111111111111111111111111111","rentEpoch":0,"space":0}]})";
    REQUIRE_FALSE(parse_multiple_accounts(ok, 3, m));
    CHECK(m.context_slot == 1367);
    REQUIRE(m.accounts.size() == 3);
    REQUIRE(m.accounts[0]);
    CHECK(m.accounts[0]->lamports == UINT64_MAX);
    CHECK(solana::to_base58(m.accounts[0]->owner) == kKey1);
    CHECK(m.accounts[0]->data == std::vector<uint8_t>{1, 2, 3});
    CHECK_FALSE(m.accounts[0]->executable);
    CHECK_FALSE(m.accounts[1]);
    REQUIRE(m.accounts[2]);
    CHECK(m.accounts[2]->data.empty());
    CHECK(m.accounts[2]->executable);

    auto err = parse_multiple_accounts(ok, 2, m);
    REQUIRE(err);
    CHECK(*err == "result.value: expected 2 accounts (one per key asked), found 3");
    CHECK(m.accounts.size() == 3); // what was read stays readable; callers look at the error first

    const auto one = [](const std::string& account) {
        return R"({"context":{"slot":5},"value":[)" + account + "]}";
    };
    const std::string owner = R"("owner":")" + kKey1 + R"(")";
    err = parse_multiple_accounts(
        one(R"({"data":["AQID","base58"],"executable":false,"lamports":1,)" + owner + "}"), 1, m);
    REQUIRE(err);
    CHECK(*err == R"(result.value[0].data[1]: expected "base64", found "base58")");
    err = parse_multiple_accounts(
        one(R"({"data":"AQID","executable":false,"lamports":1,)" + owner + "}"), 1, m);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value[0].data: expected an array, found string"));
    err = parse_multiple_accounts(
        one(R"({"data":["AQI*","base64"],"executable":false,"lamports":1,)" + owner + "}"), 1, m);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value[0].data[0]: expected base64 account data"));
    err = parse_multiple_accounts(
        one(R"({"data":["","base64"],"executable":false,"lamports":"1",)" + owner + "}"), 1, m);
    REQUIRE(err);
    CHECK(*err == R"(result.value[0].lamports: expected an unsigned integer, found string "1")");
    err = parse_multiple_accounts(
        one(R"({"data":["","base64"],"executable":false,"lamports":1,"owner":"xyz"})"), 1, m);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value[0].owner: expected a base58 public key"));
    err = parse_multiple_accounts(one(R"(7)"), 1, m);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value[0]: expected an object, found number"));
    // A mangled u64::MAX (a JavaScript relay's 18446744073709552000) refuses the document.
    err = parse_multiple_accounts(
        one(R"({"data":["","base64"],"executable":false,"lamports":1,"rentEpoch":18446744073709552000,)" +
            owner + "}"),
        1, m);
    REQUIRE(err);

    solana::Pubkey k{};
    const std::vector<solana::Pubkey> keys = {k, *solana::pubkey_from_base58(kKey1)};
    CHECK(params::get_multiple_accounts(keys, Commitment::Confirmed) ==
          R"([["11111111111111111111111111111111",")" + kKey1 +
              R"("],{"encoding":"base64","commitment":"confirmed"}])");
}

TEST_CASE("getTransaction: fee, SOL and token balance changes, loaded addresses", "[rpc][parse]") {
    const std::string tx =
        R"({"slot":1400,"blockTime":1700000000,"version":0,
      "meta":{"err":null,"fee":5000,"preBalances":[2000000000,0,1,7],"postBalances":[1998995000,1000000,1,7],
        "preTokenBalances":[{"accountIndex":3,"mint":")" +
        kMint + R"(","owner":")" + kKey1 +
        R"(","programId":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","uiTokenAmount":{"amount":"9007199254740993","decimals":6,"uiAmount":9007199254.740993,"uiAmountString":"9007199254.740993"}}],
        "postTokenBalances":[{"accountIndex":3,"mint":")" +
        kMint + R"(","owner":")" + kKey1 +
        R"(","uiTokenAmount":{"amount":"9007199254740990","decimals":6}}],
        "computeUnitsConsumed":150,"logMessages":["Program 11111111111111111111111111111111 invoke [1]"],
        "loadedAddresses":{"writable":[")" +
        kMint + R"("],"readonly":[]}},
      "transaction":{"signatures":[")" +
        kSig + R"("],"message":{"accountKeys":[")" + kKey1 + R"(",")" + kKey2 +
        R"(","11111111111111111111111111111111"]}}})";
    bool found = false;
    TransactionInfo info;
    auto err = parse_transaction(tx, found, info);
    INFO((err ? *err : ""));
    REQUIRE_FALSE(err);
    REQUIRE(found);
    CHECK(info.fee == 5000);
    CHECK(info.account_keys.size() == 4);
    CHECK(*info.sol_balance(*solana::pubkey_from_base58(kKey1)) ==
          BalanceChange{2000000000, 1998995000});
    CHECK(info.sol_balance(0)->lost() == 1005000);
    CHECK(info.sol_balance(1)->gained() == 1000000);
    const auto tb =
        info.token_balance(*solana::pubkey_from_base58(kKey1), *solana::pubkey_from_base58(kMint));
    CHECK(tb.lost() == 3);
    CHECK(tb.pre == 9007199254740993ull);
    CHECK(info.compute_units_consumed == 150u);

    REQUIRE_FALSE(parse_transaction("null", found, info));
    CHECK_FALSE(found);

    std::string bad = tx;
    bad.replace(bad.find("\"postBalances\":[1998995000,1000000,1,7]"), 39,
                "\"postBalances\":[1998995000,1000000,1]");
    err = parse_transaction(bad, found, info);
    REQUIRE(err);
    CHECK(*err == "result.meta.postBalances: expected 4 entries (as preBalances), found 3");
}

TEST_CASE("prioritization fees and the percentile helper", "[rpc][parse]") {
    std::vector<PrioritizationFee> f;
    REQUIRE_FALSE(parse_prioritization_fees(
        R"([{"slot":1,"prioritizationFee":0},{"slot":2,"prioritizationFee":100},{"slot":3,"prioritizationFee":50},{"slot":4,"prioritizationFee":10}])",
        f));
    REQUIRE(f.size() == 4);
    CHECK(fee_percentile(f, 0) == 0);
    CHECK(fee_percentile(f, 50) == 10);
    CHECK(fee_percentile(f, 75) == 50);
    CHECK(fee_percentile(f, 76) == 100);
    CHECK(fee_percentile(f, 100) == 100);
    CHECK(fee_percentile({}, 50) == 0);
    auto err = parse_prioritization_fees(R"([{"slot":1}])", f);
    REQUIRE(err);
    CHECK(*err == "result[0].prioritizationFee: expected a member, found none");
}

TEST_CASE("simulateTransaction result", "[rpc][parse]") {
    SimulationResult s;
    REQUIRE_FALSE(parse_simulation(
        R"({"context":{"slot":9},"value":{"err":{"InstructionError":[0,"InvalidArgument"]},"logs":["a","b"],"unitsConsumed":450,"accounts":null}})",
        s));
    CHECK(*s.err_json == R"({"InstructionError":[0,"InvalidArgument"]})");
    CHECK(s.logs.size() == 2);
    CHECK(s.units_consumed == 450u);
}

TEST_CASE("params are what the nodes expect", "[rpc][parse]") {
    const std::vector<uint8_t> tx = {1, 2, 3};
    CHECK(
        params::send_transaction(tx, {}) ==
        R"(["AQID",{"encoding":"base64","skipPreflight":true,"preflightCommitment":"confirmed","maxRetries":0}])");
    CHECK(params::get_latest_blockhash(Commitment::Confirmed) == R"([{"commitment":"confirmed"}])");
    solana::Signature sig{};
    CHECK(
        params::get_transaction(sig, Commitment::Processed)
            .find(
                R"("encoding":"json","maxSupportedTransactionVersion":0,"commitment":"confirmed")") !=
        std::string::npos);
}

TEST_CASE("endpoint: token bucket spaces requests at the configured rate", "[rpc][endpoint]") {
    RpcClientConfig cfg;
    Endpoint e(EndpointConfig{"a", "http://x", 10, 2}, cfg, 0);
    CHECK(e.try_take(0));
    CHECK(e.try_take(0));
    CHECK_FALSE(e.try_take(0));
    CHECK(e.ready_at(0) == 100000); // one token per 100 ms
    CHECK_FALSE(e.try_take(99000));
    CHECK(e.try_take(100000));
    CHECK(e.try_take(10'000'000));
    CHECK(e.try_take(10'000'000));
    CHECK_FALSE(e.try_take(10'000'000)); // the burst caps what accumulates
}

TEST_CASE("endpoint: 429 backs off for Retry-After, or doubling without it", "[rpc][endpoint]") {
    RpcClientConfig cfg;
    cfg.rate_limit_backoff_ms = 100;
    cfg.rate_limit_backoff_max_ms = 350;
    Endpoint e(EndpointConfig{"a", "http://x", 1000, 100}, cfg, 0);
    e.on_rate_limited(0, 2000);
    CHECK_FALSE(e.try_take(1'999'000));
    CHECK(e.ready_at(0) == 2'000'000);
    CHECK(e.try_take(2'000'000));
    e.on_rate_limited(3'000'000, -1);
    CHECK(e.ready_at(3'000'000) == 3'100'000);
    e.on_rate_limited(3'100'000, -1);
    CHECK(e.ready_at(3'100'000) == 3'300'000);
    e.on_rate_limited(3'300'000, -1);
    CHECK(e.ready_at(3'300'000) == 3'650'000); // capped at the max
    e.on_success(10);
    e.on_rate_limited(4'000'000, -1);
    CHECK(e.ready_at(4'000'000) == 4'100'000); // a success resets the step
    CHECK(e.status(4'000'000).rate_limited == 5);
}

TEST_CASE("endpoint: unhealthy after N failures, probed with a growing back-off",
          "[rpc][endpoint]") {
    RpcClientConfig cfg;
    cfg.unhealthy_after_failures = 2;
    cfg.probe_backoff_min_ms = 100;
    cfg.probe_backoff_max_ms = 300;
    Endpoint e(EndpointConfig{"a", "http://x", 10, 10}, cfg, 0);
    CHECK_FALSE(e.on_failure(0, "x"));
    CHECK(e.on_failure(0, "connect refused"));
    CHECK_FALSE(e.healthy());
    CHECK(e.next_probe_at() == 100000);
    e.on_probe_failed(100000);
    CHECK(e.next_probe_at() == 300000);
    e.on_probe_failed(300000);
    CHECK(e.next_probe_at() == 600000); // capped at 300 ms
    CHECK(e.status(0).last_error == "connect refused");
    e.on_success(1234);
    CHECK(e.healthy());
    CHECK(e.consecutive_failures() == 0);
    CHECK(e.status(0).last_latency_us == 1234);
}

TEST_CASE("height tracker: expiry by the highest height, never lowered", "[rpc][height]") {
    HeightTracker h;
    CHECK_FALSE(h.expired(0)); // unknown: nothing is proven expired
    h.observe(500);
    h.observe(300); // a lagging endpoint
    CHECK(h.highest() == 500);
    CHECK(h.expired(499));
    CHECK_FALSE(h.expired(500)); // valid while height <= lastValidBlockHeight
    CHECK(h.blocks_left(650) == 150);
}

TEST_CASE("configuration errors are all reported", "[rpc][config]") {
    RpcClientConfig c;
    c.endpoints = {{"a", "ftp://x", 0, 0}, {"a", "http://y", 1, 1}};
    c.max_attempts = 0;
    const auto errs = validate(c);
    REQUIRE(errs.size() == 5);
    CHECK(errs[0] == "endpoints[0].url: expected http:// or https://, found \"ftp://x\"");
    CHECK_THROWS_WITH(RpcClient(RpcClientConfig{}),
                      Catch::Contains("expected at least one endpoint"));
}

TEST_CASE("getAccountInfo: one account or none, with the same strict shape as getMultipleAccounts",
          "[rpc][parse]") {
    uint64_t slot = 0;
    std::optional<AccountInfo> a;
    REQUIRE_FALSE(parse_account_info(
        R"({"context":{"apiVersion":"2.2.0","slot":341197053},"value":{"data":["AQID","base64"],"executable":false,"lamports":1461600,"owner":")" +
            kKey1 + R"(","rentEpoch":18446744073709551615,"space":3}})",
        slot, a));
    CHECK(slot == 341197053);
    REQUIRE(a);
    CHECK(a->lamports == 1461600);
    CHECK(solana::to_base58(a->owner) == kKey1);
    CHECK(a->data == std::vector<uint8_t>{1, 2, 3});
    REQUIRE_FALSE(parse_account_info(R"({"context":{"slot":7},"value":null})", slot, a));
    CHECK(slot == 7);
    CHECK_FALSE(a);
    auto err = parse_account_info(R"({"context":{"slot":7},"value":{"data":["AQID","base64"],"executable":false,"lamports":1,"owner":"not-base58"}})",
                                  slot, a);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value.owner:"));
    CHECK_FALSE(a);
    err = parse_account_info(R"({"context":{"slot":7},"value":[]})", slot, a);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value: expected an object"));
}

TEST_CASE("getTokenLargestAccounts: addresses and exact amounts from decimal strings", "[rpc][parse]") {
    std::vector<LargestAccount> list;
    // Amounts are strings, exact past 2^53; uiAmount (a double) is ignored.
    REQUIRE_FALSE(parse_largest_accounts(
        R"({"context":{"slot":1114},"value":[{"address":")" + kKey1 +
            R"(","amount":"18446744073709551615","decimals":6,"uiAmount":1.8446744073709552e13,"uiAmountString":"18446744073709.551615"},{"address":")" +
            kKey2 + R"(","amount":"9007199254740993","decimals":6,"uiAmount":9007199254.740993,"uiAmountString":"9007199254.740993"}]})",
        list));
    REQUIRE(list.size() == 2);
    CHECK(solana::to_base58(list[0].address) == kKey1);
    CHECK(list[0].amount == UINT64_MAX);
    CHECK(list[1].amount == 9007199254740993ull);
    REQUIRE_FALSE(parse_largest_accounts(R"({"context":{"slot":1},"value":[]})", list));
    CHECK(list.empty());
    auto err = parse_largest_accounts(
        R"({"context":{"slot":1},"value":[{"address":")" + kKey1 + R"(","amount":"18446744073709551616","decimals":6}]})",
        list);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value[0].amount:"));
    err = parse_largest_accounts(R"({"context":{"slot":1},"value":[{"address":")" + kKey1 + R"(","amount":1}]})", list);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value[0].amount:"));
    err = parse_largest_accounts(R"({"context":{"slot":1},"value":[{"amount":"1"}]})", list);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::Contains("address"));
}

TEST_CASE("isBlockhashValid and sendBundle: params and the boolean answer, strictly", "[rpc][parse]") {
    const auto hash = solana::hash_from_base58(kHash);
    REQUIRE(hash);
    const solana::Hash h = *hash;
    CHECK(params::is_blockhash_valid(h, Commitment::Processed) ==
          "[\"" + kHash + "\",{\"commitment\":\"processed\"}]");
    bool valid = true;
    REQUIRE_FALSE(parse_blockhash_valid(R"({"context":{"slot":2483},"value":false})", valid));
    CHECK_FALSE(valid);
    REQUIRE_FALSE(parse_blockhash_valid(R"({"context":{"slot":2483},"value":true})", valid));
    CHECK(valid);
    // Text that merely contains "value":false is not an answer.
    auto err = parse_blockhash_valid(R"({"context":{"slot":2483},"value":"false"})", valid);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::StartsWith("result.value: expected"));
    CHECK(parse_blockhash_valid(R"({"value":false})", valid));

    const std::vector<uint8_t> a{1, 2, 3}, b{0xff};
    const std::span<const uint8_t> bundle[] = {a, b};
    CHECK(params::send_bundle(bundle) == R"([["AQID","/w=="],{"encoding":"base64"}])");
}
