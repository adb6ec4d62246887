// solfeed/ws_fetch.cpp — what the WebSocket source reads over JSON-RPC, off
// its connection threads (answers arrive on the RPC client's thread and
// take the source's mutex): the transaction of a Raydium pool seen in logs,
// and new tokens' safety facts (the mint account; a pump.fun coin's largest
// holders without the curve's own account).
#include "solfeed/ws_source_impl.hpp"

#include "chain/accounts.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "solana/associated_token.hpp"
#include "solana/base58.hpp"
#include "solana/base64.hpp"
#include "solana/program_ids.hpp"

#include <simdjson.h>

#include <algorithm>

namespace sniper::solfeed {

namespace {

// getAccountInfo (base64) of a mint -> its facts; nullopt when the answer
// is not an initialized SPL Token / Token-2022 mint.
std::optional<MintFacts> parse_mint(const std::string& result_json) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc, data0;
    std::string_view owner, b64;
    if (parser.parse(result_json).get(doc) != simdjson::SUCCESS ||
        doc["value"]["owner"].get_string().get(owner) != simdjson::SUCCESS ||
        doc["value"]["data"].at(0).get_string().get(b64) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    const bool t22 = owner == "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
    if (!t22 && owner != "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA") {
        return std::nullopt;
    }
    const auto bytes = solana::base64_decode(b64);
    chain::Mint m;
    if (!bytes || chain::decode_mint(bytes->data(), bytes->size(), t22, m) != chain::Reject::None ||
        !m.is_initialized) {
        return std::nullopt;
    }
    MintFacts f;
    f.mint_authority = m.has_mint_authority;
    f.freeze_authority = m.has_freeze_authority;
    f.supply = m.supply;
    f.decimals = m.decimals;
    return f;
}

// getTokenLargestAccounts -> the ten largest amounts summed, leaving out
// `exclude` (the pool's own token accounts); nullopt when malformed.
std::optional<uint64_t> parse_top10(const std::string& result_json, const std::vector<Pubkey>& exclude) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::dom::array list;
    if (parser.parse(result_json).get(doc) != simdjson::SUCCESS ||
        doc["value"].get_array().get(list) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    std::vector<uint64_t> amounts;
    for (simdjson::dom::element e : list) {
        std::string_view address, amount;
        Pubkey key{};
        if (e["address"].get_string().get(address) != simdjson::SUCCESS ||
            e["amount"].get_string().get(amount) != simdjson::SUCCESS ||
            !pubkey_from_base58(address, key) || amount.empty() || amount.size() > 20) {
            return std::nullopt;
        }
        unsigned __int128 v = 0;
        for (char c : amount) {
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (v > UINT64_MAX) {
            return std::nullopt;
        }
        if (std::find(exclude.begin(), exclude.end(), key) == exclude.end()) {
            amounts.push_back(static_cast<uint64_t>(v));
        }
    }
    std::sort(amounts.rbegin(), amounts.rend());
    unsigned __int128 sum = 0;
    for (size_t i = 0; i < amounts.size() && i < 10; ++i) {
        sum += amounts[i];
    }
    return sum > UINT64_MAX ? std::nullopt : std::optional<uint64_t>(static_cast<uint64_t>(sum));
}

Pubkey from_solana(const solana::Pubkey& k) {
    Pubkey out{};
    std::memcpy(out.bytes, k.bytes.data(), 32);
    return out;
}

solana::Pubkey to_solana(const Pubkey& k) {
    solana::Pubkey out{};
    std::memcpy(out.bytes.data(), k.bytes, 32);
    return out;
}

// An RPC answer handled under the source's mutex, unless the source is gone
// or stopping (nothing more goes out then).
template <class F> rpc::RpcCallback under_lock(std::weak_ptr<SolanaWsSource::Impl> weak, F f) {
    return [weak = std::move(weak), f = std::move(f)](rpc::RpcResponse resp) {
        auto self = weak.lock();
        if (!self || self->closed.load()) {
            return;
        }
        std::lock_guard<std::mutex> lk(self->mu);
        f(*self, resp);
    };
}

} // namespace

// Off the connection threads: the mint account and, for pump.fun curves,
// the largest holders. Answers come back on the RPC client's thread.
void SolanaWsSource::Impl::fetch_safety(const snp_ev_new_pool& np) {
    const Pubkey pool = np.pool;
    const std::string mint = base58(np.base_mint);
    std::weak_ptr<Impl> weak = weak_from_this();
    // A failed fact stays unknown (its field at the worst value); logged
    // the first time and every 100th.
    const auto failed = [](Impl& self, const char* what, const std::string& why) {
        if (self.enrich_failures++ % 100 == 0) {
            log::warn("feed.ws", "a token-safety fact could not be read; the pool is released with it unknown",
                      {{"fact", what}, {"error", why}, {"failures", self.enrich_failures}});
        }
    };
    if (hold.wants_mint(pool)) {
        rpc->call("getAccountInfo",
                  "[\"" + mint + "\",{\"encoding\":\"base64\",\"commitment\":\"confirmed\"}]",
                  under_lock(weak, [pool, failed](Impl& self, const rpc::RpcResponse& resp) {
                      std::optional<MintFacts> m;
                      if (resp.ok()) {
                          m = parse_mint(resp.result_json);
                      }
                      if (!m) {
                          failed(self, "mint", resp.ok() ? "not an initialized token mint" : resp.error.message);
                      }
                      self.hold.on_mint(pool, m);
                      self.release_ready_locked();
                  }));
    }
    if (hold.wants_holders(pool)) {
        // The curve's own token account (Token or Token-2022) is the pool.
        const solana::Pubkey owner = to_solana(pool), mk = to_solana(np.base_mint);
        std::vector<Pubkey> exclude = {
            from_solana(solana::associated_token_address(owner, mk, solana::kTokenProgram)),
            from_solana(solana::associated_token_address(owner, mk, solana::kToken2022Program))};
        rpc->call("getTokenLargestAccounts", "[\"" + mint + "\",{\"commitment\":\"confirmed\"}]",
                  under_lock(weak, [pool, exclude, failed](Impl& self, const rpc::RpcResponse& resp) {
                      std::optional<uint64_t> top10;
                      if (resp.ok()) {
                          top10 = parse_top10(resp.result_json, exclude);
                      }
                      if (!top10) {
                          failed(self, "holders", resp.ok() ? "malformed largest accounts" : resp.error.message);
                      }
                      self.hold.on_holders(pool, top10);
                      self.release_ready_locked();
                  }));
    }
    ++enriched;
}

void SolanaWsSource::Impl::fetch_transaction(const uint8_t* sig) {
    if (!rpc) {
        ++skipped;
        count_locked("NO_RPC_FOR_TRANSACTION",
                     "a Raydium pool was created; its accounts need getTransaction and "
                     "feeds.ws.rpc / [live] rpc is not set");
        return;
    }
    ++fetches;
    const std::string params = "[\"" + solana::base58_encode(sig, 64) +
                               "\",{\"encoding\":\"json\",\"maxSupportedTransactionVersion\":0,"
                               "\"commitment\":\"confirmed\"}]";
    std::weak_ptr<Impl> weak = weak_from_this();
    rpc->call("getTransaction", params, under_lock(weak, [](Impl& self, const rpc::RpcResponse& resp) {
        if (!resp.ok()) {
            ++self.fetch_failures;
            self.count_locked("TRANSACTION_FETCH_FAILED", resp.error.message);
            return;
        }
        const std::string wrapped = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + resp.result_json + "}";
        if (self.raw != nullptr) {
            self.record_raw(wrapped);
        }
        const chain::DecodeResult& r = self.decoder.decode(wrapped);
        if (r.ok() && r.kind == chain::MessageKind::Null) {
            ++self.fetch_failures;
            self.count_locked("TRANSACTION_NOT_FOUND", "getTransaction answered null");
            return;
        }
        self.decoded(nullptr, r, mono_ns(), true);
    }));
}

} // namespace sniper::solfeed
