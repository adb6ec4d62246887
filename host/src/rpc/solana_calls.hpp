// rpc/solana_calls.hpp — the typed Solana JSON-RPC calls the host makes,
// over RpcClient. Each submits one call and returns its id at once; the
// handler runs on the client's loop thread (see rpc_client.hpp) with
// either the parsed value or the error: transport / HTTP / JSON-RPC errors
// as the client classified them, and Malformed (with "path: expected …,
// found …") when the result has the wrong shape.
//
// Transactions are sent as base64 with `maxRetries: 0` (the host
// rebroadcasts the same bytes itself) and `skipPreflight` as given
// (default true); the signature the node returns must equal the
// transaction's first signature, or the call fails as Malformed.
#pragma once

#include "rpc/rpc_client.hpp"
#include "rpc/solana_parse.hpp"
#include "rpc/solana_types.hpp"

#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace sniper::rpc {

template <class T> using Handler = std::function<void(RpcResult<T>)>;

uint64_t get_latest_blockhash(RpcClient& c, Commitment commitment, Handler<LatestBlockhash> h,
                              CallOptions o = {});
// Throws std::invalid_argument when `tx` is not a transaction the codec
// parses (a host bug, not a network condition).
uint64_t send_transaction(RpcClient& c, std::span<const uint8_t> tx, Handler<solana::Signature> h,
                          SendOptions so = {}, CallOptions o = {});
// sendTransaction of the same bytes to every healthy endpoint (rebroadcast).
uint64_t broadcast_transaction(RpcClient& c, std::span<const uint8_t> tx,
                               std::function<void(std::vector<RpcResult<solana::Signature>>)> h,
                               SendOptions so = {}, CallOptions o = {});
uint64_t get_signature_statuses(RpcClient& c, std::vector<solana::Signature> sigs,
                                bool search_transaction_history, Handler<SignatureStatuses> h,
                                CallOptions o = {});
uint64_t get_block_height(RpcClient& c, Commitment commitment, Handler<uint64_t> h,
                          CallOptions o = {});
uint64_t get_slot(RpcClient& c, Commitment commitment, Handler<uint64_t> h, CallOptions o = {});
uint64_t get_balance(RpcClient& c, const solana::Pubkey& account, Commitment commitment,
                     Handler<Balance> h, CallOptions o = {});
uint64_t get_token_account_balance(RpcClient& c, const solana::Pubkey& token_account,
                                   Commitment commitment, Handler<TokenAmount> h,
                                   CallOptions o = {});
// At most 100 keys (the nodes' limit): more throws std::invalid_argument.
// The answer has one entry per key, in order (nullopt = no such account),
// all read at one context slot.
uint64_t get_multiple_accounts(RpcClient& c, std::vector<solana::Pubkey> accounts,
                               Commitment commitment, Handler<MultipleAccounts> h,
                               CallOptions o = {});
// nullopt when the node does not (yet) know the transaction. `commitment`
// processed is not allowed by Solana here and is sent as confirmed.
uint64_t get_transaction(RpcClient& c, const solana::Signature& sig, Commitment commitment,
                         Handler<std::optional<TransactionInfo>> h, CallOptions o = {});
uint64_t get_recent_prioritization_fees(RpcClient& c, std::vector<solana::Pubkey> accounts,
                                        Handler<std::vector<PrioritizationFee>> h,
                                        CallOptions o = {});
uint64_t simulate_transaction(RpcClient& c, std::span<const uint8_t> tx, SimulateOptions so,
                              Handler<SimulationResult> h, CallOptions o = {});
// Test networks only (localnet, devnet).
uint64_t request_airdrop(RpcClient& c, const solana::Pubkey& to, uint64_t lamports,
                         Handler<solana::Signature> h, CallOptions o = {});

} // namespace sniper::rpc
