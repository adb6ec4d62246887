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

// An order the journal shows accepted but never settled.
struct UnsettledOrder {
    uint64_t intent_id = 0;
    std::string strategy;
    uint32_t side = 0;
    Pubkey mint{};
};

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
};

} // namespace sniper
