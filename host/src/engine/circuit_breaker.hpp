// engine/circuit_breaker.hpp — the drawdown circuit breaker: marked equity
// against its peak since the last resume, in tiers (warning: entries at
// half size; reduce: exits only; halt). It only escalates; a resume starts
// it over. It decides; the engine acts (trading state, log, audit).
#pragma once

#include "config/config.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace sniper {

class CircuitBreaker {
  public:
    enum class Tier : int { Normal = 0, Warning = 1, Reduce = 2, Halt = 3 };
    struct Escalation {
        Tier tier = Tier::Normal;
        std::string reason; // names the drawdown, the limit, equity and peak
    };

    explicit CircuitBreaker(const CircuitBreakerConfig& cfg) : cfg_(cfg) {}

    void configure(const CircuitBreakerConfig& cfg) { cfg_ = cfg; } // reload
    const CircuitBreakerConfig& config() const { return cfg_; }
    // Restore: the drawdown measures from the journal's equity peak.
    void set_peak(int64_t peak_lamports) { peak_ = peak_lamports; }
    // Any thread (a resume): the next observe() starts over from its equity.
    void reset() { reset_.store(true, std::memory_order_release); }

    // Event path: the marked equity now. Returns the tier crossed when the
    // drawdown reaches a higher tier than before.
    std::optional<Escalation> observe(int64_t equity_lamports);

    Tier tier() const { return tier_; }
    const std::string& reason() const { return reason_; }
    uint32_t drawdown_bps() const { return drawdown_bps_; }
    int64_t peak_lamports() const { return peak_; }
    static const char* tier_name(Tier t);

  private:
    CircuitBreakerConfig cfg_;
    Tier tier_ = Tier::Normal;
    int64_t peak_ = 0;
    uint32_t drawdown_bps_ = 0;
    std::string reason_;
    std::atomic<bool> reset_{false};
};

} // namespace sniper
