// engine/restore.hpp — start-up from the journal, before any strategy is
// loaded: the trading state, the open positions and each strategy's
// figures, the paper balance they imply, the next intent id, the equity
// peak the drawdown limits measure from, and the orders the last run left
// in flight. Those the executor settles (paper: expired; live: looked up on
// chain) are applied like any report, through the engine's one
// apply_report; those it cannot settle, and a live wallet whose balance
// cannot be read, make the run start HALTED. Restore reads and decides;
// the engine owns the trading state and changes it.
#pragma once

#include "engine/circuit_breaker.hpp"
#include "engine/risk_inputs.hpp"
#include "exec/executor.hpp"
#include "exec/order_manager.hpp"
#include "ledger/portfolio.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace sniper {

class Restore {
  public:
    struct Parts {
        Store& store;
        Portfolio& portfolio;
        RiskInputs& risk_inputs;
        CircuitBreaker& breaker;
        OrderManager& orders;
        Executor& executor;
    };
    struct Outcome {
        std::optional<TradingStateRecord> state; // as the journal left it
        uint64_t next_intent_id = 1;
        std::string halt_why; // non-empty: start HALTED, for this reason
    };
    // Applies one settlement: its order is in the order manager already.
    using Apply = std::function<void(const ExecReport&)>;

    Restore(Parts parts, uint64_t starting_balance_lamports)
        : p_(parts), starting_balance_(starting_balance_lamports) {}

    // Ledger, ids and peak from the journal (no executor call).
    Outcome read();
    // The orders in flight at the last stop: settled through `apply` where
    // the executor knows their outcome; then the live wallet's balance.
    // Adds to `out.halt_why` what is left unknown.
    void settle(Outcome& out, const Apply& apply);

  private:
    Parts p_;
    uint64_t starting_balance_;
};

} // namespace sniper
