// engine/flatten.cpp — see flatten.hpp.
#include "engine/flatten.hpp"

#include "core/log.hpp"

#include <utility>
#include <vector>

namespace sniper {

bool Flatten::send(const std::string& strategy, const Pubkey& mint, const Pubkey& pool, uint32_t attempt) {
    return exits_.send({HostExits::Purpose::Flatten, strategy, mint, pool, {}, attempt}, "flatten: " + reason_) !=
           0; // 0: refused (e.g. HALTED meanwhile)
}

size_t Flatten::begin(const std::string& reason) {
    reason_ = reason;
    active_ = true;
    std::vector<std::pair<std::string, Position>> todo;
    for (const auto& [key, p] : portfolio_.positions()) {
        todo.emplace_back(key.first, p);
    }
    size_t sent = 0;
    for (const auto& [strategy, pos] : todo) {
        sent += send(strategy, pos.mint, pos.pool, 1) ? 1 : 0;
    }
    return sent;
}

void Flatten::on_exit_settled(const HostExits::Exit& exit, bool filled, const std::string& why) {
    if (filled || portfolio_.find(exit.strategy, exit.mint) == nullptr) {
        return;
    }
    if (exit.attempt < HostExits::kMaxAttempts) {
        send(exit.strategy, exit.mint, exit.pool, exit.attempt + 1);
        return;
    }
    log::error("engine", "flatten: position could not be exited; it stays open",
               {{"strategy", exit.strategy}, {"mint", to_base58(exit.mint)}, {"attempts", exit.attempt},
                {"reason", why}});
}

void Flatten::on_buy_filled(const std::string& strategy, const Pubkey& mint, const Pubkey& pool) {
    if (active_) {
        send(strategy, mint, pool, 1); // landed after the flatten began
    }
}

bool Flatten::finish_if_done() {
    if (!active_ || exits_.any_in_flight(HostExits::Purpose::Flatten)) {
        return false;
    }
    bool buy_in_flight = false;
    orders_.each([&](const Order& o) { buy_in_flight = buy_in_flight || o.side == SNP_SIDE_BUY; });
    if (buy_in_flight) {
        return false; // a buy sent before the flatten: exit it when it lands
    }
    active_ = false;
    return true;
}

} // namespace sniper
