// rpc/solana_params.cpp — the params of each JSON-RPC method the host
// calls, and the small helpers over their typed results (commitment names,
// fee percentiles, balance changes of a transaction). The readers of the
// results are in solana_parse.cpp.
#include "rpc/solana_parse.hpp"

#include "core/json.hpp"
#include "solana/base64.hpp"

#include <algorithm>

namespace sniper::rpc {

const char* to_string(Commitment c) {
    switch (c) {
    case Commitment::Processed:
        return "processed";
    case Commitment::Confirmed:
        return "confirmed";
    case Commitment::Finalized:
        return "finalized";
    case Commitment::Invalid:
        break;
    }
    return "confirmed";
}

uint64_t fee_percentile(const std::vector<PrioritizationFee>& fees, unsigned percentile) {
    if (fees.empty()) {
        return 0;
    }
    std::vector<uint64_t> v;
    v.reserve(fees.size());
    for (const auto& f : fees) {
        v.push_back(f.fee_micro_lamports);
    }
    std::sort(v.begin(), v.end());
    const unsigned p = std::min(percentile, 100u);
    // Nearest rank: the smallest value with at least p% of values <= it.
    size_t rank = (static_cast<size_t>(p) * v.size() + 99) / 100;
    rank = std::max<size_t>(rank, 1);
    return v[rank - 1];
}

std::optional<size_t> TransactionInfo::account_index(const solana::Pubkey& key) const {
    for (size_t i = 0; i < account_keys.size(); ++i) {
        if (account_keys[i] == key) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<BalanceChange> TransactionInfo::sol_balance(size_t index) const {
    if (index >= pre_balances.size() || index >= post_balances.size()) {
        return std::nullopt;
    }
    return BalanceChange{pre_balances[index], post_balances[index]};
}

std::optional<BalanceChange> TransactionInfo::sol_balance(const solana::Pubkey& key) const {
    const auto i = account_index(key);
    return i ? sol_balance(*i) : std::nullopt;
}

BalanceChange TransactionInfo::token_balance(const solana::Pubkey& owner,
                                             const solana::Pubkey& mint) const {
    BalanceChange c;
    for (const auto& t : pre_token_balances) {
        if (t.owner == owner && t.mint == mint) {
            c.pre += t.amount;
        }
    }
    for (const auto& t : post_token_balances) {
        if (t.owner == owner && t.mint == mint) {
            c.post += t.amount;
        }
    }
    return c;
}

// ---- params -----------------------------------------------------------

namespace params {

std::string commitment_only(Commitment c) {
    return std::string("[{\"commitment\":\"") + to_string(c) + "\"}]";
}

std::string get_latest_blockhash(Commitment c) {
    return commitment_only(c);
}

std::string send_transaction(std::span<const uint8_t> tx, const SendOptions& o) {
    return "[\"" + solana::base64_encode(tx) + "\",{\"encoding\":\"base64\",\"skipPreflight\":" +
           (o.skip_preflight ? "true" : "false") + ",\"preflightCommitment\":\"" +
           to_string(o.preflight_commitment) + "\",\"maxRetries\":0}]";
}

std::string is_blockhash_valid(const solana::Hash& blockhash, Commitment c) {
    return "[\"" + solana::to_base58(blockhash) + "\",{\"commitment\":\"" + to_string(c) + "\"}]";
}

std::string send_bundle(std::span<const std::span<const uint8_t>> txs) {
    std::string s = "[[";
    for (size_t i = 0; i < txs.size(); ++i) {
        s += (i ? ",\"" : "\"") + solana::base64_encode(txs[i]) + "\"";
    }
    s += "],{\"encoding\":\"base64\"}]";
    return s;
}

std::string get_signature_statuses(std::span<const solana::Signature> sigs, bool search) {
    std::string s = "[[";
    for (size_t i = 0; i < sigs.size(); ++i) {
        s += (i ? ",\"" : "\"") + solana::to_base58(sigs[i]) + "\"";
    }
    s += "],{\"searchTransactionHistory\":";
    s += search ? "true" : "false";
    s += "}]";
    return s;
}

std::string get_balance(const solana::Pubkey& a, Commitment c) {
    return "[\"" + solana::to_base58(a) + "\",{\"commitment\":\"" + to_string(c) + "\"}]";
}

std::string get_token_account_balance(const solana::Pubkey& a, Commitment c) {
    return get_balance(a, c);
}

std::string get_multiple_accounts(std::span<const solana::Pubkey> accounts, Commitment c) {
    std::string s = "[[";
    for (size_t i = 0; i < accounts.size(); ++i) {
        s += (i ? ",\"" : "\"") + solana::to_base58(accounts[i]) + "\"";
    }
    return s + "],{\"encoding\":\"base64\",\"commitment\":\"" + to_string(c) + "\"}]";
}

std::string get_transaction(const solana::Signature& sig, Commitment c) {
    return "[\"" + solana::to_base58(sig) +
           "\",{\"encoding\":\"json\",\"maxSupportedTransactionVersion\":0,\"commitment\":\"" +
           to_string(c == Commitment::Processed ? Commitment::Confirmed : c) + "\"}]";
}

std::string get_recent_prioritization_fees(std::span<const solana::Pubkey> accounts) {
    std::string s = "[[";
    for (size_t i = 0; i < accounts.size(); ++i) {
        s += (i ? ",\"" : "\"") + solana::to_base58(accounts[i]) + "\"";
    }
    return s + "]]";
}

std::string simulate_transaction(std::span<const uint8_t> tx, const SimulateOptions& o) {
    return "[\"" + solana::base64_encode(tx) +
           "\",{\"encoding\":\"base64\",\"sigVerify\":" + (o.sig_verify ? "true" : "false") +
           ",\"replaceRecentBlockhash\":" + (o.replace_recent_blockhash ? "true" : "false") +
           ",\"commitment\":\"" + to_string(o.commitment) + "\"}]";
}

std::string request_airdrop(const solana::Pubkey& to, uint64_t lamports) {
    return "[\"" + solana::to_base58(to) + "\"," + std::to_string(lamports) + "]";
}

} // namespace params

} // namespace sniper::rpc
