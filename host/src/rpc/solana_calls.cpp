// rpc/solana_calls.cpp — each typed call is params + method + parser over
// RpcClient::call; one template does the plumbing.
#include "rpc/solana_calls.hpp"

#include "solana/transaction.hpp"

#include <stdexcept>

namespace sniper::rpc {

namespace {

template <class T, class Parse> RpcResult<T> typed_result(RpcResponse r, Parse& parse) {
    RpcResult<T> out;
    out.error = std::move(r.error);
    if (out.error.endpoint.empty()) {
        out.error.endpoint = r.endpoint; // who answered, also on success
    }
    if (out.error.ok()) {
        if (auto e = parse(r.result_json, out.value)) {
            out.error.status = RpcStatus::Malformed;
            out.error.message = *e;
            out.value = T{};
        }
    }
    return out;
}

template <class T, class Parse>
uint64_t typed(RpcClient& c, const char* method, std::string params, Handler<T> h, CallOptions o,
               Parse parse) {
    return c.call(
        method, std::move(params),
        [h = std::move(h), parse = std::move(parse)](RpcResponse r) mutable {
            h(typed_result<T>(std::move(r), parse));
        },
        o);
}

solana::Signature first_signature(std::span<const uint8_t> tx) {
    solana::Transaction parsed;
    if (auto e = solana::parse_transaction(tx, parsed)) {
        throw std::invalid_argument("send_transaction: not a transaction: " + e->to_string());
    }
    if (parsed.signatures.empty()) {
        throw std::invalid_argument("send_transaction: transaction without signatures");
    }
    return parsed.signatures.front();
}

auto signature_matching(const solana::Signature& expected) {
    return [expected](std::string_view text, solana::Signature& out) -> ParseError {
        if (auto e = parse_signature(text, out)) {
            return e;
        }
        if (!(out == expected)) {
            return "result: expected the transaction's first signature " +
                   solana::to_base58(expected) + ", found " + solana::to_base58(out);
        }
        return std::nullopt;
    };
}

} // namespace

uint64_t get_latest_blockhash(RpcClient& c, Commitment cm, Handler<LatestBlockhash> h,
                              CallOptions o) {
    return typed<LatestBlockhash>(
        c, "getLatestBlockhash", params::get_latest_blockhash(cm), std::move(h), o,
        [](std::string_view t, LatestBlockhash& v) { return parse_latest_blockhash(t, v); });
}

uint64_t send_transaction(RpcClient& c, std::span<const uint8_t> tx, Handler<solana::Signature> h,
                          SendOptions so, CallOptions o) {
    const solana::Signature expected = first_signature(tx);
    return typed<solana::Signature>(c, "sendTransaction", params::send_transaction(tx, so),
                                    std::move(h), o, signature_matching(expected));
}

uint64_t broadcast_transaction(RpcClient& c, std::span<const uint8_t> tx,
                               std::function<void(std::vector<RpcResult<solana::Signature>>)> h,
                               SendOptions so, CallOptions o) {
    auto parse = signature_matching(first_signature(tx));
    return c.broadcast(
        "sendTransaction", params::send_transaction(tx, so),
        [h = std::move(h), parse](std::vector<RpcResponse> rs) mutable {
            std::vector<RpcResult<solana::Signature>> out;
            out.reserve(rs.size());
            for (auto& r : rs) {
                out.push_back(typed_result<solana::Signature>(std::move(r), parse));
            }
            h(std::move(out));
        },
        o);
}

uint64_t get_signature_statuses(RpcClient& c, std::vector<solana::Signature> sigs, bool search,
                                Handler<SignatureStatuses> h, CallOptions o) {
    const size_t n = sigs.size();
    return typed<SignatureStatuses>(c, "getSignatureStatuses",
                                    params::get_signature_statuses(sigs, search), std::move(h), o,
                                    [n](std::string_view t, SignatureStatuses& v) {
                                        return parse_signature_statuses(t, n, v);
                                    });
}

uint64_t get_block_height(RpcClient& c, Commitment cm, Handler<uint64_t> h, CallOptions o) {
    return typed<uint64_t>(c, "getBlockHeight", params::commitment_only(cm), std::move(h), o,
                           [](std::string_view t, uint64_t& v) { return parse_u64(t, v); });
}

uint64_t get_slot(RpcClient& c, Commitment cm, Handler<uint64_t> h, CallOptions o) {
    return typed<uint64_t>(c, "getSlot", params::commitment_only(cm), std::move(h), o,
                           [](std::string_view t, uint64_t& v) { return parse_u64(t, v); });
}

uint64_t get_balance(RpcClient& c, const solana::Pubkey& a, Commitment cm, Handler<Balance> h,
                     CallOptions o) {
    return typed<Balance>(c, "getBalance", params::get_balance(a, cm), std::move(h), o,
                          [](std::string_view t, Balance& v) { return parse_balance(t, v); });
}

uint64_t get_token_account_balance(RpcClient& c, const solana::Pubkey& a, Commitment cm,
                                   Handler<TokenAmount> h, CallOptions o) {
    return typed<TokenAmount>(
        c, "getTokenAccountBalance", params::get_token_account_balance(a, cm), std::move(h), o,
        [](std::string_view t, TokenAmount& v) { return parse_token_account_balance(t, v); });
}

uint64_t get_multiple_accounts(RpcClient& c, std::vector<solana::Pubkey> accounts, Commitment cm,
                               Handler<MultipleAccounts> h, CallOptions o) {
    if (accounts.size() > 100) {
        throw std::invalid_argument("get_multiple_accounts: at most 100 keys per call, asked " +
                                    std::to_string(accounts.size()));
    }
    const size_t n = accounts.size();
    return typed<MultipleAccounts>(
        c, "getMultipleAccounts", params::get_multiple_accounts(accounts, cm), std::move(h), o,
        [n](std::string_view t, MultipleAccounts& v) { return parse_multiple_accounts(t, n, v); });
}

uint64_t get_transaction(RpcClient& c, const solana::Signature& sig, Commitment cm,
                         Handler<std::optional<TransactionInfo>> h, CallOptions o) {
    return typed<std::optional<TransactionInfo>>(
        c, "getTransaction", params::get_transaction(sig, cm), std::move(h), o,
        [](std::string_view t, std::optional<TransactionInfo>& v) -> ParseError {
            TransactionInfo info;
            bool found = false;
            if (auto e = parse_transaction(t, found, info)) {
                return e;
            }
            if (found) {
                v = std::move(info);
            } else {
                v.reset();
            }
            return std::nullopt;
        });
}

uint64_t get_recent_prioritization_fees(RpcClient& c, std::vector<solana::Pubkey> accounts,
                                        Handler<std::vector<PrioritizationFee>> h, CallOptions o) {
    return typed<std::vector<PrioritizationFee>>(
        c, "getRecentPrioritizationFees", params::get_recent_prioritization_fees(accounts),
        std::move(h), o, [](std::string_view t, std::vector<PrioritizationFee>& v) {
            return parse_prioritization_fees(t, v);
        });
}

uint64_t simulate_transaction(RpcClient& c, std::span<const uint8_t> tx, SimulateOptions so,
                              Handler<SimulationResult> h, CallOptions o) {
    return typed<SimulationResult>(
        c, "simulateTransaction", params::simulate_transaction(tx, so), std::move(h), o,
        [](std::string_view t, SimulationResult& v) { return parse_simulation(t, v); });
}

uint64_t request_airdrop(RpcClient& c, const solana::Pubkey& to, uint64_t lamports,
                         Handler<solana::Signature> h, CallOptions o) {
    return typed<solana::Signature>(
        c, "requestAirdrop", params::request_airdrop(to, lamports), std::move(h), o,
        [](std::string_view t, solana::Signature& v) { return parse_signature(t, v); });
}

} // namespace sniper::rpc
