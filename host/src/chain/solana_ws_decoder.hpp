// chain/solana_ws_decoder.hpp — turns one raw Solana JSON-RPC message into
// the host's normalized events (the ABI structs NEW_POOL, POOL_UPDATE,
// TRADE), or refuses it with a reason.
//
// Messages it takes: logsNotification, transactionNotification (Helius
// style, jsonParsed or json), getTransaction responses, programNotification
// / accountNotification / getAccountInfo of pump.fun bonding curves, SPL
// mints and the token accounts of the AMM vaults follow() names, JSON-RPC
// errors (refused, RPC_ERROR), `result: null` and the answers to
// logsSubscribe / unsubscribe (an integer id or true; accepted, nothing). A refused message yields no event at all; a failed transaction
// (err non-null) is accepted and yields nothing (its logs were rolled back).
//
// Every field read is validated: integers are exact u64 (never through a
// double; numbers above u64 in fields we do not read do not fail the
// message), keys are base58 of 32 bytes, signatures of 64, reserves are
// positive, each log line is at most `max_log_line_bytes`, the slot is
// present. The decoder keeps a PoolRegistry (pools seen created) so later
// swaps can be normalized; nothing on the path allocates once the parser
// has grown to the largest message.
#pragma once

#include "chain/pool_registry.hpp"
#include "chain/reject.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sniper::chain {

// One normalized event: the ABI struct for its h.type.
union ChainEvent {
    snp_event_header h;
    snp_ev_new_pool new_pool;
    snp_ev_pool_update pool_update;
    snp_ev_trade trade;
    snp_ev_curve_complete curve_complete;
};

enum class MessageKind : uint8_t {
    Unknown = 0,
    Logs,           // logsNotification
    Transaction,    // transactionNotification
    GetTransaction, // getTransaction response
    Account,        // programNotification / accountNotification / getAccountInfo
    Null,           // `result: null`
    Subscription,   // `result: <id>` / `result: true`: a (un)subscribe answer, no event
};

struct DecodeResult {
    static constexpr size_t kMaxEvents = 64;
    Reject reject = Reject::None;
    const char* where = ""; // static text: which field or line refused it
    MessageKind kind = MessageKind::Unknown;
    uint64_t slot = 0;
    bool has_signature = false;
    uint8_t signature[64] = {};
    bool failed_tx = false; // err non-null: accepted, no events
    bool needs_transaction =
        false; // a Raydium initialize2 seen in logs only: fetch the transaction
    uint32_t skipped[static_cast<size_t>(Skip::kCount)] = {};
    uint32_t n_events = 0;
    ChainEvent events[kMaxEvents];
    bool ok() const { return reject == Reject::None; }
};

struct DecoderConfig {
    size_t max_log_line_bytes = 10'000; // agave's default LOG_MESSAGES_BYTES_LIMIT
    size_t max_message_bytes = 8u << 20;
    size_t registry_capacity = 1u << 14; // power of two
    // logsNotifications in plain form skip the DOM (chain/fast_logs.hpp);
    // off only to compare the two paths in tests and benchmarks.
    bool fast_logs = true;
};

class SolanaWsDecoder {
  public:
    explicit SolanaWsDecoder(DecoderConfig cfg = {});
    ~SolanaWsDecoder();
    SolanaWsDecoder(const SolanaWsDecoder&) = delete;
    SolanaWsDecoder& operator=(const SolanaWsDecoder&) = delete;

    // Decodes one message; the result is valid until the next call.
    const DecodeResult& decode(std::string_view json);
    // The same, for an accountNotification of `account` (the notification
    // names only its subscription): a pump.fun curve the registry knows
    // becomes a POOL_UPDATE; so does an AMM pool once both its vaults (as
    // named by follow()) have reported the same slot.
    const DecodeResult& decode(std::string_view json, const Pubkey& account);
    // The same for an account's state the caller read itself (a
    // getMultipleAccounts answer: its owner, its data, the answer's
    // context slot), as if it were that account's notification: a held
    // curve's reserves or completion, a followed vault's amount. Counted
    // like a message.
    const DecodeResult& decode_account(const Pubkey& account, const Pubkey& owner, const uint8_t* data, size_t len,
                                       uint64_t slot);

    // The accounts that carry `pools`' reserves, to follow with
    // accountSubscribe: a pump.fun curve itself; a Raydium AMM v4 pool's
    // two vaults (from its initialize2 accounts); a PumpSwap pool's
    // associated token accounts for WSOL and for the token (under SPL Token
    // and under Token-2022: one of the two exists). A pool the registry
    // does not know yields nothing (ask again later). The decoder remembers
    // the vaults of exactly these pools (their mint and owner are checked
    // on every update) and pins them in the registry, so newer pools never
    // push a held one out; called off the event path (it may allocate).
    std::vector<Pubkey> follow(const std::vector<Pubkey>& pools);
    // A pool the host holds but the decoder never saw created (a position
    // from before a restart): when `pool` is `mint`'s pump.fun bonding
    // curve (the PDA), it is registered as that curve and true is returned.
    bool learn_curve(const Pubkey& pool, const Pubkey& mint);
    // The host has `curve`'s CURVE_COMPLETE (the caller delivered it): later
    // notices of that completion (each account notification of the
    // completed curve, its logged CompleteEvent) are skipped as
    // COMPLETE_AGAIN. Not done by decode() itself: a message the caller
    // drops after decoding (an older slot) must not count as delivered.
    void completion_delivered(const Pubkey& curve) { pools().mark_complete(curve); }
    // The same for an AMM pool (`dex` SNP_DEX_RAYDIUM_AMM_V4 or
    // SNP_DEX_PUMP_SWAP) from its pool account, read by the caller from
    // the pool's own address and checked to be owned by that program: the
    // token, its side, and the vaults the account names. False and `why`
    // when the account does not decode or does not pair a token with SOL.
    // `tokens`, when given, are the only tokens the pool may be of (the
    // held mints): a node that answers with another pool's account is not
    // believed.
    bool learn_amm_pool(const Pubkey& pool, uint32_t dex, const uint8_t* data, size_t len, std::string& why,
                        const std::vector<Pubkey>* tokens = nullptr);
    // A PumpSwap pool the caller found itself and learned (learn_amm_pool):
    // a held coin's migration pool whose create_pool the feed never saw
    // (chain::pump_swap_canonical_pool). Its vaults' amounts (`token`,
    // `sol`) and the token mint's decimals and program, read by the caller
    // at `slot`, make the NEW_POOL its create_pool would have made (safety
    // facts unknown, for the caller's safety step to read).
    const DecodeResult& found_pump_swap_pool(const Pubkey& pool, const Pubkey& creator, uint64_t token,
                                             uint64_t sol, uint8_t decimals, bool token_2022, uint64_t slot);
    // Whether follow() found `pool`'s accounts (false: not known yet, or
    // its accounts cannot be named, e.g. a Raydium pool seen in logs only).
    bool follows(const Pubkey& pool) const;

    PoolRegistry& pools();
    const DecodeCounters& counters() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

// Every output event passes this (the fuzz property): known type, right
// size, keys non-zero where required, positive reserves and amounts,
// finite positive price, bps in range.
bool event_valid(const ChainEvent& e);

} // namespace sniper::chain
