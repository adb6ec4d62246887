// tests/live/live_test_util.hpp — a live executor wired to the local
// validator (tools/localnet) and the real sniper-signer, for the [localnet]
// tests: a funded wallet key file, the config, the store, the executor
// with a report collector, and chain reads (balances, landed signatures).
#pragma once

#include "core/solana_key.hpp"
#include "live/live_executor.hpp"
#include "rpc/rpc_test_util.hpp"
#include "rpc/solana_calls.hpp"
#include "signer/signer_client.hpp"
#include "solana/associated_token.hpp"
#include "solana/keypair.hpp"
#include "solana/program_ids.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <simdjson.h>

#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

namespace sniper::live::test {

using namespace std::chrono_literals;


struct SeededPool {
    std::string symbol;
    solana::Pubkey mint;
    uint64_t sol_reserve = 0, token_reserve = 0;
};

inline std::vector<SeededPool> seeded_pools(const std::string& url) {
    const rpc::test::Http h = rpc::test::http(url + "/admin/pools");
    REQUIRE(h.status == 200);
    simdjson::dom::parser p;
    simdjson::dom::element root = p.parse(h.body);
    simdjson::dom::array arr;
    if (root.get_array().get(arr) != simdjson::SUCCESS) {
        REQUIRE(root["pools"].get_array().get(arr) == simdjson::SUCCESS);
    }
    std::vector<SeededPool> out;
    for (simdjson::dom::element e : arr) {
        SeededPool s;
        s.symbol = std::string(std::string_view(e["symbol"]));
        auto m = solana::pubkey_from_base58(std::string_view(e["mint"]));
        REQUIRE(m);
        s.mint = *m;
        out.push_back(s);
    }
    return out;
}

// Reports as the engine would receive them.
struct Collector {
    std::mutex mu;
    std::condition_variable cv;
    std::map<uint64_t, ExecReport> final;
    std::map<uint64_t, uint32_t> sent;
    size_t duplicates = 0; // final reports for an order already settled (must stay 0)
    void push(ExecReport r) {
        std::lock_guard lk(mu);
        if (r.final()) {
            duplicates += final.count(r.intent_id);
            final[r.intent_id] = std::move(r);
        } else {
            ++sent[r.intent_id];
        }
        cv.notify_all();
    }
    bool wait_final(size_t n, std::chrono::seconds timeout) {
        std::unique_lock lk(mu);
        return cv.wait_for(lk, timeout, [&] { return final.size() >= n; });
    }
    ExecReport get(uint64_t id) {
        std::lock_guard lk(mu);
        return final.at(id);
    }
};

struct LiveRig {
    testing::TempDir dir;
    std::string key_path;
    solana::Pubkey wallet;
    Config cfg;
    std::unique_ptr<Store> store;
    std::unique_ptr<LiveExecutor> ex;
    Collector reports;

    LiveRig(const std::vector<std::string>& rpc_urls, const std::string& url, uint64_t fund_lamports) {
        key_path = dir.path.string() + "/id.json";
        solana::SecretKey k = solana::generate_keypair();
        wallet = k.public_key();
        REQUIRE(solana::write_keypair_file(key_path, k).empty());
        const rpc::test::Http a = rpc::test::http_post(
            url + "/admin/airdrop",
            "{\"pubkey\":\"" + solana::to_base58(wallet) + "\",\"lamports\":\"" + std::to_string(fund_lamports) + "\"}");
        INFO(a.body);
        REQUIRE(a.status == 200);
        cfg.mode = Mode::Live;
        cfg.data_dir = dir.path.string() + "/data";
        cfg.live.rpc_urls = rpc_urls;
        cfg.live.rpc_requests_per_second = 5000;
        cfg.live.jupiter_url = url;
        cfg.live.jito_url = url;
        cfg.live.rebroadcast_interval_ns = 100'000'000;
        cfg.live.status_interval_ns = 60'000'000;
        cfg.live.order_timeout_ns = 60'000'000'000;
        cfg.live.tip_lamports = 20'000;
        cfg.live.max_resigns = 3;
        cfg.signer.keypair_path = key_path;
        cfg.signer.journal_path = dir.path.string() + "/signer.sqlite";
        cfg.signer.max_tx_lamports = 2'000'000'000;
        cfg.signer.max_day_lamports = 1'000'000'000'000;
        cfg.signer.max_resigns = 3;
        std::string err;
        store = Store::open(cfg.data_dir, &err);
        INFO(err);
        REQUIRE(store);
        start();
    }
    // (Re)starts the signer and the executor on the same data (a restart).
    void start() {
        std::string err;
        auto signer = signer::SignerClient::start(
            signer::signer_launch_from_config(cfg, std::string(SNIPER_BUILD_DIR) + "/sniper-signer"), err);
        INFO(err);
        REQUIRE(signer);
        ex = std::make_unique<LiveExecutor>(cfg, std::move(signer), store.get());
        ex->attach([this](ExecReport r) { reports.push(std::move(r)); });
    }

    Order order(uint64_t id, uint32_t side, const solana::Pubkey& mint, uint64_t amount, uint32_t route) const {
        Order o;
        o.intent_id = id;
        o.strategy = "t";
        o.side = side;
        o.mint = from_solana(mint);
        o.amount_in = amount;
        o.max_slippage_bps = 500;
        o.route = route;
        return o;
    }
};

// Chain reads through a plain client.
struct Chain {
    rpc::RpcClient c;
    explicit Chain(const std::string& url) : c(cfg(url)) {}
    static rpc::RpcClientConfig cfg(const std::string& url) {
        rpc::RpcClientConfig rc;
        rc.endpoints.push_back({"t", url, 1000, 1000});
        return rc;
    }
    uint64_t lamports(const solana::Pubkey& k) {
        auto r = rpc::test::sync<rpc::RpcResult<rpc::Balance>>(
            [&](auto cb) { rpc::get_balance(c, k, rpc::Commitment::Confirmed, cb); });
        REQUIRE(r.ok());
        return r.value.lamports;
    }
    // 0 when the token account does not exist.
    uint64_t atoms(const solana::Pubkey& owner, const solana::Pubkey& mint) {
        const solana::Pubkey ata = solana::associated_token_address(owner, mint, solana::kTokenProgram);
        auto r = rpc::test::sync<rpc::RpcResult<rpc::TokenAmount>>(
            [&](auto cb) { rpc::get_token_account_balance(c, ata, rpc::Commitment::Confirmed, cb); });
        return r.ok() ? r.value.amount : 0;
    }
};

struct Landed {
    std::string signature;
    bool failed = false;
    uint64_t fee = 0;
};

inline std::vector<Landed> landed_for(const std::string& url, const solana::Pubkey& payer) {
    const rpc::test::Http h = rpc::test::http(url + "/admin/landed?fee_payer=" + solana::to_base58(payer));
    REQUIRE(h.status == 200);
    simdjson::dom::parser p;
    simdjson::dom::element root = p.parse(h.body);
    simdjson::dom::array arr;
    if (root.get_array().get(arr) != simdjson::SUCCESS) {
        REQUIRE(root["landed"].get_array().get(arr) == simdjson::SUCCESS);
    }
    std::vector<Landed> out;
    for (simdjson::dom::element e : arr) {
        Landed l;
        l.signature = std::string(std::string_view(e["signature"]));
        l.failed = !e["err"].is_null();
        std::string_view fee;
        if (e["fee"].get_string().get(fee) == simdjson::SUCCESS) {
            l.fee = std::stoull(std::string(fee));
        }
        out.push_back(std::move(l));
    }
    return out;
}

} // namespace sniper::live::test
