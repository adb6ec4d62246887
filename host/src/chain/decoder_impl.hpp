// chain/decoder_impl.hpp — (internal to chain) the state of one
// SolanaWsDecoder and the JSON field helpers its two halves share:
// solana_ws_decoder.cpp (envelopes, accounts) and transaction_decoder.cpp
// (instructions, token balances, the walk over the logs).
#pragma once

#include "chain/emit.hpp"
#include "chain/fast_logs.hpp"
#include "chain/log_stack.hpp"
#include "chain/pool_registry.hpp"
#include "chain/solana_ws_decoder.hpp"
#include "chain/wire.hpp"

#include <simdjson.h>

#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sniper::chain {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

inline constexpr size_t kMaxDepth = 64;
inline constexpr std::string_view kOverflowMarker{"\0sniper:u64-overflow", 20};
inline constexpr size_t kMaxKeys = 256;
inline constexpr size_t kMaxWatchedIx = 64;

// A refusal and where it happened (static text).
struct Fail {
    Reject r;
    const char* where;
};

#define CHAIN_TRY(expr)                                                                            \
    do {                                                                                           \
        if (Fail f_ = (expr); f_.r != Reject::None) {                                              \
            return f_;                                                                             \
        }                                                                                          \
    } while (0)

inline constexpr Fail kOk{Reject::None, ""};

// Picks the named fields of an object; a picked key seen twice refuses.
template <size_t N> struct Pick {
    std::string_view keys[N];
    element vals[N];
    bool has[N] = {};
};
template <size_t N> Fail pick(element e, Pick<N>& p, const char* where) {
    object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
        return {Reject::FieldType, where};
    }
    for (auto kv : o) {
        for (size_t i = 0; i < N; ++i) {
            if (kv.key == p.keys[i]) {
                if (p.has[i]) {
                    return {Reject::JsonDuplicateKey, p.keys[i].data()}; // keys are string literals
                }
                p.has[i] = true;
                p.vals[i] = kv.value;
                break;
            }
        }
    }
    return kOk;
}

inline Fail need(bool has, const char* where) {
    return has ? kOk : Fail{Reject::FieldMissing, where};
}

inline Fail as_u64(element e, uint64_t& out, const char* where) {
    switch (e.type()) {
    case element_type::UINT64:
        out = e.get_uint64().value_unsafe();
        return kOk;
    case element_type::INT64: {
        const int64_t v = e.get_int64().value_unsafe();
        if (v < 0) {
            return {Reject::IntRange, where};
        }
        out = static_cast<uint64_t>(v);
        return kOk;
    }
    case element_type::STRING:
        if (std::string_view(e.get_string().value_unsafe()) == kOverflowMarker) {
            return {Reject::IntRange, where};
        }
        return {Reject::FieldType, where};
    default:
        return {Reject::FieldType, where};
    }
}

inline Fail as_str(element e, std::string_view& out, const char* where) {
    if (e.type() != element_type::STRING) {
        return {Reject::FieldType, where};
    }
    out = e.get_string().value_unsafe();
    if (out == kOverflowMarker) {
        return {Reject::FieldType, where};
    }
    return kOk;
}

inline Fail as_key(element e, Pubkey& out, const char* where) {
    std::string_view s;
    CHAIN_TRY(as_str(e, s, where));
    return key_from_base58(s, out) ? kOk : Fail{Reject::Base58Invalid, where};
}

inline bool is_null(element e) {
    return e.type() == element_type::NULL_VALUE;
}

struct SolanaWsDecoder::Impl {
    explicit Impl(const DecoderConfig& c)
        : cfg(c), registry(c.registry_capacity), data_buf(c.max_log_line_bytes * 3 / 4 + 8),
          account_buf(1u << 16), ix_buf(12u << 10) {
        if (parser.allocate(1u << 16, kMaxDepth) != simdjson::SUCCESS) {
            throw std::bad_alloc();
        }
    }

