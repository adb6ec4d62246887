// risk/risk_gate.hpp — the only way from an intent to the executor.
//
// check() decides over the intent and a snapshot of what the host knows
// (trading state, pool, position, exposure, PnL, balance); the only memory
// it adds is the order-rate window described below. It fails
// closed: anything it cannot establish — no pool, no price, a value that
// is zero, NaN or out of range, an exception inside a check — is a
// rejection with a reason code, never an approval. Every decision is
// counted by reason and by strategy.
//
// Entries (BUY) are held to every limit. Exits (SELL) are held only to the
// trading state (HALTED), a position to sell, well-formed values, a known,
// priced pool and no order of theirs in flight for the mint: no entry
// limit (size, exposure, daily loss, drawdown, liquidity, token safety,
// cooldown, stale price, slippage) and no rate limit ever blocks getting
// out.
//
// Caps are inclusive: a figure equal to a max_* limit passes, one unit more
// is refused; a figure equal to a min_* floor passes, one unit less is
// refused. The daily loss and drawdown limits are the exception, as their
// names say: entries stop once the loss or drawdown REACHES the limit.
//
// The gate's only state besides its counters is the rolling window of
// approved entries (per strategy and in total) for the order-rate limits,
// stamped with RiskInput::now_ns. It survives set_limits().
//
// Reason codes are a registry (docs/error-codes.md): range 1000-1999,
// never renumbered, new codes appended.
#pragma once

#include "config/config.hpp"
#include "core/types.hpp"
#include "market/pool_book.hpp"
#include "ledger/portfolio.hpp"
#include "risk/order_rate.hpp"
#include "risk/utc_day.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace sniper {

enum class RiskReason : int32_t {
    None = 0,
    Halted = 1001,                  // trading state HALTED
    Reducing = 1002,                // REDUCING: only exits
    InvalidIntent = 1003,           // malformed or non-positive values
    MaxOrderSize = 1004,            // amount above risk.max_order_sol
    MaxOpenPositions = 1005,        // risk.max_open_positions reached
    MaxSlippage = 1006,             // entry slippage above risk.max_slippage_bps
    NoPosition = 1007,              // SELL with nothing to sell
    UnknownPool = 1008,             // pool never seen, or pool/mint mismatch
    NoPrice = 1009,                 // reserves missing or zero
    InsufficientBalance = 1010,     // not enough SOL for amount + fees
    DuplicatePending = 1011,        // an order for this mint is still in flight
    InternalError = 1012,           // a check threw: fail closed
    MaxPosition = 1013,             // position cost + this buy above max_position_sol
    MaxExposure = 1014,             // exposure + this buy above max_exposure_sol
    MaxDailyLoss = 1015,            // today's realized PnL <= -max_daily_loss_sol
    MaxDrawdown = 1016,             // equity drawdown from its peak >= max_drawdown_pct
    MaxOrdersPerMinute = 1017,      // the strategy's entries in 60 s at max_orders_per_minute
    MaxOrdersPerMinuteTotal = 1018, // all entries in 60 s at max_orders_per_minute_total
    MinLiquidity = 1019,            // pool quote reserve below min_liquidity_sol
    MaxFeesPerDay = 1020,           // fees + tips today incl. this order above max_fees_per_day_sol
    MintAuthority = 1021,           // reject_mint_authority and the mint has one
    FreezeAuthority = 1022,         // reject_freeze_authority and the mint has one
    MinLpBurned = 1023,             // pool LP burned below min_lp_burned_pct
    MaxTop10Holders = 1024,         // top-10 holders above max_top10_holder_pct
    LossCooldown = 1025,            // a losing exit on this mint within loss_cooldown
    StalePrice = 1026,              // pool not updated within max_price_age
    CurveComplete = 1027,           // BUY on a bonding curve that completed (CURVE_COMPLETE)
};
constexpr size_t kRiskReasonCount = 28;
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

    // Filled for the limits below. Each is read only when its limit is set,
    // so a field left at its default never refuses an intent whose limit is
    // absent. When the limit is set, a value the gate cannot trust (now_ns
    // 0, equity peak <= 0, pool updated_ns 0) refuses the entry.
    int64_t now_ns = 0;                  // host clock (simulated in sim/replay), ns since epoch
    uint64_t position_cost_lamports = 0; // cost basis of this strategy's position in the mint
    uint64_t exposure_lamports = 0;      // all strategies: cost of open positions + buys in flight
    uint64_t strategy_exposure_lamports = 0; // the same for this strategy only
    int64_t realized_pnl_today_lamports =
        0; // all strategies, UTC day utc_day(now_ns), fees included
    int64_t strategy_realized_pnl_today_lamports = 0; // the same for this strategy only
    uint64_t fees_today_lamports = 0;          // network fees + tips paid today, all strategies
    uint64_t strategy_fees_today_lamports = 0; // the same for this strategy only
    int64_t equity_lamports = 0;               // balance + open positions marked to market
    int64_t equity_peak_lamports = 0;          // highest equity seen (> 0 once known)
    int64_t last_loss_exit_ns = 0;             // last losing exit of (strategy, mint); 0 = none
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
    const std::array<uint64_t, kRiskReasonCount>& rejections_by_reason() const {
        return by_reason_;
    }
    // rejections by strategy, then by reason index
    const std::map<std::string, std::array<uint64_t, kRiskReasonCount>>&
    rejections_by_strategy() const {
        return by_strategy_;
    }

  private:
    RiskDecision evaluate(const RiskInput& in) const;
    RiskDecision check_entry(const RiskInput& in, const RiskLimits& lim) const;
    RiskConfig limits_;
    OrderRateWindow total_rate_;
    std::map<std::string, OrderRateWindow> strategy_rate_;
    uint64_t approved_ = 0, rejected_ = 0;
    std::array<uint64_t, kRiskReasonCount> by_reason_{};
    std::map<std::string, std::array<uint64_t, kRiskReasonCount>> by_strategy_;
};

// Index of a reason in the counters (0 = None).
size_t risk_reason_index(RiskReason r);

} // namespace sniper
