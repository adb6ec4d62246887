// Live mode's start checks end to end (issue 11, "live mode refusals, each
// one, with its message"): the real sniperd with both opt-ins set, the real
// sniper-signer, and the local validator (tools/localnet, litesvm behind
// JSON-RPC) on loopback. Each missing piece is named; with a funded wallet
// only the live market feed ([feeds.watch]) is left.
#include "e2e_localnet.hpp"

#include "rpc/rpc_client.hpp"
#include "rpc/solana_calls.hpp"
#include "solana/types.hpp"

#include <future>
#include <sys/stat.h>

using namespace sniper::e2e;

namespace {

std::string live_config(Workspace& w, const std::string& signer, const std::string& live) {
    return paper_config_toml(w.data_dir, w.plugins_dir, small_sim(), "live") + signer + live;
}

RunResult run_live(Workspace& w) {
    return run({kSniperd, "run", "--config", w.config, "--for", "20s"}, w.out("live"),
               {{"SNIPER_TRADING_MODE", "live"}}, 60s);
}

} // namespace

TEST_CASE("live mode names every missing piece and starts nothing", "[app][e2e][live]") {
    Workspace w;
    copy_example_plugins(w.plugins_dir, kExamples);
    const std::string key = w.tmp / "wallet.json";
    const RunResult kg = run({kSniperd, "keygen", "--out", key}, w.out("keygen"));
    REQUIRE(kg.exit_code == 0);
    const std::string signer = "\n[signer]\nkeypair = \"" + key + "\"\n";

    SECTION("no key, no endpoint") {
        write_file(w.config, live_config(w, "", ""));
        const RunResult r = run_live(w);
        INFO(brief(r));
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, "refusing to start in live mode; missing:"));
        CHECK(contains(r.err, "- signer: no key configured"));
        CHECK(contains(r.err, "- rpc: no JSON-RPC endpoint configured"));
        CHECK(contains(r.err, "- feed: live mode trades on live market data only"));
    }
    SECTION("a key file others can read, and a dead endpoint") {
        REQUIRE(::chmod(key.c_str(), 0644) == 0);
        write_file(w.config, live_config(w, signer, "\n[live]\nrpc = [\"http://127.0.0.1:9\"]\n"));
        const RunResult r = run_live(w);
        INFO(brief(r));
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, "- signer: did not start:"));
        CHECK(contains(r.err, "0644"));
        CHECK(contains(r.err, "- rpc: no endpoint answered getSlot (http://127.0.0.1:9)"));
    }
    SECTION("against the local validator: an empty wallet, then a funded one") {
        Localnet net(w);
        write_file(w.config, live_config(w, signer, "\n[live]\nrpc = [\"" + net.url + "\"]\nmin_balance_sol = 0.5\n"));
        RunResult r = run_live(w);
        INFO(brief(r));
        CHECK(r.exit_code == 1);
        const RunResult pk = run({kSniperd, "pubkey", "--keypair", key}, w.out("pubkey"));
        REQUIRE(pk.exit_code == 0);
        const std::string wallet = split_words(pk.out).at(0);
        const auto pubkey = sniper::solana::pubkey_from_base58(wallet);
        REQUIRE(pubkey.has_value());
        CHECK(contains(r.err, "- wallet: " + wallet + " holds 0.000000000 SOL, less than [live] min_balance_sol = "
                                                      "0.500000000 SOL"));
        CHECK_FALSE(contains(r.err, "- signer:"));
        CHECK_FALSE(contains(r.err, "- rpc:"));

        // Fund it on the validator: only the live feed is missing now.
        sniper::rpc::RpcClientConfig rc;
        rc.endpoints.push_back({"localnet", net.url, 100, 100});
        sniper::rpc::RpcClient client(rc);
        std::promise<bool> done;
        sniper::rpc::request_airdrop(client, *pubkey, 2'000'000'000ULL,
                                     [&done](sniper::rpc::RpcResult<sniper::solana::Signature> a) {
                                         done.set_value(a.ok());
                                     });
        REQUIRE(done.get_future().get());
        bool funded = false;
        for (int i = 0; i < 100 && !funded; ++i) {
            std::promise<uint64_t> bal;
            sniper::rpc::get_balance(client, *pubkey, sniper::rpc::Commitment::Confirmed,
                                     [&bal](sniper::rpc::RpcResult<sniper::rpc::Balance> b) {
                                         bal.set_value(b.ok() ? b.value.lamports : 0);
                                     });
            funded = bal.get_future().get() >= 2'000'000'000ULL;
            if (!funded) {
                std::this_thread::sleep_for(100ms);
            }
        }
        client.stop();
        REQUIRE(funded);
        r = run_live(w);
        INFO(brief(r));
        CHECK(r.exit_code == 1);
        CHECK_FALSE(contains(r.err, "- wallet:"));
        CHECK_FALSE(contains(r.err, "- signer:"));
        CHECK(contains(r.err, "- feed: live mode trades on live market data only; configure [feeds.watch]"));
        CHECK_FALSE(exists(w.db())); // nothing was journaled: refused before the journal opened
    }
}
