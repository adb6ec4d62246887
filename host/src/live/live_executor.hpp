// live/live_executor.hpp — the live executor: an approved order becomes a
// signed Solana transaction, sent, rebroadcast, and confirmed or expired;
// only what the chain says moves a position.
//
// Life of an order (all on the executor's own worker thread; HTTP and RPC
// run on the RPC client's loop thread and hand their answers back):
//   1. route: `jupiter` asks GET /quote then POST /swap for a transaction;
//      `jito` does the same and adds a tip transaction (System transfer to
//      a Jito tip account), both sent as one bundle.
//   2. check (tx_check.hpp): fee payer, other signers, allowlist, outflow
//      within the intent. Refused = FAILED, nothing signed.
//   3. sign through sniper-signer (the key is never in this process).
//   4. journal: the attempt (signature, signed bytes, lastValidBlockHeight)
//      is committed to the store BEFORE the first send.
//   5. send with maxRetries 0 to every healthy endpoint, then rebroadcast
//      the same bytes every `rebroadcast_interval` until the signature is
//      confirmed or the highest block height any endpoint reports passes
//      lastValidBlockHeight (rpc/height_tracker.hpp).
//   6. confirmed: getTransaction, amounts from its balance records
//      (outcome.hpp) → FILLED or FAILED. Expired: looked up once more with
//      searchTransactionHistory; only when it is not there is the intent
//      re-signed (a new quote, a new blockhash, a new journaled attempt),
//      within the intent's deadline and `max_resigns`; else EXPIRED.
//      With a SignatureWatch (use_signature_watch: [feeds.ws] connections),
//      a node's signatureNotification triggers the status look-up at once.
//      An attempt is re-signed only after the previous one can no longer
//      land, so at most one attempt per intent ever lands.
// Reports (SENT per attempt, then the final one) go to the engine's sink.
//
// Restart (reconcile): every order the journal left in flight is settled
// before trading starts: its attempts' signatures are looked up with
// history; one that landed is read back (FILLED/FAILED); when none did and
// every blockhash has expired the order is EXPIRED; otherwise it waits
// (rebroadcasting the latest attempt's bytes) until one of the two holds.
#pragma once

#include "config/config.hpp"
#include "core/signature_watch.hpp"
#include "exec/executor.hpp"
#include "signer/policy.hpp"
#include "solana/types.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace sniper {
class Store;
namespace signer {
class SignerClient;
}
} // namespace sniper

namespace sniper::rpc {
struct RpcClientConfig;
}

namespace sniper::live {

// The RPC client configuration of [live] (endpoints rpc1, rpc2, ... with
// the per-endpoint request budget).
rpc::RpcClientConfig live_rpc_config(const LiveConfig& live);

class LiveExecutor final : public Executor {
  public:
    // `signer` is started (live preflight); `store` journals attempts.
    // Throws std::invalid_argument when the RPC configuration is invalid.
    LiveExecutor(const Config& cfg, std::unique_ptr<signer::SignerClient> signer, Store* store);
    ~LiveExecutor() override; // shutdown()

    const char* name() const override { return "live"; }
    uint64_t quote(const PoolState& pool, uint32_t side, uint64_t amount_in) const override;
    uint64_t fees_per_order() const override;
    int64_t submit(const Order& order, int64_t now_ns) override;
    ExecReport settle(const Order& order) override;
    std::vector<ExecReport> reconcile(const std::vector<UnsettledOrder>& orders) override;
    void attach(ReportSink sink) override;
    std::optional<uint64_t> wallet_lamports() override;
    std::vector<RouteStats> route_stats() const override;
    void trading_state_changed(uint8_t state) override;
    void shutdown() override;

    // Hear of confirmations over the host's WebSocket client ([feeds.ws]):
    // each attempt's signature is watched while it can land, and a
    // notification makes the executor look its status up at once instead
    // of at the next `status_interval` poll (which stays as the backstop).
    // `watch` outlives this executor; call before the first submit.
    void use_signature_watch(SignatureWatch* watch);
    // Notifications that made it look an order up early (tests, status).
    uint64_t signature_hints() const;

    const solana::Pubkey& wallet() const;
    // Host time of each first send: approved order to the signed bytes
    // handed to the RPC client, less the route's own network round trips
    // (quote, swap), in nanoseconds. For the benchmark.
    std::vector<int64_t> host_send_ns() const;
    // The same, by stage: queue (submit to the worker), check, sign (the
    // signer round trip), journal (the attempt's commit), send (handing
    // the bytes to the RPC client).
    std::map<std::string, std::vector<int64_t>> host_send_stages() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace sniper::live
