// engine/host_exits.hpp — the host's own exits, shared by kill --flatten
// and position protection: a SELL_ALL of one position submitted through
// the risk gate like any intent (strategies see order updates with
// client_tag 0), and the exits in flight by intent id with their purpose
// and attempt number, until their final report.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace sniper {

class HostExits {
  public:
    enum class Purpose : uint8_t { Flatten, Protection };
    struct Exit {
        Purpose purpose = Purpose::Flatten;
        std::string strategy;
        Pubkey mint{};
        Pubkey pool{};
        std::string rule; // protection: the rule that fired
        uint32_t attempt = 1;
    };
    static constexpr uint32_t kMaxAttempts = 3; // per exit, before giving up

    // Submits an intent for `strategy` through the risk gate: its intent
    // id when it became an order in flight, 0 when refused.
    using Submit = std::function<uint64_t(const std::string& strategy, const snp_intent& intent,
                                          std::string reason)>;
    explicit HostExits(Submit submit) : submit_(std::move(submit)) {}

    // Sends the exit; its intent id, or 0 when the gate refused it.
    uint64_t send(Exit exit, std::string reason);
    bool in_flight(Purpose purpose, const std::string& strategy, const Pubkey& mint) const;
    bool any_in_flight(Purpose purpose) const;
    // The exit behind a final report, taken out of flight (nullopt: the
    // order was not a host exit).
    std::optional<Exit> take(uint64_t intent_id);

  private:
    Submit submit_;
    std::map<uint64_t, Exit> in_flight_; // by intent id
};

} // namespace sniper
