// exec/order_manager.hpp — the orders in flight and what they hold back:
// one per (strategy, mint) at a time, the lamports reserved for buys in
// flight (amount + the most their fees can be), and how many of those buys
// would open a new position. The risk gate reads these; the engine adds an
// order when the gate approves it and takes it out when its final report
// is applied. The same for paper and live.
#pragma once

#include "exec/order.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace sniper {

class OrderManager {
  public:
    // `reserve_lamports` is held until take(); `opens_position` counts the
    // order among the buys that would open a new position.
    void add(Order o, uint64_t reserve_lamports, bool opens_position) {
        keys_.insert({o.strategy_index, o.mint});
        reserved_lamports_ += reserve_lamports;
        if (opens_position) {
            ++new_buys_;
        }
        const uint64_t id = o.intent_id;
        orders_.emplace(id, Held{std::move(o), reserve_lamports, opens_position});
    }
    // Removes an order (its final report arrived), releasing what it held.
    std::optional<Order> take(uint64_t intent_id) {
        auto it = orders_.find(intent_id);
        if (it == orders_.end()) {
            return std::nullopt;
        }
        Held h = std::move(it->second);
        orders_.erase(it);
        keys_.erase({h.order.strategy_index, h.order.mint});
        reserved_lamports_ = reserved_lamports_ >= h.reserved ? reserved_lamports_ - h.reserved : 0;
        if (h.opens_position && new_buys_ > 0) {
            --new_buys_;
        }
        return std::move(h.order);
    }
    const Order* find(uint64_t intent_id) const {
        auto it = orders_.find(intent_id);
        return it == orders_.end() ? nullptr : &it->second.order;
    }
    bool in_flight(uint32_t strategy_index, const Pubkey& mint) const {
        return keys_.count({strategy_index, mint}) != 0;
    }
    uint64_t reserved_lamports() const { return reserved_lamports_; }
    uint32_t new_buys() const { return new_buys_; }
    size_t size() const { return orders_.size(); }
    // Visits every order in flight, by intent id.
    template <class F> void each(F&& f) const {
        for (const auto& [id, h] : orders_) {
            f(h.order);
        }
    }

  private:
    struct Held {
        Order order;
        uint64_t reserved = 0;
        bool opens_position = false;
    };
    std::map<uint64_t, Held> orders_; // by intent id
    std::set<std::pair<uint32_t, Pubkey>> keys_;
    uint64_t reserved_lamports_ = 0;
    uint32_t new_buys_ = 0;
};

} // namespace sniper
