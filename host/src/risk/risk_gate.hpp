// risk/risk_gate.hpp — the only way from an intent to the executor.
//
// check() is a pure decision over the intent and a snapshot of what the
// host knows (trading state, pool, position, exposure, balance). It fails
// closed: anything it cannot establish — no pool, no price, a value that
// is zero, NaN or out of range, an exception inside a check — is a
// rejection with a reason code, never an approval. Every decision is
// counted by reason and by strategy.
//
// Reason codes are a registry (docs/error-codes.md): range 1000-1999,
// never renumbered, new codes appended.
#pragma once

#include "config/config.hpp"
#include "core/types.hpp"
#include "exec/pool_book.hpp"
#include "exec/portfolio.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace sniper {

enum class RiskReason : int32_t {
    None = 0,
    Halted = 1001,              // trading state HALTED
    Reducing = 1002,            // REDUCING: only exits
    InvalidIntent = 1003,       // malformed or non-positive values
    MaxOrderSize = 1004,        // amount above risk.max_order_sol
    MaxOpenPositions = 1005,    // risk.max_open_positions reached
    MaxSlippage = 1006,         // entry slippage above risk.max_slippage_bps
    NoPosition = 1007,          // SELL with nothing to sell
    UnknownPool = 1008,         // pool never seen, or pool/mint mismatch
    NoPrice = 1009,             // reserves missing or zero
    InsufficientBalance = 1010, // not enough SOL for amount + fees
    DuplicatePending = 1011,    // an order for this mint is still in flight
    InternalError = 1012,       // a check threw: fail closed
};
constexpr size_t kRiskReasonCount = 13;
const char* risk_reason_name(RiskReason r);

struct RiskInput {
    const std::string* strategy = nullptr;
    const snp_intent* intent = nullptr;
    TradingState state = TradingState::Halted;
    const PoolState* pool = nullptr;      // from the pool book, may be null
    const Position* position = nullptr;   // the strategy's position in the mint
    bool order_in_flight = false;         // same strategy + mint
    uint32_t open_positions = 0;          // all strategies, incl. buys in flight
    uint64_t available_lamports = 0;      // balance minus reserved for in-flight buys
    uint64_t fees_per_order_lamports = 0; // base + priority + tip
};

struct RiskDecision {
    RiskReason reason = RiskReason::None;
    std::string message; // what limit, what was found
    bool approved() const { return reason == RiskReason::None; }
};

class RiskGate {
  public:
    explicit RiskGate(const RiskConfig& limits) : limits_(limits) {}

    RiskDecision check(const RiskInput& in);
    void set_limits(const RiskConfig& limits) { limits_ = limits; }
    const RiskConfig& limits() const { return limits_; }

    uint64_t approved_count() const { return approved_; }
    uint64_t rejected_count() const { return rejected_; }
    const std::array<uint64_t, kRiskReasonCount>& rejections_by_reason() const { return by_reason_; }
    // rejections by strategy, then by reason index
    const std::map<std::string, std::array<uint64_t, kRiskReasonCount>>& rejections_by_strategy() const {
        return by_strategy_;
    }

  private:
    RiskDecision evaluate(const RiskInput& in) const;
    RiskConfig limits_;
    uint64_t approved_ = 0, rejected_ = 0;
    std::array<uint64_t, kRiskReasonCount> by_reason_{};
    std::map<std::string, std::array<uint64_t, kRiskReasonCount>> by_strategy_;
};

// Index of a reason in the counters (0 = None).
size_t risk_reason_index(RiskReason r);

} // namespace sniper
