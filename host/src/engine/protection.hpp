// engine/protection.hpp — position protection: stop loss, take profit,
// trailing stop and max hold, resolved per position when its buy lands
// (the intent's values, else the [protection] defaults) and checked on
// every price of its pool and once a second of host time. A triggered rule
// sends one host exit per position at a time; an exit refused by the gate
// waits for the trading state to change or a 60 s back-off, and after
// HostExits::kMaxAttempts failures the position stays open and is retried
// every 60 s. It runs whatever state the owning strategy is in.
#pragma once

#include "config/config.hpp"
#include "engine/host_exits.hpp"
#include "exec/order.hpp"
#include "ledger/portfolio.hpp"
#include "market/pool_book.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace sniper {

class Protection {
  public:
    // `trading_state` is read after each exit sent (the gate may refuse it).
    Protection(const ProtectionConfig& defaults, Portfolio& portfolio, const PoolBook& pools,
               HostExits& exits, const std::atomic<int32_t>& trading_state)
        : defaults_(defaults), portfolio_(portfolio), pools_(pools), exits_(exits),
          trading_state_(trading_state) {}

    // Defaults for buys that land from now on (reload).
    void configure(const ProtectionConfig& defaults) { defaults_ = defaults; }
    // A buy filled: resolves its position's limits and starts its peak.
    void arm(const Order& o);
    // Checks one position, the positions on one pool, or all of them, at
    // host time `now_ns`, and sends an exit where a rule fired.
    void check(const std::string& strategy, const Pubkey& mint, int64_t now_ns);
    void check_pool(const Pubkey& pool, int64_t now_ns);
    void check_all(int64_t now_ns);
    // A protection exit's final report.
    void on_exit_settled(const HostExits::Exit& exit, bool filled, const std::string& why, int64_t now_ns);
    // The position is gone: its trigger state goes too.
    void forget_if_closed(const std::string& strategy, const Pubkey& mint);

    bool exit_failed(const std::pair<std::string, Pubkey>& position) const;
    const std::map<std::string, uint64_t>& exits_by_rule() const { return exits_by_rule_; }
    uint64_t exit_failures() const { return exit_failures_; }

  private:
    struct State {                     // per (strategy, mint) with a triggered rule
        int64_t retry_at_ns = 0;       // no new exit before this...
        int32_t refused_state = -1;    // ...unless the trading state moved off this one
        bool failed = false;           // every attempt failed (logged once)
        bool logged = false;           // the trigger was logged and counted
    };
    bool send(const std::string& strategy, const Pubkey& mint, const Pubkey& pool, const std::string& rule,
              uint32_t attempt, int64_t now_ns);
    int32_t trading_state() const { return trading_state_.load(std::memory_order_relaxed); }

    ProtectionConfig defaults_;
    Portfolio& portfolio_;
    const PoolBook& pools_;
    HostExits& exits_;
    const std::atomic<int32_t>& trading_state_;
    std::map<std::pair<std::string, Pubkey>, State> state_;
    std::map<std::string, uint64_t> exits_by_rule_; // triggers, by rule
    uint64_t exit_failures_ = 0;
};

} // namespace sniper
