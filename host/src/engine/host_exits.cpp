// engine/host_exits.cpp — see host_exits.hpp.
#include "engine/host_exits.hpp"

namespace sniper {

uint64_t HostExits::send(Exit exit, std::string reason) {
    snp_intent in{};
    in.struct_size = sizeof(snp_intent);
    in.side = SNP_SIDE_SELL;
    in.mint = exit.mint;
    in.pool = exit.pool;
    in.flags = SNP_INTENT_SELL_ALL;
    in.max_slippage_bps = 10000;
    const uint64_t id = submit_(exit.strategy, in, std::move(reason));
    if (id != 0) {
        in_flight_[id] = std::move(exit);
    }
    return id;
}

bool HostExits::in_flight(Purpose purpose, const std::string& strategy, const Pubkey& mint) const {
    for (const auto& [id, x] : in_flight_) {
        if (x.purpose == purpose && x.strategy == strategy && x.mint == mint) {
            return true;
        }
    }
    return false;
}

bool HostExits::any_in_flight(Purpose purpose) const {
    for (const auto& [id, x] : in_flight_) {
        if (x.purpose == purpose) {
            return true;
        }
    }
    return false;
}

std::optional<HostExits::Exit> HostExits::take(uint64_t intent_id) {
    auto it = in_flight_.find(intent_id);
    if (it == in_flight_.end()) {
        return std::nullopt;
    }
    Exit x = std::move(it->second);
    in_flight_.erase(it);
    return x;
}

} // namespace sniper
