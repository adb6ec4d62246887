// rpc/solana_types.hpp — typed results of the Solana JSON-RPC methods the
// host uses, as exact integers (lamports, token atoms, slots, heights are
// u64; token amounts come from their decimal strings, never a double).
// Errors of transactions (`err`) are kept as their JSON text: the host
// only needs "failed or not" and a readable reason.
#pragma once

#include "rpc/rpc_types.hpp"
#include "solana/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sniper::rpc {

enum class Commitment : uint8_t { Invalid = 0, Processed = 1, Confirmed = 2, Finalized = 3 };
const char* to_string(Commitment c);

// A typed call's outcome: `value` is meaningful only when ok().
template <class T> struct RpcResult {
    RpcError error;
    T value{};
    bool ok() const { return error.ok(); }
};

struct LatestBlockhash {
    solana::Hash blockhash;
    uint64_t last_valid_block_height = 0;
    uint64_t context_slot = 0;
};

struct SignatureStatus {
    uint64_t slot = 0;
    std::optional<uint64_t> confirmations; // null once rooted (finalized)
    std::optional<std::string> err_json;   // set when the transaction failed on chain
    Commitment confirmation_status = Commitment::Invalid;
};

struct SignatureStatuses {
    uint64_t context_slot = 0;
    std::vector<std::optional<SignatureStatus>>
        statuses; // one per signature asked, nullopt = unknown
};

struct Balance {
    uint64_t context_slot = 0;
    uint64_t lamports = 0;
};

struct TokenAmount {
    uint64_t context_slot = 0;
    uint64_t amount = 0; // atoms, exact
    uint8_t decimals = 0;
};

// A balance before and after a transaction; exact in both directions.
struct BalanceChange {
    uint64_t pre = 0;
    uint64_t post = 0;
    uint64_t gained() const { return post > pre ? post - pre : 0; }
    uint64_t lost() const { return pre > post ? pre - post : 0; }
    friend bool operator==(const BalanceChange&, const BalanceChange&) = default;
};

struct TokenBalanceEntry {
    uint32_t account_index = 0;
    solana::Pubkey mint;
    std::optional<solana::Pubkey> owner;
    uint64_t amount = 0; // uiTokenAmount.amount, exact
    uint8_t decimals = 0;
};

struct TransactionInfo {
    uint64_t slot = 0;
    std::optional<int64_t> block_time;
    uint64_t fee = 0;
    std::optional<std::string> err_json;
    std::vector<solana::Signature> signatures;
    // Static account keys, then meta.loadedAddresses writable, then readonly
    // (the indexes balances and token balances refer to).
    std::vector<solana::Pubkey> account_keys;
    std::vector<uint64_t> pre_balances;
    std::vector<uint64_t> post_balances;
    std::vector<TokenBalanceEntry> pre_token_balances;
    std::vector<TokenBalanceEntry> post_token_balances;
    std::optional<uint64_t> compute_units_consumed;
    std::vector<std::string> log_messages;

    std::optional<size_t> account_index(const solana::Pubkey& key) const;
    std::optional<BalanceChange> sol_balance(size_t index) const;
    std::optional<BalanceChange> sol_balance(const solana::Pubkey& key) const;
    // Sum over every token account of `owner` for `mint` (absent = 0).
    BalanceChange token_balance(const solana::Pubkey& owner, const solana::Pubkey& mint) const;
};

// One account as getAccountInfo / getMultipleAccounts return it (base64
// data, decoded). `rentEpoch` is not kept: nothing the host does reads it.
struct AccountInfo {
    uint64_t lamports = 0;
    solana::Pubkey owner; // the program that owns the account
    bool executable = false;
    std::vector<uint8_t> data;
};

// One entry of getTokenLargestAccounts.
struct LargestAccount {
    solana::Pubkey address; // the token account
    uint64_t amount = 0;    // atoms, exact
};

struct MultipleAccounts {
    uint64_t context_slot = 0;
    // One per key asked, in the same order; nullopt = no such account.
    std::vector<std::optional<AccountInfo>> accounts;
};

struct PrioritizationFee {
    uint64_t slot = 0;
    uint64_t fee_micro_lamports = 0; // per compute unit
};

// Nearest-rank percentile (0..100) of the fees; 0 for an empty list.
uint64_t fee_percentile(const std::vector<PrioritizationFee>& fees, unsigned percentile);

struct SimulationResult {
    uint64_t context_slot = 0;
    std::optional<std::string> err_json;
    std::vector<std::string> logs;
    std::optional<uint64_t> units_consumed;
};

} // namespace sniper::rpc
