// rpc/solana_parse.hpp — params builders and strict result parsers for the
// Solana JSON-RPC methods, as pure functions over JSON text (the `result`
// member of an answer), so they are tested without a network. A parser
// returns nullopt on success, else "path: expected …, found …"; a shape it
// does not recognise is refused, never guessed at.
#pragma once

#include "rpc/solana_types.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sniper::rpc {

using ParseError = std::optional<std::string>;

struct SendOptions {
    bool skip_preflight = true;
    Commitment preflight_commitment = Commitment::Confirmed;
};

struct SimulateOptions {
    bool sig_verify = false;
    bool replace_recent_blockhash = false;
    Commitment commitment = Commitment::Confirmed;
};

namespace params {
std::string commitment_only(Commitment c);
std::string get_latest_blockhash(Commitment c);
std::string send_transaction(std::span<const uint8_t> tx, const SendOptions& o);
std::string get_signature_statuses(std::span<const solana::Signature> sigs,
                                   bool search_transaction_history);
std::string get_balance(const solana::Pubkey& account, Commitment c);
std::string get_token_account_balance(const solana::Pubkey& token_account, Commitment c);
// base64 data, whole accounts (no dataSlice).
std::string get_multiple_accounts(std::span<const solana::Pubkey> accounts, Commitment c);
std::string get_transaction(const solana::Signature& sig, Commitment c);
std::string get_recent_prioritization_fees(std::span<const solana::Pubkey> accounts);
std::string simulate_transaction(std::span<const uint8_t> tx, const SimulateOptions& o);
std::string request_airdrop(const solana::Pubkey& to, uint64_t lamports);
std::string is_blockhash_valid(const solana::Hash& blockhash, Commitment c);
// Jito's sendBundle: the transactions, in order, base64.
std::string send_bundle(std::span<const std::span<const uint8_t>> txs);
} // namespace params

ParseError parse_latest_blockhash(std::string_view result, LatestBlockhash& out);
ParseError parse_signature(std::string_view result, solana::Signature& out);
ParseError parse_signature_statuses(std::string_view result, size_t expected_count,
                                    SignatureStatuses& out);
ParseError parse_u64(std::string_view result, uint64_t& out); // getBlockHeight, getSlot
ParseError parse_balance(std::string_view result, Balance& out);
// isBlockhashValid: {"context":…,"value":bool}.
ParseError parse_blockhash_valid(std::string_view result, bool& valid);
ParseError parse_token_account_balance(std::string_view result, TokenAmount& out);
// `expected_count`: the number of keys asked; an answer with another count
// is refused. Data must be ["<base64>","base64"].
ParseError parse_multiple_accounts(std::string_view result, size_t expected_count,
                                   MultipleAccounts& out);
// getAccountInfo (base64 data); `out` empty when the account does not exist.
ParseError parse_account_info(std::string_view result, uint64_t& context_slot, std::optional<AccountInfo>& out);
// getTokenLargestAccounts: each token account and its exact amount in atoms.
ParseError parse_largest_accounts(std::string_view result, std::vector<LargestAccount>& out);
// `found` false when the node does not know the transaction (result null).
ParseError parse_transaction(std::string_view result, bool& found, TransactionInfo& out);
ParseError parse_prioritization_fees(std::string_view result, std::vector<PrioritizationFee>& out);
ParseError parse_simulation(std::string_view result, SimulationResult& out);

} // namespace sniper::rpc
