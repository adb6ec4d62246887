// Helpers for the [feeds.ws] source's tests against a scripted JSON-RPC
// node (rpc_test_util's FakeServer) and a loopback WebSocket server: an
// event sink that collects, a polling wait, the source's config, and the
// account bytes and JSON a node answers with.
#pragma once

#include "chain/chain_test_util.hpp"
#include "chain/emit.hpp"
#include "chain/pump_swap.hpp"
#include "core/clock.hpp"
#include "feeds/source.hpp"
#include "solana/base64.hpp"
#include "solfeed/ws_source.hpp"
#include "support/ws_test_server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace scripted_node {

using namespace sniper;

struct Collected {
    std::mutex mu;
    std::vector<EventBuf> events;
};

class Sink final : public EventSink {
  public:
    explicit Sink(Collected& c) : c_(c) {}
    void push_market_event(const EventBuf& ev) override {
        std::lock_guard<std::mutex> lk(c_.mu);
        c_.events.push_back(ev);
    }
    void source_ended() override {}

  private:
    Collected& c_;
};

inline bool wait_for(const std::function<bool()>& pred, int64_t ns = 10'000'000'000) {
    const int64_t end = mono_ns() + ns;
    while (mono_ns() < end) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

inline solfeed::WsSourceConfig config(const std::string& ws, const std::string& rpc, int64_t timeout_ns) {
    solfeed::WsSourceConfig c;
    c.ws.enabled = true;
    c.ws.urls = {ws};
    Pubkey pump{};
    REQUIRE(pubkey_from_base58("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P", pump));
    c.ws.programs = {pump};
    c.ws.stale_after_ns = 0;
    c.ws.enrich_timeout_ns = timeout_ns;
    c.rpc_urls = {rpc};
    return c;
}

inline std::string account_json(const std::vector<uint8_t>& data, const std::string& owner) {
    return R"({"context":{"slot":5},"value":{"data":[")" + solana::base64_encode(data) +
           R"(","base64"],"executable":false,"lamports":1461600,"owner":")" + owner + R"(","rentEpoch":0,"space":)" +
           std::to_string(data.size()) + "}}";
}

// An SPL mint: no authorities, `supply`, `decimals`.
inline std::vector<uint8_t> mint_bytes(uint64_t supply, uint8_t decimals) {
    std::vector<uint8_t> d(82, 0);
    std::memcpy(d.data() + 36, &supply, 8);
    d[44] = decimals;
    d[45] = 1;
    return d;
}

// The same with a mint authority `auth` (COption<Pubkey> at 0).
inline std::vector<uint8_t> mint_bytes_with_authority(uint64_t supply, uint8_t decimals, const Pubkey& auth) {
    std::vector<uint8_t> d = mint_bytes(supply, decimals);
    d[0] = 1;
    std::memcpy(d.data() + 4, auth.bytes, 32);
    return d;
}

// An account as the `value` of getAccountInfo / getMultipleAccounts / an
// accountNotification.
inline std::string account_value(const std::vector<uint8_t>& data, const std::string& owner) {
    return R"({"data":[")" + solana::base64_encode(data) +
           R"(","base64"],"executable":false,"lamports":1461600,"owner":")" + owner +
           R"(","rentEpoch":0,"space":)" + std::to_string(data.size()) + "}";
}

// The id of a JSON-RPC request, as text.
inline std::string id_of(const std::string& req) {
    const size_t at = req.find("\"id\":");
    return at == std::string::npos ? std::string("0") : req.substr(at + 5, req.find_first_of(",}", at) - at - 5);
}

// A token account's 165 bytes (spl-token state.rs Account): mint, owner,
// amount, no delegate, Initialized, not native, no close authority.
inline std::vector<uint8_t> token_account_bytes(const Pubkey& mint, const Pubkey& owner, uint64_t amount) {
    std::vector<uint8_t> d(165, 0);
    std::memcpy(d.data(), mint.bytes, 32);
    std::memcpy(d.data() + 32, owner.bytes, 32);
    std::memcpy(d.data() + 64, &amount, 8);
    d[108] = 1;
    return d;
}

// A PumpSwap create_pool seen in logs (CreatePoolEvent, chain/pump_swap.hpp):
// `token` paired with WSOL, the pool and its LP mint named.
inline std::string pump_swap_create(const Pubkey& pool, const Pubkey& token, const Pubkey& lp_mint, const Pubkey& user) {
    const Pubkey wsol = chain::wsol_mint();
    chain_test::Bytes cp;
    cp.raw(chain::pump_swap::kCreatePoolEventDisc, 8).u64(1742000000).u16(0).key(user).key(token).key(wsol);
    cp.u8(6).u8(9);
    cp.u64(206'900'000'000'000).u64(84'990'359'561).u64(206'900'000'000'000).u64(84'990'359'561);
    cp.u64(1000).u64(4'193'388'898'633).u64(4'193'388'897'633).u8(255);
    cp.key(pool).key(lp_mint).key(user).key(user).key(user);
    const std::string amm = "Program pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
    return chain_test::logs_message(
        {amm + " invoke [1]", "Program data: " + chain_test::b64(cp.b), amm + " success"});
}

// A WebSocket node that answers the logs subscription, then every
// accountSubscribe; after each, sends what `after` gives for that request
// (nothing when empty).
inline ws_test::Server quiet_node(std::function<std::string(const std::string&)> after = {}) {
    return ws_test::Server([after](ws_test::Conn& conn) {
        if (!conn.answer_subscriptions(1)) {
            return;
        }
        std::string req;
        uint64_t sub = 100;
        while (conn.read(req)) {
            if (req.find("\"accountSubscribe\"") != std::string::npos) {
                conn.send(R"({"jsonrpc":"2.0","result":)" + std::to_string(++sub) + R"(,"id":)" + id_of(req) + "}");
                if (const std::string more = after ? after(req) : std::string(); !more.empty()) {
                    conn.send(more);
                }
            }
        }
    });
}

} // namespace scripted_node
