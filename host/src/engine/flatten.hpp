// engine/flatten.hpp — kill --flatten: a host exit for every open position
// (and for a buy that lands while it runs), each retried up to
// HostExits::kMaxAttempts; done once no flatten exit and no buy is in
// flight, when the engine HALTs trading.
#pragma once

#include "engine/host_exits.hpp"
#include "exec/order_manager.hpp"
#include "ledger/portfolio.hpp"

#include <cstddef>
#include <string>

namespace sniper {

class Flatten {
  public:
    Flatten(const Portfolio& portfolio, const OrderManager& orders, HostExits& exits)
        : portfolio_(portfolio), orders_(orders), exits_(exits) {}

    // Sends an exit for every open position; the number sent.
    size_t begin(const std::string& reason);
    bool active() const { return active_; }
    const std::string& reason() const { return reason_; }
    // A flatten exit's final report: a failed one is sent again while the
    // position is open, up to kMaxAttempts.
    void on_exit_settled(const HostExits::Exit& exit, bool filled, const std::string& why);
    // A buy filled: while flattening, it is exited too.
    void on_buy_filled(const std::string& strategy, const Pubkey& mint, const Pubkey& pool);
    // True once, when the flatten has nothing left in flight: it ends.
    bool finish_if_done();

  private:
    bool send(const std::string& strategy, const Pubkey& mint, const Pubkey& pool, uint32_t attempt);

    const Portfolio& portfolio_;
    const OrderManager& orders_;
    HostExits& exits_;
    bool active_ = false;
    std::string reason_;
};

} // namespace sniper
