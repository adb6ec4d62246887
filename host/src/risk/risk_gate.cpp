#include "risk/risk_gate.hpp"

#include <algorithm>
#include <exception>
#include <optional>

namespace sniper {

const char* risk_reason_name(RiskReason r) {
    switch (r) {
    case RiskReason::None:
        return "none";
    case RiskReason::Halted:
        return "halted";
    case RiskReason::Reducing:
        return "reducing";
    case RiskReason::InvalidIntent:
        return "invalid_intent";
    case RiskReason::MaxOrderSize:
        return "max_order_size";
    case RiskReason::MaxOpenPositions:
        return "max_open_positions";
    case RiskReason::MaxSlippage:
        return "max_slippage";
    case RiskReason::NoPosition:
        return "no_position";
    case RiskReason::UnknownPool:
        return "unknown_pool";
    case RiskReason::NoPrice:
        return "no_price";
    case RiskReason::InsufficientBalance:
        return "insufficient_balance";
    case RiskReason::DuplicatePending:
        return "duplicate_pending";
    case RiskReason::InternalError:
        return "internal_error";
    case RiskReason::MaxPosition:
        return "max_position";
    case RiskReason::MaxExposure:
        return "max_exposure";
    case RiskReason::MaxDailyLoss:
        return "max_daily_loss";
    case RiskReason::MaxDrawdown:
        return "max_drawdown";
    case RiskReason::MaxOrdersPerMinute:
        return "max_orders_per_minute";
    case RiskReason::MaxOrdersPerMinuteTotal:
        return "max_orders_per_minute_total";
    case RiskReason::MinLiquidity:
        return "min_liquidity";
    case RiskReason::MaxFeesPerDay:
        return "max_fees_per_day";
    case RiskReason::MintAuthority:
        return "mint_authority";
    case RiskReason::FreezeAuthority:
        return "freeze_authority";
    case RiskReason::MinLpBurned:
        return "min_lp_burned";
    case RiskReason::MaxTop10Holders:
        return "max_top10_holders";
    case RiskReason::LossCooldown:
        return "loss_cooldown";
    case RiskReason::StalePrice:
        return "stale_price";
    case RiskReason::CurveComplete:
        return "curve_complete";
    }
    return "unknown";
}

size_t risk_reason_index(RiskReason r) {
    const auto v = static_cast<int32_t>(r);
    return v == 0 ? 0 : static_cast<size_t>(v - 1000);
}

namespace {
RiskDecision reject(RiskReason r, std::string msg) {
    return RiskDecision{r, std::move(msg)};
}
std::string sol(uint64_t lamports) {
    return std::to_string(lamports / kLamportsPerSol) + "." +
           std::to_string(lamports % kLamportsPerSol + kLamportsPerSol).substr(1) + " SOL";
}
std::string signed_sol(int64_t lamports) {
    const uint64_t mag =
        lamports < 0 ? 0 - static_cast<uint64_t>(lamports) : static_cast<uint64_t>(lamports);
    return (lamports < 0 ? "-" : "") + sol(mag);
}
std::string pct(uint64_t bps) {
    return std::to_string(bps / 100) + "." + std::to_string(bps % 100 + 100).substr(1) + "%";
}
std::string millis(int64_t ns) {
    return std::to_string(ns / kNsPerMs) + " ms";
}
// a + b, or nullopt on overflow: an amount that overflows is never within a cap.
std::optional<uint64_t> add(uint64_t a, uint64_t b) {
    const uint64_t s = a + b;
    return s < a ? std::nullopt : std::optional<uint64_t>(s);
}
// Is `total` (a + b) within the cap? Overflow is not.
bool within(uint64_t a, uint64_t b, uint64_t cap) {
    const auto s = add(a, b);
    return s && *s <= cap;
}
// Has today's realized PnL reached -limit? (pnl <= -limit, without overflow)
bool loss_reached(int64_t pnl, uint64_t limit) {
    return static_cast<__int128>(pnl) <= -static_cast<__int128>(limit);
}
} // namespace

RiskDecision RiskGate::evaluate(const RiskInput& in) const {
    if (in.intent == nullptr || in.strategy == nullptr) {
        return reject(RiskReason::InvalidIntent, "no intent");
    }
    const snp_intent& it = *in.intent;
    const bool buy = it.side == SNP_SIDE_BUY;
    // The [risk] values, tightened by this strategy's overrides.
    const RiskLimits lim = limits_.limits_for(*in.strategy);
    const uint32_t max_slippage_bps = lim.max_slippage_bps.value_or(limits_.max_slippage_bps);
    const uint64_t max_order_lamports = lim.max_order_lamports.value_or(limits_.max_order_lamports);
    const uint32_t max_open_positions = lim.max_open_positions.value_or(limits_.max_open_positions);
    if (it.side != SNP_SIDE_BUY && it.side != SNP_SIDE_SELL) {
        return reject(RiskReason::InvalidIntent, "side must be buy or sell");
    }
    // Trading state first: nothing else matters when halted.
    if (in.state == TradingState::Halted) {
        return reject(RiskReason::Halted, "trading is HALTED");
    }
    if (in.state == TradingState::Reducing && buy) {
        return reject(RiskReason::Reducing, "trading is REDUCING: only exits are allowed");
    }
    if (in.state != TradingState::Active && in.state != TradingState::Reducing) {
        return reject(RiskReason::Halted, "unknown trading state");
    }
    const bool sell_all = (it.flags & SNP_INTENT_SELL_ALL) != 0;
    if (it.amount_in == 0 && !(it.side == SNP_SIDE_SELL && sell_all)) {
        return reject(RiskReason::InvalidIntent, "amount must be positive");
    }
    if (it.max_slippage_bps == 0 || it.max_slippage_bps > 10000) {
        return reject(RiskReason::InvalidIntent, "max_slippage_bps must be 1..10000");
    }
    // The slippage limit bounds what an entry may pay. Exits are not held
    // to it: a position in a collapsing pool must be able to get out.
    if (buy && it.max_slippage_bps > max_slippage_bps) {
        return reject(RiskReason::MaxSlippage, "slippage " + std::to_string(it.max_slippage_bps) +
                                                   " bps above limit " +
                                                   std::to_string(max_slippage_bps) + " bps");
    }
    if (in.pool == nullptr || in.pool->mint != it.mint) {
        return reject(RiskReason::UnknownPool, in.pool == nullptr
                                                   ? "pool not known to the host"
                                                   : "pool does not trade this mint");
    }
    if (in.pool->base_reserve_atoms == 0 || in.pool->quote_reserve_lamports == 0) {
        return reject(RiskReason::NoPrice, "pool has no valid reserves");
    }
    if (in.order_in_flight) {
        return reject(RiskReason::DuplicatePending, "an order for this mint is still in flight");
    }
    if (in.pool->complete) {
        // The program refuses a trade on a completed curve, sell as well as
        // buy: sent, it would only pay fees.
        return reject(RiskReason::CurveComplete,
                      buy ? "the bonding curve completed and takes no more trades; the coin trades on the "
                            "pool its migration makes (a new_pool with the same mint)"
                          : "the bonding curve completed and takes no more trades; sell on the pool its "
                            "migration makes (a new_pool with the same mint; the host's own exits move "
                            "there by themselves)");
    }
    if (buy) {
        if (it.amount_in > max_order_lamports) {
            return reject(RiskReason::MaxOrderSize,
                          "order " + sol(it.amount_in) + " above limit " + sol(max_order_lamports));
        }
        if (in.position == nullptr && in.open_positions >= max_open_positions) {
            return reject(RiskReason::MaxOpenPositions, std::to_string(in.open_positions) +
                                                            " open positions, limit " +
                                                            std::to_string(max_open_positions));
        }
        const uint64_t need = sat_add(it.amount_in, in.fees_per_order_lamports);
        if (need < it.amount_in || need > in.available_lamports) {
            return reject(RiskReason::InsufficientBalance,
                          "need " + sol(need) + ", available " + sol(in.available_lamports));
        }
        RiskDecision d = check_entry(in, lim);
        if (!d.approved()) {
            return d;
        }
    } else {
        if (in.position == nullptr || in.position->amount_atoms == 0) {
            return reject(RiskReason::NoPosition, "no position to sell");
        }
        if (!sell_all && it.amount_in > in.position->amount_atoms) {
            return reject(RiskReason::InvalidIntent, "sell of " + std::to_string(it.amount_in) +
                                                         " atoms exceeds the position of " +
                                                         std::to_string(in.position->amount_atoms));
        }
    }
    return RiskDecision{};
}

// The limits added with [risk.strategy.<name>]; run for entries only, after
// the order size, open positions and balance checks. `lim` is the tighter of
// the [risk] values and the strategy's override; the scoped limits
// (exposure, daily loss, fees, rate) read limits_ and the override apart.
RiskDecision RiskGate::check_entry(const RiskInput& in, const RiskLimits& lim) const {
    const snp_intent& it = *in.intent;
    const PoolState& pool = *in.pool;
    const auto ov_it = limits_.strategy.find(*in.strategy);
    const RiskLimits* ov = ov_it == limits_.strategy.end() ? nullptr : &ov_it->second;

    if (lim.max_position_lamports &&
        !within(in.position_cost_lamports, it.amount_in, *lim.max_position_lamports)) {
        return reject(RiskReason::MaxPosition,
                      "position " + sol(in.position_cost_lamports) + " + order " +
                          sol(it.amount_in) + " above limit " + sol(*lim.max_position_lamports));
    }
    const auto exposure = [&](uint64_t have, uint64_t cap, const char* scope) {
        return reject(RiskReason::MaxExposure, std::string(scope) + " exposure " + sol(have) +
                                                   " + order " + sol(it.amount_in) +
                                                   " above limit " + sol(cap));
    };
    if (limits_.max_exposure_lamports &&
        !within(in.exposure_lamports, it.amount_in, *limits_.max_exposure_lamports)) {
        return exposure(in.exposure_lamports, *limits_.max_exposure_lamports, "total");
    }
    if (ov != nullptr && ov->max_exposure_lamports &&
        !within(in.strategy_exposure_lamports, it.amount_in, *ov->max_exposure_lamports)) {
        return exposure(in.strategy_exposure_lamports, *ov->max_exposure_lamports, "strategy");
    }
    if (lim.min_liquidity_lamports && pool.quote_reserve_lamports < *lim.min_liquidity_lamports) {
        return reject(RiskReason::MinLiquidity,
                      "pool liquidity " + sol(pool.quote_reserve_lamports) + " below minimum " +
                          sol(*lim.min_liquidity_lamports));
    }
    // A fact the feed could not establish holds its worst value and so
    // refuses, unless refuse_unknown_safety = false lets it through.
    const bool refuse_unknown = lim.refuse_unknown_safety.value_or(true);
    const auto checked = [&](uint32_t unknown_bit) { return refuse_unknown || (pool.flags & unknown_bit) == 0; };
    const auto unknown_note = [&](uint32_t unknown_bit) {
        return (pool.flags & unknown_bit) != 0 ? std::string(" (not established: counted as unsafe)") : std::string();
    };
    if (lim.reject_mint_authority.value_or(false) && checked(SNP_POOL_AUTHORITIES_UNKNOWN) &&
        (pool.flags & SNP_POOL_MINT_AUTHORITY_PRESENT) != 0) {
        return reject(RiskReason::MintAuthority,
                      "the mint still has a mint authority" + unknown_note(SNP_POOL_AUTHORITIES_UNKNOWN));
    }
    if (lim.reject_freeze_authority.value_or(false) && checked(SNP_POOL_AUTHORITIES_UNKNOWN) &&
        (pool.flags & SNP_POOL_FREEZE_AUTHORITY_PRESENT) != 0) {
        return reject(RiskReason::FreezeAuthority,
                      "the mint still has a freeze authority" + unknown_note(SNP_POOL_AUTHORITIES_UNKNOWN));
    }
    if (lim.min_lp_burned_bps && checked(SNP_POOL_LP_UNKNOWN) && pool.lp_burned_bps < *lim.min_lp_burned_bps) {
        return reject(RiskReason::MinLpBurned, "LP burned " + pct(pool.lp_burned_bps) + " below minimum " +
                                                   pct(*lim.min_lp_burned_bps) + unknown_note(SNP_POOL_LP_UNKNOWN));
    }
    if (lim.max_top10_holder_bps && checked(SNP_POOL_HOLDERS_UNKNOWN) &&
        pool.top10_holder_bps > *lim.max_top10_holder_bps) {
        return reject(RiskReason::MaxTop10Holders, "top-10 holders own " + pct(pool.top10_holder_bps) +
                                                       ", limit " + pct(*lim.max_top10_holder_bps) +
                                                       unknown_note(SNP_POOL_HOLDERS_UNKNOWN));
    }
    if (pool.stale) {
        return reject(RiskReason::StalePrice,
                      "the feed lost this pool's data (an outage or a stall); entries wait for "
                      "a fresh update of its reserves");
    }
    if (lim.max_price_age_ns) {
        if (in.now_ns <= 0 || pool.updated_ns <= 0) {
            return reject(RiskReason::StalePrice,
                          "cannot establish the price's age (now or pool update time unknown)");
        }
        // A pool stamped after now (clocks of two sources) is fresh, not stale.
        const int64_t age = in.now_ns - pool.updated_ns;
        if (age > *lim.max_price_age_ns) {
            return reject(RiskReason::StalePrice, "pool price is " + millis(age) + " old, limit " +
                                                      millis(*lim.max_price_age_ns));
        }
    }
    if (lim.loss_cooldown_ns && in.last_loss_exit_ns != 0) {
        if (in.now_ns <= 0) {
            return reject(RiskReason::LossCooldown,
                          "cannot establish the time since the last losing exit (now unknown)");
        }
        const int64_t since = in.now_ns - in.last_loss_exit_ns;
        if (since < *lim.loss_cooldown_ns) {
            return reject(RiskReason::LossCooldown, "losing exit on this mint " + millis(since) +
                                                        " ago, cooldown " +
                                                        millis(*lim.loss_cooldown_ns));
        }
    }
    if (limits_.max_daily_loss_lamports &&
        loss_reached(in.realized_pnl_today_lamports, *limits_.max_daily_loss_lamports)) {
        return reject(RiskReason::MaxDailyLoss,
                      "total realized PnL today " + signed_sol(in.realized_pnl_today_lamports) +
                          ", loss limit " + sol(*limits_.max_daily_loss_lamports));
    }
    if (ov != nullptr && ov->max_daily_loss_lamports &&
        loss_reached(in.strategy_realized_pnl_today_lamports, *ov->max_daily_loss_lamports)) {
        return reject(RiskReason::MaxDailyLoss,
                      "strategy realized PnL today " +
                          signed_sol(in.strategy_realized_pnl_today_lamports) + ", loss limit " +
                          sol(*ov->max_daily_loss_lamports));
    }
    if (lim.max_drawdown_bps) {
        if (in.equity_peak_lamports <= 0) {
            return reject(RiskReason::MaxDrawdown,
                          "cannot establish drawdown: equity peak unknown");
        }
        // (peak - equity) / peak >= limit, in exact integers.
        const __int128 peak = in.equity_peak_lamports;
        const __int128 down = peak - static_cast<__int128>(in.equity_lamports);
        if (down * 10000 >= static_cast<__int128>(*lim.max_drawdown_bps) * peak) {
            return reject(
                RiskReason::MaxDrawdown,
                "equity " + signed_sol(in.equity_lamports) + " is down " +
                    pct(static_cast<uint64_t>(std::max<__int128>(down, 0) * 10000 / peak)) +
                    " from its peak " + signed_sol(in.equity_peak_lamports) + ", limit " +
                    pct(*lim.max_drawdown_bps));
        }
    }
    const auto fees = [&](uint64_t spent, uint64_t cap, const char* scope) {
        return reject(RiskReason::MaxFeesPerDay,
                      std::string(scope) + " fees today " + sol(spent) + " + this order " +
                          sol(in.fees_per_order_lamports) + " above limit " + sol(cap));
    };
    if (limits_.max_fees_per_day_lamports &&
        !within(in.fees_today_lamports, in.fees_per_order_lamports,
                *limits_.max_fees_per_day_lamports)) {
        return fees(in.fees_today_lamports, *limits_.max_fees_per_day_lamports, "total");
    }
    if (ov != nullptr && ov->max_fees_per_day_lamports &&
        !within(in.strategy_fees_today_lamports, in.fees_per_order_lamports,
                *ov->max_fees_per_day_lamports)) {
        return fees(in.strategy_fees_today_lamports, *ov->max_fees_per_day_lamports, "strategy");
    }
    // Last: a refusal here must mean the entry passed every other limit.
    if (lim.max_orders_per_minute || limits_.max_orders_per_minute_total) {
        if (in.now_ns <= 0) {
            return reject(RiskReason::MaxOrdersPerMinute,
                          "cannot establish the order rate: now unknown");
        }
    }
    if (lim.max_orders_per_minute) {
        const auto w = strategy_rate_.find(*in.strategy);
        const uint64_t n = w == strategy_rate_.end() ? 0 : w->second.count(in.now_ns);
        if (n >= *lim.max_orders_per_minute) {
            return reject(RiskReason::MaxOrdersPerMinute,
                          std::to_string(n) + " entries by this strategy in the last 60 s, limit " +
                              std::to_string(*lim.max_orders_per_minute));
        }
    }
    if (limits_.max_orders_per_minute_total) {
        const uint64_t n = total_rate_.count(in.now_ns);
        if (n >= *limits_.max_orders_per_minute_total) {
            return reject(RiskReason::MaxOrdersPerMinuteTotal,
                          std::to_string(n) + " entries in the last 60 s, limit " +
                              std::to_string(*limits_.max_orders_per_minute_total));
        }
    }
    return RiskDecision{};
}

RiskDecision RiskGate::check(const RiskInput& in) {
    RiskDecision d;
    try {
        d = evaluate(in);
        // Only approved entries count toward the order-rate limits; exits
        // are never rate-limited, so they are not counted either. If the
        // window cannot be updated the entry is refused below: an approval
        // the rate limit did not see would let the next ones through.
        if (d.approved() && in.intent->side == SNP_SIDE_BUY) {
            total_rate_.record(in.now_ns);
            strategy_rate_[*in.strategy].record(in.now_ns);
        }
    } catch (const std::exception& e) {
        d = reject(RiskReason::InternalError, std::string("risk check failed: ") + e.what());
    } catch (...) {
        d = reject(RiskReason::InternalError, "risk check failed");
    }
    if (d.approved()) {
        ++approved_;
    } else {
        ++rejected_;
        const size_t i = risk_reason_index(d.reason);
        ++by_reason_[i];
        if (in.strategy != nullptr) {
            ++by_strategy_[*in.strategy][i];
        }
    }
    return d;
}

} // namespace sniper
