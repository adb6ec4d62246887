// exec/executor.hpp — the seam between the engine and whatever executes
// its orders. The paper executor (a simulated venue on the pool book) and
// the live executor (transactions on Solana) implement it; the engine
// never asks which one it has.
//
// Contract: the engine hands over an order the risk gate approved
// (submit). A simulated venue names the host time at which it settles the
// order; the engine calls settle() then, on its timeline, so sim and
// replay runs stay deterministic. An asynchronous executor returns 0 from
// submit and delivers its reports (SENT, FILLED, FAILED, EXPIRED) through
// the engine's inbox instead. Either way the same ledger applies the
// reports. At start, orders the journal left in flight are reconciled
// before anything else happens.
#pragma once

#include "exec/order.hpp"
#include "market/pool_book.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sniper {

// What the executor may read of the wallet (the ledger implements it): a
// simulated venue checks the balance and the position as a chain would.
class WalletView {
  public:
    virtual ~WalletView() = default;
    virtual uint64_t balance_lamports() const = 0;
    // The strategy's token atoms in `mint`, 0 when flat.
    virtual uint64_t position_atoms(const std::string& strategy, const Pubkey& mint) const = 0;
};

// An order the journal shows accepted (or sent) but never settled.
struct UnsettledOrder {
    uint64_t intent_id = 0;
    std::string strategy;
    uint32_t side = 0;
    Pubkey mint{};
};

// Landing figures of one route (live): what `sniperctl status` shows.
struct RouteStats {
    std::string route; // jupiter | jito
    uint64_t intents = 0;  // orders taken
    uint64_t sent = 0;     // attempts sent (a re-sign is a new attempt)
    uint64_t landed = 0;   // confirmed and succeeded
    uint64_t failed = 0;   // confirmed with an on-chain error
    uint64_t expired = 0;  // no attempt could land
    uint64_t refused = 0;  // never sent: quote, check or signer refused
    uint64_t resigns = 0;
    uint64_t rebroadcasts = 0;
    uint64_t late_rebroadcasts = 0; // sent more than 2 intervals after the previous send
    // Send to confirmation, over landed and failed orders.
    uint64_t confirm_ms_p50 = 0, confirm_ms_p99 = 0, confirm_ms_max = 0;
    uint64_t confirm_blocks_p50 = 0, confirm_blocks_max = 0; // block height at send to at confirmation
    // Slots from the slot the node reported at the send (slotSubscribe on
    // the [feeds.ws] connections) to the slot the transaction landed in;
    // over the orders where both were known (n).
    uint64_t confirm_slots_n = 0, confirm_slots_p50 = 0, confirm_slots_max = 0;
};

// Where an asynchronous executor delivers its reports, from any thread.
using ReportSink = std::function<void(ExecReport)>;

class Executor {
  public:
    virtual ~Executor() = default;
    virtual const char* name() const = 0;

    // Risk gate inputs: expected output now (before slippage; 0 when the
    // pool cannot quote) and the most one order pays in fees and tips.
    virtual uint64_t quote(const PoolState& pool, uint32_t side, uint64_t amount_in) const = 0;
    virtual uint64_t fees_per_order() const = 0;

    // Takes an approved order at host time `now_ns`. Returns the host time
    // at which settle() must be called for it, or 0 when its reports come
    // through the inbox.
    virtual int64_t submit(const Order& order, int64_t now_ns) = 0;
    // The final report of an order submit() scheduled (at its time).
    virtual ExecReport settle(const Order& order) = 0;
    // At start: the final report for each order left in flight.
    virtual std::vector<ExecReport> reconcile(const std::vector<UnsettledOrder>& orders) = 0;

    // Asynchronous executors: the engine gives its sink once, before the
    // first submit; reports (SENT progress and the final one) go there.
    virtual void attach(ReportSink sink) { (void)sink; }
    // Live: the wallet's lamports on chain at start (the ledger's balance).
    virtual std::optional<uint64_t> wallet_lamports() { return std::nullopt; }
    // Live: landing figures per route. Any thread.
    virtual std::vector<RouteStats> route_stats() const { return {}; }
    // The host's trading state changed (SNP_TRADING_*); any thread. Live:
    // the signer is told with every request.
    virtual void trading_state_changed(uint8_t state) { (void)state; }
    // Stops the executor's threads; no report is delivered after it.
    virtual void shutdown() {}
};

} // namespace sniper