    DecoderConfig cfg;
    PoolRegistry registry;
    DecodeCounters counters;
    DecodeResult result;
    const Pubkey* account_hint = nullptr; // decode(json, account): whose accountNotification
    simdjson::dom::parser parser;
    FastLogs fast; // the logsNotification fast path's finds
    std::string padded;
    std::string rewritten;
    std::vector<uint8_t> data_buf;
    std::vector<uint8_t> account_buf;
    std::vector<uint8_t> ix_buf;

    // Transaction context (valid during one decode).
    std::string_view keys[kMaxKeys];
    size_t n_keys = 0;
    element ray_ix[kMaxWatchedIx];
    size_t n_ray = 0;
    element pswap_ix[kMaxWatchedIx];
    size_t n_pswap = 0;
    bool have_tx = false;
    element post_balances;
    bool have_post_balances = false;
    KnownPool pending[DecodeResult::kMaxEvents];
    size_t n_pending = 0;

    // follow(): the vaults of the followed AMM pools, and per pool the last
    // amount and slot each side reported. A POOL_UPDATE is built when both
    // sides stand at the same slot (every swap moves both vaults in one
    // transaction; a lone transfer into one vault waits for the next swap).
    struct Vault {
        Pubkey pool{}, mint{}, owner{};
        bool sol_side = false;
    };
    struct VaultPair {
        uint64_t token = 0, token_slot = 0, sol = 0, sol_slot = 0, emitted_slot = 0;
    };
    struct Followed {
        Pubkey mint{}; // the token
        std::vector<Pubkey> accounts;
        VaultPair pair;
    };
    std::unordered_map<Pubkey, Followed, PubkeyHash> followed; // by pool
    std::unordered_map<Pubkey, Vault, PubkeyHash> vaults;      // by vault

    void reset() {
        result.reject = Reject::None;
        result.where = "";
        result.kind = MessageKind::Unknown;
        result.slot = 0;
        result.has_signature = false;
        result.failed_tx = false;
        result.needs_transaction = false;
        std::memset(result.skipped, 0, sizeof result.skipped);
        result.n_events = 0;
        n_keys = n_ray = n_pswap = n_pending = 0;
        have_tx = have_post_balances = false;
    }

    Fail parse(std::string_view json, element& root);
    // The result of one decode: counted, its events timed, its learned
    // pools put into the registry (only when it was accepted).
    const DecodeResult& finish(Fail f);
    Fail message(element root);
    Fail logs_notification(element result);
    Fail logs_notification_fast(); // from `fast`
    Fail transaction(element txwrap, uint64_t slot, std::string_view envelope_sig,
                     bool has_envelope_sig, int64_t block_ns);
    Fail account(element value, bool has_pubkey, const Pubkey& pubkey);
    enum class AccountProgram { PumpFun, Token, Token2022, Other };
    static AccountProgram account_program(const Pubkey& owner);
    Fail account_bytes(const Pubkey& owner, const uint8_t* data, size_t n, bool has_pubkey, const Pubkey& pubkey);
    Fail vault(const Vault& v, const uint8_t* d, size_t n, bool token_2022, Emitter& em);
    bool accounts_of(const KnownPool& k, std::vector<Pubkey>& out);
    Fail walk_logs(element logs, Emitter& em);
    Fail walk_logs(const std::vector<std::string_view>& lines, Emitter& em);
    template <class Lines, class AsLine>
    Fail walk_lines(const Lines& logs, AsLine as_line, Emitter& em);
    Fail raydium_log(const Line& l, Emitter& em, raydium::Initialize2& init2, int64_t& init2_frame);
    Fail signature(element e, const char* where);
    Fail signature(std::string_view text, const char* where);
    Fail collect_instructions(element message, element meta);
    Fail resolve_account(element accounts, size_t i, Pubkey& out);
    Fail ix_data(element ix, const uint8_t*& p, size_t& n);
    Fail vault_balance(const Pubkey& vault, bool& found, uint64_t& amount);
};

} // namespace sniper::chain
